package risk

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/interpost/interpost/postal"
)

// The UN Security Council consolidated list in its XML form
// (https://scsanctions.un.org/resources/xml/en/consolidated.xml):
//
//	<CONSOLIDATED_LIST dateGenerated="2024-05-02T10:00:02.117-04:00">
//	  <INDIVIDUALS><INDIVIDUAL>
//	    <DATAID/><FIRST_NAME/><SECOND_NAME/><THIRD_NAME/><FOURTH_NAME/>
//	    <UN_LIST_TYPE/><REFERENCE_NUMBER/><NAME_ORIGINAL_SCRIPT/>
//	    <NATIONALITY><VALUE/></NATIONALITY>
//	    <INDIVIDUAL_ALIAS><QUALITY>Good|Low|a.k.a.</QUALITY><ALIAS_NAME/></INDIVIDUAL_ALIAS>
//	    <INDIVIDUAL_ADDRESS><COUNTRY/></INDIVIDUAL_ADDRESS>
//	  </INDIVIDUAL></INDIVIDUALS>
//	  <ENTITIES><ENTITY>
//	    <DATAID/><FIRST_NAME/><UN_LIST_TYPE/><REFERENCE_NUMBER/>
//	    <ENTITY_ALIAS><QUALITY/><ALIAS_NAME/></ENTITY_ALIAS>
//	    <ENTITY_ADDRESS><COUNTRY/></ENTITY_ADDRESS>
//	  </ENTITY></ENTITIES>
//	</CONSOLIDATED_LIST>
//
// An alias of quality "Low" is weak; "Good" and "a.k.a." are strong.
type unList struct {
	XMLName     xml.Name       `xml:"CONSOLIDATED_LIST"`
	Generated   string         `xml:"dateGenerated,attr"`
	Individuals []unIndividual `xml:"INDIVIDUALS>INDIVIDUAL"`
	Entities    []unIndividual `xml:"ENTITIES>ENTITY"`
}

type unIndividual struct {
	DataID      string    `xml:"DATAID"`
	First       string    `xml:"FIRST_NAME"`
	Second      string    `xml:"SECOND_NAME"`
	Third       string    `xml:"THIRD_NAME"`
	Fourth      string    `xml:"FOURTH_NAME"`
	ListType    string    `xml:"UN_LIST_TYPE"`
	Ref         string    `xml:"REFERENCE_NUMBER"`
	Original    string    `xml:"NAME_ORIGINAL_SCRIPT"`
	Nationality []string  `xml:"NATIONALITY>VALUE"`
	Aliases     []unAlias `xml:"INDIVIDUAL_ALIAS"`
	EntAliases  []unAlias `xml:"ENTITY_ALIAS"`
	Addresses   []unAddr  `xml:"INDIVIDUAL_ADDRESS"`
	EntAddrs    []unAddr  `xml:"ENTITY_ADDRESS"`
}

type unAlias struct {
	Quality string `xml:"QUALITY"`
	Name    string `xml:"ALIAS_NAME"`
}

type unAddr struct {
	Country string `xml:"COUNTRY"`
}

// ParseUNXML reads the UN Security Council consolidated list. A file that
// is not that list, or is cut short, is refused with the line and what is
// wrong.
func ParseUNXML(r io.Reader) (*WatchList, error) {
	d := xml.NewDecoder(r)
	var root xml.StartElement
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, unErr(d, err, "no CONSOLIDATED_LIST element")
		}
		if se, ok := tok.(xml.StartElement); ok {
			root = se
			break
		}
	}
	if root.Name.Local != "CONSOLIDATED_LIST" {
		line, _ := d.InputPos()
		return nil, postal.Invalid(fmt.Sprintf("line %d: root element is <%s>, want <CONSOLIDATED_LIST> (is this the UN consolidated list XML?)", line, root.Name.Local),
			postal.FieldError{Field: fmt.Sprintf("line %d", line), Message: "not a UN consolidated list"})
	}
	var ul unList
	if err := d.DecodeElement(&ul, &root); err != nil {
		return nil, unErr(d, err, "")
	}
	l := &WatchList{Name: "un-sc", Format: "un-xml", Published: ul.Generated}
	seen := map[string]bool{}
	add := func(kind string, i int, p unIndividual) error {
		id := strings.TrimSpace(p.Ref)
		if id == "" {
			id = strings.TrimSpace(p.DataID)
		}
		var parts []string
		for _, s := range []string{p.First, p.Second, p.Third, p.Fourth} {
			if s = strings.TrimSpace(s); s != "" {
				parts = append(parts, s)
			}
		}
		if id == "" || len(parts) == 0 {
			return postal.Invalid(fmt.Sprintf("%s %d (DATAID %s): no REFERENCE_NUMBER or no name", kind, i+1, postal.Quote(p.DataID)))
		}
		if seen[id] {
			return postal.Invalid(fmt.Sprintf("%s %d: reference %s appears twice", kind, i+1, postal.Quote(id)))
		}
		seen[id] = true
		e := ListEntry{ID: id, Name: strings.Join(parts, " "), Type: strings.ToLower(kind), Note: strings.TrimSpace(p.ListType)}
		if o := strings.TrimSpace(p.Original); o != "" {
			e.Aliases = append(e.Aliases, Alias{Name: o, Strength: Strong})
		}
		for _, a := range append(p.Aliases, p.EntAliases...) {
			if n := strings.TrimSpace(a.Name); n != "" {
				st := Strong
				if strings.EqualFold(strings.TrimSpace(a.Quality), "low") {
					st = Weak
				}
				e.Aliases = append(e.Aliases, Alias{Name: n, Strength: st})
			}
		}
		var cs []string
		cs = append(cs, p.Nationality...)
		for _, a := range append(p.Addresses, p.EntAddrs...) {
			cs = append(cs, a.Country)
		}
		for _, c := range cs {
			if code := countryCode(c); code != "" && !slices.Contains(e.Countries, code) {
				e.Countries = append(e.Countries, code)
			}
		}
		l.Entries = append(l.Entries, e)
		return nil
	}
	for i, p := range ul.Individuals {
		if err := add("INDIVIDUAL", i, p); err != nil {
			return nil, err
		}
	}
	for i, p := range ul.Entities {
		if err := add("ENTITY", i, p); err != nil {
			return nil, err
		}
	}
	if len(l.Entries) == 0 {
		return nil, postal.Invalid("the UN consolidated list holds no INDIVIDUAL or ENTITY")
	}
	date, _, _ := strings.Cut(ul.Generated, "T")
	l.Version = contentVersion(date, l.Entries)
	return l, nil
}

func unErr(d *xml.Decoder, err error, eofMsg string) error {
	line, _ := d.InputPos()
	msg := err.Error()
	var se *xml.SyntaxError
	switch {
	case errors.As(err, &se):
		line, msg = se.Line, se.Msg
		if strings.Contains(msg, "unexpected EOF") {
			msg = "the XML ends early (truncated file?): " + msg
		}
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		msg = "the XML ends early (truncated file?)"
		if eofMsg != "" {
			msg = eofMsg + ": " + msg
		}
	}
	return postal.Invalid(fmt.Sprintf("line %d: %s", line, msg), postal.FieldError{Field: fmt.Sprintf("line %d", line), Message: msg})
}
