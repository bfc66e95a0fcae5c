package ceb

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/interpost/interpost/postal"
)

// Problem is one thing wrong with a message: the element by path and what is wrong.
type Problem struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

func (p Problem) String() string { return p.Path + ": " + p.Reason }

// Problems is every problem found in a message; it is the error Decode, Parse and Encode return.
type Problems []Problem

func (ps Problems) Error() string {
	switch len(ps) {
	case 0:
		return "no problems"
	case 1:
		return ps[0].String()
	}
	return fmt.Sprintf("%s (and %d more)", ps[0], len(ps)-1)
}

// As lets errors.As see Problems as a *postal.Error (code invalid, one field per problem), so
// the server and the CLI map them like any bad input.
func (ps Problems) As(target any) bool {
	t, ok := target.(**postal.Error)
	if !ok {
		return false
	}
	fields := make([]postal.FieldError, len(ps))
	for i, p := range ps {
		fields[i] = postal.FieldError{Field: p.Path, Message: p.Reason}
	}
	*t = &postal.Error{Code: postal.CodeInvalid, Message: "CEB message refused: " + ps.Error(), Fields: fields}
	return true
}

// maxProblems bounds the list for hostile input.
const maxProblems = 200

// path is a lazily rendered element path: rendered only when a problem is reported.
type path struct {
	parent *path
	name   string
	index  int // 1-based; 0 = no index shown
}

func (p *path) String() string {
	if p == nil {
		return ""
	}
	s := p.parent.String() + "/" + p.name
	if p.index > 0 {
		s += "[" + strconv.Itoa(p.index) + "]"
	}
	return s
}

type validator struct {
	s        *Schema
	unsigned bool
	out      Problems
}

func (v *validator) add(p *path, format string, args ...any) {
	if len(v.out) < maxProblems {
		v.out = append(v.out, Problem{Path: p.String(), Reason: fmt.Sprintf(format, args...)})
	}
}

// Validate checks the whole tree against the schema: element names, namespaces, order and
// occurrence, lengths and number formats, dates, confirmed code lists, and totals against lines.
//
// CEB621, 623, 625 and 711 require a ds:Signature (XSD 1..1); Validate reports it missing.
func (m *Message) Validate() Problems { return m.validate(false) }

// ValidateUnsigned is Validate for a message on its way to the signer: a required ds:Signature
// may be absent. The signature itself is never checked here (the signer's business).
func (m *Message) ValidateUnsigned() Problems { return m.validate(true) }

func (m *Message) validate(unsigned bool) Problems {
	v := validator{s: m.Schema, unsigned: unsigned}
	root := &path{name: m.Root.Name}
	v.attrs(m.Schema.Root, m.Root, root)
	v.group(m.Schema.Root, m.Root, root)
	v.totals(m.Root, root)
	return v.out
}

func (v *validator) attrs(n *Node, e *Element, p *path) {
	for _, a := range n.Attrs {
		val, found := "", false
		for _, x := range e.Attrs {
			if x.Name.Local == a.Name && x.Name.Space == "" {
				val, found = x.Value, true
			}
		}
		ap := &path{parent: p, name: "@" + a.Name}
		if !found {
			v.add(ap, "missing (required attribute)")
			continue
		}
		v.str(a, val, ap)
	}
	for _, x := range e.Attrs {
		if x.Name.Space != "" {
			continue // xsi:schemaLocation and the like
		}
		known := false
		for _, a := range n.Attrs {
			known = known || a.Name == x.Name.Local
		}
		if !known {
			v.add(&path{parent: p, name: "@" + x.Name.Local}, "unknown attribute")
		}
	}
}

