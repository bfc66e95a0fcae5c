package ceb

import (
	_ "embed"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Namespaces of the family.
const (
	Namespace    = "http://www.chinaport.gov.cn/ceb"
	DxpNamespace = "http://www.chinaport.gov.cn/dxp"
	DSigNS       = "http://www.w3.org/2000/09/xmldsig#"
)

// Kind is the simple type of a leaf.
type Kind uint8

// Kinds of node.
const (
	KindGroup   Kind = iota // an element with child elements
	KindString              // string with length facets
	KindDecimal             // decimal(totalDigits, fractionDigits)
	KindInt                 // int(totalDigits) or xs:int
	KindAny                 // any XML (ExtendMessage/Message, ds:Signature): not checked
)

// Node is one element (or root attribute) of a message tree, as the XSD gives it.
type Node struct {
	Name     string // local name; "Signature" for ds:Signature
	Space    string // namespace: Namespace, or DSigNS for ds:Signature
	Attr     bool   // a root attribute (@guid, @version)
	English  string // gloss
	Chinese  string // the XSD documentation, verbatim
	Min, Max int    // occurrence; Max -1 = unbounded
	Kind     Kind
	// String facets (characters); -1 when absent.
	Length, MinLen, MaxLen int
	Collapse               bool
	// Number facets; 0 when absent.
	TotalDigits, FractionDigits int
	Children                    []*Node
	Attrs                       []*Node
	index                       map[string]int // child name → position in Children

	// Rules attached by finalize (rules.go).
	codes  []string // closed code list
	format string   // time layout
	one    bool     // fixed at 1
	seq    bool     // numbered 1, 2, … in its list
	upper  bool     // upper-case only
}

// Schema is one message type: its root and the names the spec gives it.
type Schema struct {
	Type    string // "CEB511"
	Export  bool   // from the export XSD
	Chinese string // 物流运单数据报文（物流企业）
	English string
	Receipt bool // a receipt from customs (…Return entities)
	Root    *Node
}

//go:embed schema.md
var schemaText string

var schemas = mustParseSchemas(schemaText)

// Lookup returns the schema of a message type ("CEB511" or "CEB511Message").
func Lookup(typ string) (*Schema, bool) {
	s, ok := schemas[strings.TrimSuffix(typ, "Message")]
	return s, ok
}

// Types lists every message type the codec knows, in the spec's order.
func Types() []string { return append([]string(nil), schemaOrder...) }

var schemaOrder []string

var (
	headingRE = regexp.MustCompile(`^#### (CEB\d{3})Message — (.*)$`)
	occursRE  = regexp.MustCompile(`\[(required|\d+)(?:\.\.(\d+|unbounded))?\]`)
	typeRE    = regexp.MustCompile(`^(string|decimal|int)\(([^)]*)\)$`)
)

func mustParseSchemas(text string) map[string]*Schema {
	m, err := parseSchemas(text)
	if err != nil {
		panic("ceb: schema.md: " + err.Error())
	}
	return m
}

// parseSchemas reads the element trees of schema.md: one "#### CEBnnnMessage — 中文" heading per
// type, then a bullet per element, indented two spaces per level.
func parseSchemas(text string) (map[string]*Schema, error) {
	out := map[string]*Schema{}
	export := false
	var cur *Schema
	var stack []*Node
	for ln, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "### ") {
			export = strings.Contains(line, "Export")
			continue
		}
		if m := headingRE.FindStringSubmatch(line); m != nil {
			cur = &Schema{Type: m[1], Export: export, Chinese: strings.TrimSpace(m[2]),
				Root: &Node{Name: m[1] + "Message", Space: Namespace, Min: 1, Max: 1}}
			cur.English = englishNames[cur.Type]
			out[cur.Type] = cur
			schemaOrder = append(schemaOrder, cur.Type)
			stack = []*Node{cur.Root}
			continue
		}
		trimmed := strings.TrimLeft(line, " ")
		if cur == nil || !strings.HasPrefix(trimmed, "- ") {
			continue
		}
		depth := (len(line) - len(trimmed)) / 2
		if depth+1 > len(stack) {
			return nil, fmt.Errorf("line %d: indented too deep", ln+1)
		}
		n, err := parseNode(trimmed[2:])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", ln+1, err)
		}
		parent := stack[depth]
		stack = append(stack[:depth+1], n)
		if parent.Kind != KindGroup {
			parent.Kind = KindGroup
		}
		if n.Attr {
			parent.Attrs = append(parent.Attrs, n)
			continue
		}
		if parent.index == nil {
			parent.index = map[string]int{}
		}
		parent.index[n.Name] = len(parent.Children)
		parent.Children = append(parent.Children, n)
		if strings.HasSuffix(n.Name, "Return") && depth == 0 {
			cur.Receipt = true
		}
	}
	for _, s := range out {
		finalize(s, s.Root, "")
		for _, a := range s.Root.Attrs {
			finalize(s, a, s.Root.Name)
		}
		if s.English == "" {
			return nil, fmt.Errorf("%s: no English name", s.Type)
		}
	}
	return out, nil
}

