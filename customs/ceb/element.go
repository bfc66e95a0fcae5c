package ceb

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Element is one XML element of a message, in document order. Leaves carry Text (as written,
// untrimmed); groups carry Children.
type Element struct {
	Space    string // namespace URI
	Name     string // local name
	Attrs    []xml.Attr
	Text     string
	Children []*Element
	Line     int // 1-based line in the input, 0 for built elements
}

// Message is a parsed or built CEB message: its type and its element tree.
type Message struct {
	Schema *Schema
	Root   *Element
}

// Type is the message type, e.g. "CEB511".
func (m *Message) Type() string { return m.Schema.Type }

// Attr returns the root attribute named name.
func (e *Element) Attr(name string) string {
	for _, a := range e.Attrs {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// Child returns the first child named name, or nil.
func (e *Element) Child(name string) *Element {
	if e == nil {
		return nil
	}
	for _, c := range e.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// All returns the children named name.
func (e *Element) All(name string) []*Element {
	var out []*Element
	for _, c := range e.Children {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// Get follows a path of child names ("LogisticsHead/logisticsNo") and returns the leaf's text.
func (e *Element) Get(path string) string {
	for name := range strings.SplitSeq(path, "/") {
		e = e.Child(name)
	}
	if e == nil {
		return ""
	}
	return e.Text
}

// leaf appends a leaf child; an empty value of an optional element is left out.
func (e *Element) leaf(name, value string, optional bool) {
	if value == "" && optional {
		return
	}
	e.Children = append(e.Children, &Element{Space: Namespace, Name: name, Text: value})
}

// group appends and returns a group child.
func (e *Element) group(name string) *Element {
	g := &Element{Space: Namespace, Name: name}
	e.Children = append(e.Children, g)
	return g
}

// MaxInput is the largest message Parse reads (a CEB message holds at most 100 business nodes).
const MaxInput = 16 << 20

// Parse reads one CEB message: well-formed XML whose root is a known CEBnnnMessage in the CEB
// namespace. It does not validate the tree: call Validate (or use Decode).
func Parse(data []byte) (*Message, error) {
	if len(data) > MaxInput {
		return nil, Problems{{Path: "/", Reason: fmt.Sprintf("%d bytes, at most %d", len(data), MaxInput)}}
	}
	root, err := parseTree(data)
	if err != nil {
		return nil, err
	}
	if root.Space == DxpNamespace && root.Name == "DxpMsg" {
		return nil, Problems{{Path: "/DxpMsg", Reason: "a DxpMsg envelope: unwrap it first (UnwrapDxp)"}}
	}
	typ, ok := strings.CutSuffix(root.Name, "Message")
	s, known := schemas[typ]
	if !ok || !known {
		return nil, Problems{{Path: "/" + root.Name, Reason: "not a CEB message type this codec knows (CEB311 … CEB792)"}}
	}
	if root.Space != Namespace {
		return nil, Problems{{Path: "/" + root.Name, Reason: fmt.Sprintf("namespace %s, want %s", quoteNS(root.Space), Namespace)}}
	}
	return &Message{Schema: s, Root: root}, nil
}

// Decode parses and validates one message. On a validation failure it returns the message with
// the Problems, so a caller can still show what it says.
func Decode(data []byte) (*Message, error) {
	m, err := Parse(data)
	if err != nil {
		return nil, err
	}
	if ps := m.Validate(); len(ps) > 0 {
		return m, ps
	}
	return m, nil
}

// DecodeUnsigned is Decode for a message not signed yet (see ValidateUnsigned).
func DecodeUnsigned(data []byte) (*Message, error) {
	m, err := Parse(data)
	if err != nil {
		return nil, err
	}
	if ps := m.ValidateUnsigned(); len(ps) > 0 {
		return m, ps
	}
	return m, nil
}

func quoteNS(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// parseTree builds the element tree. It reads raw tokens (encoding/xml's lexer without its
// namespace translation, which costs more than the lexing) and resolves prefixes itself, so
// `ceb:` and the default namespace read the same; it checks that end tags match.
func parseTree(data []byte) (*Element, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	type open struct {
		e      *Element
		prefix string
		nsLen  int // len(ns) before this element's declarations
		text   []byte
	}
	var stack []open
	var ns []nsDecl // in-scope declarations, innermost last
	var root *Element
	fail := func(format string, args ...any) error {
		line, _ := d.InputPos()
		return Problems{{Path: "/", Reason: fmt.Sprintf("malformed XML at line %d: ", line) + fmt.Sprintf(format, args...)}}
	}
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, Problems{{Path: "/", Reason: fmt.Sprintf("malformed XML at line %d: %s", se.Line, se.Msg)}}
			}
			return nil, Problems{{Path: "/", Reason: "malformed XML: " + err.Error()}}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 && root != nil {
				return nil, fail("more than one root element")
			}
			line, _ := d.InputPos()
			e := &Element{Name: t.Name.Local, Line: line}
			nsLen := len(ns)
			for _, a := range t.Attr {
				switch {
				case a.Name.Space == "xmlns":
					ns = append(ns, nsDecl{a.Name.Local, a.Value})
				case a.Name.Space == "" && a.Name.Local == "xmlns":
					ns = append(ns, nsDecl{"", a.Value})
				}
			}
			var ok bool
			if e.Space, ok = lookupNS(ns, t.Name.Space); !ok {
				return nil, fail("undeclared namespace prefix %q", t.Name.Space)
			}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
					continue
				}
				if a.Name.Space != "" {
					if a.Name.Space == "xml" {
						a.Name.Space = "http://www.w3.org/XML/1998/namespace"
					} else if a.Name.Space, ok = lookupNS(ns, a.Name.Space); !ok {
						return nil, fail("undeclared namespace prefix on attribute %s", a.Name.Local)
					}
				}
				e.Attrs = append(e.Attrs, a)
			}
			if len(stack) == 0 {
				root = e
			} else {
				p := stack[len(stack)-1].e
				p.Children = append(p.Children, e)
			}
			stack = append(stack, open{e: e, prefix: t.Name.Space, nsLen: nsLen})
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, fail("text outside the root element")
				}
				continue
			}
			top := &stack[len(stack)-1]
			top.text = append(top.text, t...)
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, fail("unexpected end tag </%s>", t.Name.Local)
			}
			top := stack[len(stack)-1]
			if t.Name.Local != top.e.Name || t.Name.Space != top.prefix {
				return nil, fail("element <%s> closed by </%s>", qname(top.prefix, top.e.Name), qname(t.Name.Space, t.Name.Local))
			}
			if len(top.e.Children) == 0 || len(bytes.TrimSpace(top.text)) > 0 {
				top.e.Text = string(top.text) // text among children: Validate reports it
			}
			ns = ns[:top.nsLen]
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		return nil, fail("unexpected end of input inside <%s>", stack[len(stack)-1].e.Name)
	}
	if root == nil {
		return nil, Problems{{Path: "/", Reason: "no root element"}}
	}
	return root, nil
}

