package risk

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/interpost/interpost/postal"
)

// OFAC's legacy CSV files (sdn.csv, alt.csv, add.csv), as the US Treasury
// publishes them: no header, "-0-" for an empty field, Latin-1, a 0x1A
// end-of-file byte on the last line. Columns:
//
//	sdn.csv: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks
//	alt.csv: ent_num, alt_num, alt_type, alt_name, alt_remarks
//	add.csv: ent_num, add_num, address, city/state/postal, country, add_remarks
//
// alt.csv holds the strong aliases; OFAC writes the weak ones ("low
// quality") into the remarks as a.k.a. 'NAME'.
const (
	ofacSDNCols = 12
	ofacAltCols = 5
	ofacAddCols = 6
)

// OFACFiles are the three files of the OFAC SDN list.
type OFACFiles struct {
	SDN, Alt, Add io.Reader // Alt and Add may be nil
}

// ParseOFAC reads the OFAC SDN list in its CSV form. Any bad row refuses
// the whole list with the file, line and what is wrong.
func ParseOFAC(f OFACFiles) (*WatchList, error) {
	l := &WatchList{Name: "ofac-sdn", Format: "ofac-sdn"}
	byID := map[string]int{}
	err := readOFAC("sdn.csv", f.SDN, ofacSDNCols, func(line int, r []string) error {
		id, name := ofacField(r[0]), ofacField(r[1])
		if !isDigits(id) {
			return fmt.Errorf("ent_num %s is not a number", postal.Quote(r[0]))
		}
		if name == "" {
			return errors.New("SDN_Name is empty")
		}
		if _, dup := byID[id]; dup {
			// The published files have held such a row (the 2022-01-31
			// sample's last line reuses 2677): keep it, apart, and say so.
			l.Warnings = append(l.Warnings, fmt.Sprintf("sdn.csv line %d: ent_num %s appears again; kept as %s/%d, aliases and addresses go to the first", line, id, id, line))
			id = fmt.Sprintf("%s/%d", id, line)
		}
		e := ListEntry{ID: id, Name: name, Type: ofacField(r[2]), Note: ofacField(r[3])}
		if e.Type == "" {
			e.Type = "entity"
		}
		for _, a := range weakAKAs(ofacField(r[11])) {
			e.Aliases = append(e.Aliases, Alias{Name: a, Strength: Weak})
		}
		byID[id] = len(l.Entries)
		l.Entries = append(l.Entries, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(l.Entries) == 0 {
		return nil, postal.Invalid("sdn.csv holds no entries")
	}
	orphans := map[string]int{}
	// entry finds the sdn.csv entry of an alt.csv or add.csv row. A row of
	// an entry sdn.csv lacks is skipped and counted: the published files
	// are not always in step (the 2022-01-31 sample has such rows).
	entry := func(file, id string) *ListEntry {
		i, ok := byID[ofacField(id)]
		if !ok {
			orphans[file]++
			return nil
		}
		return &l.Entries[i]
	}
	if f.Alt != nil {
		err = readOFAC("alt.csv", f.Alt, ofacAltCols, func(line int, r []string) error {
			e := entry("alt.csv", r[0])
			if e == nil {
				return nil
			}
			if n := ofacField(r[3]); n != "" {
				e.Aliases = append(e.Aliases, Alias{Name: n, Strength: Strong})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if f.Add != nil {
		err = readOFAC("add.csv", f.Add, ofacAddCols, func(line int, r []string) error {
			e := entry("add.csv", r[0])
			if e == nil {
				return nil
			}
			if c := countryCode(ofacField(r[4])); c != "" && !slices.Contains(e.Countries, c) {
				e.Countries = append(e.Countries, c)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, file := range []string{"alt.csv", "add.csv"} {
		if n := orphans[file]; n > 0 {
			l.Warnings = append(l.Warnings, fmt.Sprintf("%s: %d rows name an ent_num sdn.csv does not hold; skipped", file, n))
		}
	}
	l.Version = contentVersion("", l.Entries)
	return l, nil
}

// readOFAC reads one OFAC CSV file row by row.
func readOFAC(file string, r io.Reader, cols int, row func(line int, r []string) error) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return postal.Errorf(postal.CodeInvalid, "read %s: %w", file, err)
	}
	data = bytes.TrimRight(data, "\x1a\r\n ")
	if !utf8.Valid(data) {
		data = latin1(data)
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = cols
	cr.ReuseRecord = true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
				if errors.Is(pe.Err, csv.ErrFieldCount) {
					return ofacErr(file, line, fmt.Sprintf("%d columns, want %d (is this %s of the OFAC SDN list?)", len(rec), cols, file))
				}
				return ofacErr(file, line, pe.Err.Error())
			}
			return ofacErr(file, line, err.Error())
		}
		if err := row(line, rec); err != nil {
			return ofacErr(file, line, err.Error())
		}
	}
}

func ofacErr(file string, line int, msg string) error {
	return postal.Invalid(fmt.Sprintf("%s line %d: %s", file, line, msg),
		postal.FieldError{Field: fmt.Sprintf("%s:%d", file, line), Message: msg})
}

// ofacField trims a field and maps OFAC's "-0-" to empty.
func ofacField(s string) string {
	s = strings.TrimSpace(s)
	if s == "-0-" {
		return ""
	}
	return s
}

// weakAKAs reads the a.k.a. 'NAME' aliases of an OFAC remark. A name may
// hold an apostrophe ('ABU-'UMAR'): it ends at a quote followed by a
// separator or the end.
func weakAKAs(remarks string) []string {
	var out []string
	for {
		i := strings.Index(remarks, "a.k.a. '")
		if i < 0 {
			return out
		}
		remarks = remarks[i+len("a.k.a. '"):]
		end := -1
		for j := 0; j < len(remarks); j++ {
			if remarks[j] == '\'' && (j+1 == len(remarks) || strings.IndexByte(";.,) ", remarks[j+1]) >= 0) {
				end = j
				break
			}
		}
		if end < 0 {
			return out
		}
		if n := strings.TrimSpace(remarks[:end]); n != "" {
			out = append(out, n)
		}
		remarks = remarks[end+1:]
	}
}

func latin1(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/8)
	for _, c := range b {
		out = utf8.AppendRune(out, rune(c))
	}
	return out
}

// countryNames maps lower-case country names, as lists write them, to ISO
// alpha-2 codes: the ISO short names plus the common forms OFAC and the UN
// use.
var countryNames = func() map[string]string {
	m := map[string]string{}
	for _, c := range postal.Countries() {
		n, _ := postal.CountryName(c)
		n = strings.ToLower(n)
		m[n] = c
		if i := strings.IndexAny(n, "(,"); i > 0 {
			if _, ok := m[strings.TrimSpace(n[:i])]; !ok {
				m[strings.TrimSpace(n[:i])] = c
			}
		}
	}
	for n, c := range map[string]string{
		"russia": "RU", "iran": "IR", "syria": "SY", "north korea": "KP", "korea, north": "KP", "south korea": "KR",
		"korea, south": "KR", "burma": "MM", "venezuela": "VE", "bolivia": "BO", "united kingdom": "GB",
		"united states": "US", "vietnam": "VN", "laos": "LA", "moldova": "MD", "tanzania": "TZ", "taiwan": "TW",
		"turkey": "TR", "czech republic": "CZ", "macedonia": "MK", "north macedonia": "MK", "cote d ivoire": "CI",
		"congo, democratic republic of the": "CD", "democratic republic of the congo": "CD", "netherlands": "NL",
		"west bank": "PS", "gaza": "PS", "palestinian": "PS", "bahamas, the": "BS", "gambia, the": "GM",
	} {
		m[n] = c
	}
	return m
}()

// countryCode returns the ISO alpha-2 code of a country name, "" if unknown.
func countryCode(name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" {
		return ""
	}
	if len(n) == 2 && postal.ValidCountry(strings.ToUpper(n)) {
		return strings.ToUpper(n)
	}
	if c, ok := countryNames[n]; ok {
		return c
	}
	return countryNames[strings.ReplaceAll(n, "'", " ")]
}