// group checks the children of e against n's sequence.
func (v *validator) group(n *Node, e *Element, p *path) {
	if strings.TrimSpace(e.Text) != "" {
		v.add(p, "text %s among child elements", postal.Quote(strings.TrimSpace(e.Text)))
	}
	var counts [64]int
	var total []int
	if len(n.Children) > len(counts) {
		total = make([]int, len(n.Children))
	} else {
		total = counts[:len(n.Children)]
	}
	for _, c := range e.Children {
		if i, ok := n.index[c.Name]; ok {
			total[i]++
		}
	}
	seen := make([]int, len(n.Children))
	last, outOfOrder := -1, false
	for _, c := range e.Children {
		i, ok := n.index[c.Name]
		if !ok {
			v.add(&path{parent: p, name: c.Name}, "unknown element (expected one of %s)", names(n))
			continue
		}
		cn := n.Children[i]
		seen[i]++
		idx := 0
		if total[i] > 1 {
			idx = seen[i]
		}
		cp := &path{parent: p, name: c.Name, index: idx}
		if c.Space != cn.Space {
			v.add(cp, "namespace %s, want %s", quoteNS(c.Space), cn.Space)
			continue
		}
		if i < last && !outOfOrder {
			outOfOrder = true
			v.add(cp, "out of order: %s must come before %s", c.Name, n.Children[last].Name)
		}
		last = max(last, i)
		if cn.Max >= 0 && seen[i] > cn.Max {
			if seen[i] == cn.Max+1 {
				v.add(cp, "%d occurrences, at most %d", total[i], cn.Max)
			}
			continue
		}
		v.node(cn, c, cp)
	}
	for i, cn := range n.Children {
		if total[i] < cn.Min && !(v.unsigned && cn.Space == DSigNS) {
			if total[i] == 0 {
				v.add(&path{parent: p, name: cn.Name}, "missing (required)")
			} else {
				v.add(&path{parent: p, name: cn.Name}, "%d occurrences, at least %d", total[i], cn.Min)
			}
		}
	}
}

func names(n *Node) string {
	var s []string
	for _, c := range n.Children {
		s = append(s, c.Name)
	}
	if len(s) > 6 {
		s = append(s[:6], "…")
	}
	return strings.Join(s, ", ")
}

func (v *validator) node(n *Node, e *Element, p *path) {
	switch n.Kind {
	case KindAny:
		return
	case KindGroup:
		v.group(n, e, p)
		return
	}
	if len(e.Children) > 0 {
		v.add(p, "has child elements, want a value (%s)", n.Facet())
		return
	}
	switch n.Kind {
	case KindString:
		v.str(n, e.Text, p)
	case KindDecimal:
		v.decimal(n, e.Text, p)
	case KindInt:
		v.integer(n, e.Text, p)
	}
}

func (v *validator) str(n *Node, s string, p *path) {
	if n.Collapse {
		s = strings.Join(strings.Fields(s), " ")
	}
	c := utf8.RuneCountInString(s)
	switch {
	case !utf8.ValidString(s):
		v.add(p, "not valid UTF-8")
		return
	case n.Length >= 0 && c != n.Length:
		v.add(p, "%s, must be exactly %d", chars(c), n.Length)
		return
	case n.MaxLen >= 0 && c > n.MaxLen:
		v.add(p, "%s, at most %d", chars(c), n.MaxLen)
		return
	case n.MinLen > 0 && c < n.MinLen:
		v.add(p, "empty, required")
		return
	}
	v.rules(n, s, p)
}

func chars(n int) string {
	if n == 1 {
		return "1 character"
	}
	return strconv.Itoa(n) + " characters"
}

// decimal checks xs:decimal with totalDigits/fractionDigits (N19,5: at most 19 digits, 5 after
// the point).
func (v *validator) decimal(n *Node, s string, p *path) {
	intDigits, frac, ok := decimalDigits(s)
	if !ok {
		v.add(p, "%s is not a decimal number (%s)", postal.Quote(s), n.Facet())
		return
	}
	if n.FractionDigits > 0 && frac > n.FractionDigits {
		v.add(p, "%d decimal places, at most %d", frac, n.FractionDigits)
		return
	}
	if n.TotalDigits > 0 && intDigits+frac > n.TotalDigits {
		v.add(p, "%d digits, at most %d", intDigits+frac, n.TotalDigits)
	}
}

// decimalDigits reads an xs:decimal lexical value: the significant digits before the point and
// after it (trailing zeros do not count, as in XSD).
func decimalDigits(s string) (intDigits, frac int, ok bool) {
	s = strings.TrimSpace(s)
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	ip, fp, hasPoint := strings.Cut(s, ".")
	if ip == "" && fp == "" || !allDigits(ip) || !allDigits(fp) || hasPoint && fp == "" && ip == "" {
		return 0, 0, false
	}
	ip = strings.TrimLeft(ip, "0")
	fp = strings.TrimRight(fp, "0")
	return len(ip), len(fp), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (v *validator) integer(n *Node, s string, p *path) {
	t := strings.TrimSpace(s)
	d := strings.TrimLeft(strings.TrimPrefix(strings.TrimPrefix(t, "-"), "+"), "0")
	x, err := strconv.ParseInt(t, 10, 32)
	if err != nil {
		v.add(p, "%s is not an integer (%s)", postal.Quote(s), n.Facet())
		return
	}
	if n.TotalDigits > 0 && len(d) > n.TotalDigits {
		v.add(p, "%d digits, at most %d", len(d), n.TotalDigits)
		return
	}
	v.intRules(n, x, p)
}