type nsDecl struct{ prefix, uri string }

func lookupNS(ns []nsDecl, prefix string) (string, bool) {
	if prefix == "xml" {
		return "http://www.w3.org/XML/1998/namespace", true
	}
	for i := len(ns) - 1; i >= 0; i-- {
		if ns[i].prefix == prefix {
			return ns[i].uri, true
		}
	}
	return "", prefix == ""
}

func qname(prefix, local string) string {
	if prefix == "" {
		return local
	}
	return prefix + ":" + local
}

// EncodeOptions choose the namespace style.
type EncodeOptions struct {
	// DefaultNamespace writes xmlns="…ceb" on the root and no prefixes, the style of receipts from
	// customs. The default is the `ceb:` prefix of requests.
	DefaultNamespace bool
	// NoHeader leaves out the <?xml …?> declaration.
	NoHeader bool
}

// Encode validates m and writes it as XML, children in the order of the tree (the validator has
// checked it is the schema's order). A required ds:Signature may be absent: the output goes to
// the signer (ValidateUnsigned).
func Encode(w io.Writer, m *Message, opt EncodeOptions) error {
	if ps := m.ValidateUnsigned(); len(ps) > 0 {
		return ps
	}
	var b bytes.Buffer
	b.Grow(2048)
	AppendXML(&b, m, opt)
	_, err := w.Write(b.Bytes())
	return err
}

// Marshal validates and encodes m to bytes.
func Marshal(m *Message, opt EncodeOptions) ([]byte, error) {
	var b bytes.Buffer
	if err := Encode(&b, m, opt); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// AppendXML writes m without validating it (for tests of the validator, and benchmarks).
func AppendXML(b *bytes.Buffer, m *Message, opt EncodeOptions) {
	if !opt.NoHeader {
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	}
	w := writer{b: b, prefixed: !opt.DefaultNamespace}
	w.element(m.Root, 0, "")
	b.WriteByte('\n')
}

type writer struct {
	b        *bytes.Buffer
	prefixed bool
}

// element writes e; def is the default namespace in scope.
func (w *writer) element(e *Element, depth int, def string) {
	b := w.b
	for range depth {
		b.WriteString("  ")
	}
	b.WriteByte('<')
	name := e.Name
	switch {
	case e.Space == Namespace && w.prefixed:
		name = "ceb:" + e.Name
	case e.Space == DSigNS:
		name = "ds:" + e.Name
	}
	b.WriteString(name)
	if depth == 0 {
		if w.prefixed {
			b.WriteString(` xmlns:ceb="` + Namespace + `"`)
		} else {
			b.WriteString(` xmlns="` + Namespace + `"`)
			def = Namespace
		}
	}
	switch {
	case e.Space == DSigNS:
		b.WriteString(` xmlns:ds="` + DSigNS + `"`)
	case e.Space == Namespace && w.prefixed:
	case e.Space != def:
		b.WriteString(` xmlns="`)
		xml.EscapeText(b, []byte(e.Space))
		b.WriteByte('"')
		def = e.Space
	}
	for _, a := range e.Attrs {
		if a.Name.Space != "" {
			continue // xsi:… and foreign attributes are not written (no CEB element has any)
		}
		b.WriteByte(' ')
		b.WriteString(a.Name.Local)
		b.WriteString(`="`)
		xml.EscapeText(b, []byte(a.Value))
		b.WriteByte('"')
	}
	if len(e.Children) == 0 {
		b.WriteByte('>')
		escape(b, e.Text)
	} else {
		b.WriteString(">\n")
		for _, c := range e.Children {
			w.element(c, depth+1, def)
		}
		for range depth {
			b.WriteString("  ")
		}
	}
	b.WriteString("</")
	b.WriteString(name)
	b.WriteString(">\n")
	if depth == 0 {
		b.Truncate(b.Len() - 1)
	}
}

// escape writes s as character data, fast when nothing needs escaping.
func escape(b *bytes.Buffer, s string) {
	if !strings.ContainsAny(s, "<>&'\"\r\n\t") {
		b.WriteString(s)
		return
	}
	xml.EscapeText(b, []byte(s))
}