// parseNode reads `name (gloss) [min..max] type — 中文`.
func parseNode(s string) (*Node, error) {
	n := &Node{Space: Namespace, Length: -1, MinLen: -1, MaxLen: -1, Kind: KindGroup}
	name, rest, _ := strings.Cut(s, " ")
	if strings.HasPrefix(name, "@") {
		n.Attr, name = true, name[1:]
	}
	if name == "ds:Signature" {
		name, n.Space, n.Kind = "Signature", DSigNS, KindAny
	}
	n.Name = name
	loc := occursRE.FindStringSubmatchIndex(rest)
	if loc == nil {
		return nil, fmt.Errorf("%s: no occurrence", name)
	}
	n.English = strings.TrimSpace(rest[:loc[0]])
	n.English = strings.TrimSuffix(strings.TrimPrefix(n.English, "("), ")")
	occ := rest[loc[2]:loc[3]]
	if occ == "required" {
		n.Min, n.Max = 1, 1
	} else {
		n.Min, _ = strconv.Atoi(occ)
		n.Max = n.Min
		if loc[4] >= 0 {
			if mx := rest[loc[4]:loc[5]]; mx == "unbounded" {
				n.Max = -1
			} else {
				n.Max, _ = strconv.Atoi(mx)
			}
		}
	}
	typ, zh, _ := strings.Cut(rest[loc[1]:], "—")
	n.Chinese = strings.TrimSpace(zh)
	typ = strings.TrimSpace(typ)
	switch {
	case typ == "" || typ == "(external)":
	case typ == "ceb:XMLElement":
		n.Kind = KindAny
	case typ == "xs:int":
		n.Kind = KindInt
	default:
		m := typeRE.FindStringSubmatch(typ)
		if m == nil {
			return nil, fmt.Errorf("%s: unknown type %q", name, typ)
		}
		n.Kind = map[string]Kind{"string": KindString, "decimal": KindDecimal, "int": KindInt}[m[1]]
		for _, f := range strings.Split(m[2], ",") {
			k, v, _ := strings.Cut(f, "=")
			if k == "whiteSpace" {
				n.Collapse = v == "collapse"
				continue
			}
			iv, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("%s: facet %q", name, f)
			}
			switch k {
			case "length":
				n.Length = iv
			case "minLength":
				n.MinLen = iv
			case "maxLength":
				n.MaxLen = iv
			case "totalDigits":
				n.TotalDigits = iv
			case "fractionDigits":
				n.FractionDigits = iv
			default:
				return nil, fmt.Errorf("%s: facet %q", name, f)
			}
		}
	}
	return n, nil
}

// Child returns the child node named name.
func (n *Node) Child(name string) (*Node, bool) {
	i, ok := n.index[name]
	if !ok {
		return nil, false
	}
	return n.Children[i], true
}

// Facet describes a leaf's type the way the spec's tables do: C..18, C3, N19,5, int.
func (n *Node) Facet() string {
	switch n.Kind {
	case KindString:
		if n.Length >= 0 {
			return "C" + strconv.Itoa(n.Length)
		}
		if n.MaxLen >= 0 {
			return "C.." + strconv.Itoa(n.MaxLen)
		}
		return "C"
	case KindDecimal:
		return fmt.Sprintf("N%d,%d", n.TotalDigits, n.FractionDigits)
	case KindInt:
		if n.TotalDigits > 0 {
			return "N" + strconv.Itoa(n.TotalDigits)
		}
		return "int"
	case KindAny:
		return "any"
	}
	return ""
}
