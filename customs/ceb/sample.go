package ceb

import (
	"encoding/xml"
	"strconv"
	"strings"
)

// Sample builds a valid message of type typ from the schema alone: every optional element
// present, lists of two, values the smallest that satisfy the facets and rules. For tests,
// fuzz seeds and documentation; it is not business data.
func Sample(typ string) *Message {
	s, ok := schemas[strings.TrimSuffix(typ, "Message")]
	if !ok {
		return nil
	}
	root := &Element{Space: Namespace, Name: s.Root.Name}
	for _, a := range s.Root.Attrs {
		v := sampleValue(a, 1)
		if a.Name == "version" {
			v = "1.0"
		}
		root.Attrs = append(root.Attrs, xml.Attr{Name: xml.Name{Local: a.Name}, Value: v})
	}
	sampleChildren(s.Root, root, 1)
	return &Message{Schema: s, Root: root}
}

func sampleChildren(n *Node, e *Element, index int) {
	for _, c := range n.Children {
		if c.Space == DSigNS {
			continue // signatures are the signer's business
		}
		count := max(c.Min, 1)
		if c.Kind == KindGroup && (c.Max == -1 || c.Max > 1) && strings.HasSuffix(c.Name, "List") {
			count = 2
		}
		for i := 1; i <= count; i++ {
			ch := &Element{Space: Namespace, Name: c.Name}
			switch c.Kind {
			case KindGroup:
				sampleChildren(c, ch, i)
			case KindAny:
				ch.Children = []*Element{{Space: "urn:example", Name: "custom", Text: "1"}}
			default:
				ch.Text = sampleValue(c, index)
			}
			e.Children = append(e.Children, ch)
		}
	}
}

func sampleValue(n *Node, index int) string {
	switch {
	case n.codes != nil:
		return n.codes[0]
	case n.format == ts14:
		return "20261207100000"
	case n.format == ts17:
		return "20261207100000123"
	case n.format == date8:
		return "20261207"
	case n.seq:
		return strconv.Itoa(index)
	case n.Kind == KindInt:
		return "1"
	case n.Kind == KindDecimal:
		return "0"
	case n.Name == "returnStatus":
		return "120"
	case n.Length >= 0:
		return strings.Repeat("1", n.Length)
	}
	v := strings.ToUpper(n.Name)
	if n.MaxLen >= 0 && len(v) > n.MaxLen {
		v = v[:n.MaxLen]
	}
	return v
}
