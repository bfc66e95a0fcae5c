package accounting

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// Limits of tariff values.
const (
	MaxRateDecimals = 6 // rates may be finer than the currency (0.282 XDR per item); charges are rounded
	maxFieldErrors  = 200
)

var (
	maxAmount   = decimal.NewFromInt(1_000_000_000)
	plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
	nameRE      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,31}$`)
	codeRE      = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{0,15}$`)
	serviceRE   = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,64}$`)
	postcodeRE  = regexp.MustCompile(`^[A-Z0-9-]{1,10}$`)
)

// parser reads the fields of one CSV record and collects what is wrong.
type parser struct {
	line int
	rec  []string
	cols map[string]int
	fe   *postal.FieldList
	bad  bool
}

func (p *parser) add(col, format string, args ...any) {
	p.fe.Add(fmt.Sprintf("line %d: %s", p.line, col), format, args...)
	p.bad = true
}

func (p *parser) str(col string) string { return strings.TrimSpace(p.rec[p.cols[col]]) }

func (p *parser) required(col string) string {
	v := p.str(col)
	if v == "" {
		p.add(col, "required")
	}
	return v
}

func (p *parser) country(col string) string {
	v := p.str(col)
	if !postal.ValidCountry(v) {
		p.add(col, "%q is not an ISO 3166-1 alpha-2 country code", v)
	}
	return v
}

func (p *parser) currency(col string) string {
	v := p.str(col)
	if !postal.ValidCurrency(v) {
		p.add(col, "%q is not an ISO 4217 currency code (XDR for SDR)", v)
	}
	return v
}

// amount reads a rate: a plain decimal ≥ 0 with at most MaxRateDecimals
// places. An empty optional amount is zero.
func (p *parser) amount(col string, optional bool) decimal.Decimal {
	v := p.str(col)
	if v == "" {
		if !optional {
			p.add(col, "required: a rate ≥ 0 such as 0.282")
		}
		return decimal.Zero
	}
	if !plainNumber.MatchString(v) {
		p.add(col, "%q is not a plain decimal number (write 2.948)", v)
		return decimal.Zero
	}
	d, err := decimal.NewFromString(v)
	switch {
	case err != nil:
		p.add(col, "%q is not a decimal number", v)
	case d.IsNegative():
		p.add(col, "%s is negative; rates are ≥ 0", v)
	case -d.Exponent() > MaxRateDecimals && !d.Equal(d.Round(MaxRateDecimals)):
		p.add(col, "%s has more than %d decimal places", v, MaxRateDecimals)
	case d.GreaterThan(maxAmount):
		p.add(col, "%s is above %s", v, maxAmount)
	default:
		return d
	}
	return decimal.Zero
}

func (p *parser) rate() Rate {
	return Rate{PerItem: p.amount("per_item", false), PerKg: p.amount("per_kg", false), Currency: p.currency("currency")}
}

func (p *parser) integer(col string, lo, hi int, optional bool) int {
	v := p.str(col)
	if v == "" && optional {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		p.add(col, "%q must be a whole number from %d to %d", v, lo, hi)
		return 0
	}
	return n
}

func (p *parser) date(col string) civil.Date {
	v := p.str(col)
	if v == "" {
		return civil.Date{}
	}
	d, err := civil.ParseDate(v)
	if err != nil {
		p.add(col, "%q is not a date YYYY-MM-DD", v)
	}
	return d
}

func (p *parser) validity() Validity {
	v := Validity{From: p.date("valid_from"), To: p.date("valid_to")}
	if !v.From.IsZero() && !v.To.IsZero() && v.To.Before(v.From) {
		p.add("valid_to", "%s is before valid_from %s", v.To, v.From)
	}
	return v
}

func (p *parser) list(col string) []string {
	return strings.Fields(p.str(col))
}

// table describes one CSV file of a tariff set.
type table[T any] struct {
	name   string
	header []string
	parse  func(p *parser) T
	// key identifies the rows whose validity periods must not overlap or
	// leave gaps; label names the key in messages ("PL E").
	key, label func(*T) string
}

// readTable parses one file, adding each problem to fe as
// "FILE line N: column". Rows with errors are left out.
func readTable[T any, P interface {
	*T
	row() *Row
}](t table[T], data []byte, fe *postal.FieldList) []T {
	var errs postal.FieldList
	defer func() {
		for _, e := range errs {
			fe.Add(t.name+" "+e.Field, "%s", e.Message)
		}
	}()
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		errs.Add("line 1", "empty file: want header %s", strings.Join(t.header, ","))
		return nil
	}
	if err != nil {
		errs.Add("line 1", "not valid CSV: %v", err)
		return nil
	}
	header = slices.Clone(header)
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	if !slices.Equal(header, t.header) {
		errs.Add("line 1", "header is %q, want %s", strings.Join(header, ","), strings.Join(t.header, ","))
		return nil
	}
	cols := make(map[string]int, len(header))
	for i, h := range header {
		cols[h] = i
	}
	var out []T
	for len(errs) < maxFieldErrors {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				errs.Add(fmt.Sprintf("line %d", pe.StartLine), "%v", pe.Err)
				continue
			}
			errs.Add("line ?", "%v", err)
			break
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(t.header) {
			errs.Add(fmt.Sprintf("line %d", line), "has %d columns, want %d (%s)", len(rec), len(t.header), strings.Join(t.header, ","))
			continue
		}
		p := &parser{line: line, rec: rec, cols: cols, fe: &errs}
		r := t.parse(p)
		v := p.validity()
		if p.bad {
			continue
		}
		*P(&r).row() = Row{File: t.name, Line: line, Valid: v}
		out = append(out, r)
	}
	checkPeriods[T, P](t, out, &errs)
	return out
}

// checkPeriods rejects rows of one key whose validity periods overlap or
// leave a gap between them: an item dated in a gap could not be rated and
// one in an overlap could be rated twice.
func checkPeriods[T any, P interface {
	*T
	row() *Row
}](t table[T], rows []T, fe *postal.FieldList) {
	byKey := map[string][]int{}
	for i := range rows {
		k := t.key(&rows[i])
		byKey[k] = append(byKey[k], i)
	}
	for _, k := range sortedKeys(byKey) {
		ids := byKey[k]
		slices.SortFunc(ids, func(a, b int) int {
			ra, rb := P(&rows[a]).row(), P(&rows[b]).row()
			if c := cmpFrom(ra.Valid.From, rb.Valid.From); c != 0 {
				return c
			}
			return cmp.Compare(ra.Line, rb.Line)
		})
		for j := 1; j < len(ids); j++ {
			prev, next := P(&rows[ids[j-1]]).row(), P(&rows[ids[j]]).row()
			label := t.label(&rows[ids[j]])
			switch {
			case prev.Valid.To.IsZero() || next.Valid.From.IsZero() || !prev.Valid.To.Before(next.Valid.From):
				fe.Add(fmt.Sprintf("line %d: valid_from", next.Line), "%s %s overlaps line %d (%s): a key may have one rate per day",
					label, next.Valid, prev.Line, prev.Valid)
			case prev.Valid.To.AddDays(1).Before(next.Valid.From):
				fe.Add(fmt.Sprintf("line %d: valid_from", next.Line), "%s has no rate from %s to %s: line %d ends %s and this row starts %s (periods of a key must be contiguous)",
					label, prev.Valid.To.AddDays(1), next.Valid.From.AddDays(-1), prev.Line, prev.Valid.To, next.Valid.From)
			}
		}
	}
}

// cmpFrom orders validity starts, an open start first.
func cmpFrom(a, b civil.Date) int {
	switch {
	case a == b:
		return 0
	case a.IsZero():
		return -1
	case b.IsZero():
		return 1
	case a.Before(b):
		return -1
	}
	return 1
}

// groupName checks a terminal-dues group or zone name: letters, digits and
// hyphens, and not a country code, so a dest column reads unambiguously.
func (p *parser) groupName(col string) string {
	v := p.str(col)
	if !nameRE.MatchString(v) || postal.ValidCountry(v) {
		p.add(col, "%q must be 1–32 letters, digits or hyphens and not a country code", v)
	}
	return v
}

// dest reads a destination: a country, or a group checked once groups.csv
// is read.
func (p *parser) dest(col string) string {
	v := p.str(col)
	if v == "" || !postal.ValidCountry(v) && !nameRE.MatchString(v) {
		p.add(col, "%q is neither an ISO 3166-1 country code nor a group name", v)
	}
	return v
}

var tables = struct {
	groups     table[GroupRow]
	zones      table[ZoneRow]
	dues       table[DuesRow]
	land       table[LandRateRow]
	ems        table[EMSRow]
	transit    table[TransitRow]
	conveyance table[ConveyanceRow]
	prices     table[PriceRow]
	surcharges table[SurchargeRow]
	handling   table[HandlingRow]
	returns    table[ReturnRow]
}{
	groups: table[GroupRow]{name: GroupsFile, header: []string{"country", "group", "valid_from", "valid_to"},
		parse: func(p *parser) GroupRow { return GroupRow{Country: p.country("country"), Group: p.groupName("group")} },
		key:   func(r *GroupRow) string { return r.Country }, label: func(r *GroupRow) string { return r.Country }},
	zones: table[ZoneRow]{name: ZonesFile, header: []string{"country", "zone", "valid_from", "valid_to"},
		parse: func(p *parser) ZoneRow { return ZoneRow{Country: p.country("country"), Zone: p.groupName("zone")} },
		key:   func(r *ZoneRow) string { return r.Country }, label: func(r *ZoneRow) string { return r.Country }},
	dues: table[DuesRow]{name: DuesFile,
		header: []string{"dest", "format", "per_item", "per_kg", "registered_per_item", "currency", "valid_from", "valid_to"},
		parse: func(p *parser) DuesRow {
			r := DuesRow{Dest: p.dest("dest"), Format: Format(p.str("format")), Rate: p.rate(), RegisteredPerItem: p.amount("registered_per_item", true)}
			if !slices.Contains([]Format{FormatP, FormatG, FormatE}, r.Format) {
				p.add("format", "%q is not a letter-post format: P, G or E", r.Format)
			}
			return r
		},
		key:   func(r *DuesRow) string { return keyOf(r.Dest, string(r.Format)) },
		label: func(r *DuesRow) string { return r.Dest + " " + string(r.Format) }},
	land: table[LandRateRow]{name: LandRatesFile, header: []string{"dest", "per_item", "per_kg", "currency", "valid_from", "valid_to"},
		parse: func(p *parser) LandRateRow { return LandRateRow{Dest: p.dest("dest"), Rate: p.rate()} },
		key:   func(r *LandRateRow) string { return r.Dest }, label: func(r *LandRateRow) string { return r.Dest }},
	ems: table[EMSRow]{name: EMSFile, header: []string{"origin", "dest", "per_item", "per_kg", "currency", "valid_from", "valid_to"},
		parse: func(p *parser) EMSRow {
			return EMSRow{Origin: p.country("origin"), Dest: p.dest("dest"), Rate: p.rate()}
		},
		key:   func(r *EMSRow) string { return keyOf(r.Origin, r.Dest) },
		label: func(r *EMSRow) string { return r.Origin + "→" + r.Dest }},
	transit: table[TransitRow]{name: TransitFile, header: []string{"post", "class", "per_item", "per_kg", "currency", "valid_from", "valid_to"},
		parse: func(p *parser) TransitRow {
			r := TransitRow{Post: p.country("post"), Class: p.str("class"), Rate: p.rate()}
			if !slices.Contains([]string{"U", "C", "E", "*", OpenTransitClass}, r.Class) {
				p.add("class", "%q is not a mail class: U (letter post), C (parcels), E (EMS), * (any) or O (open transit)", r.Class)
			}
			return r
		},
		key:   func(r *TransitRow) string { return keyOf(r.Post, r.Class) },
		label: func(r *TransitRow) string { return r.Post + " " + r.Class }},
	conveyance: table[ConveyanceRow]{name: ConveyanceFile, header: []string{"service", "basis", "rate", "currency", "valid_from", "valid_to"},
		parse: func(p *parser) ConveyanceRow {
			r := ConveyanceRow{Service: p.str("service"), Basis: Basis(p.str("basis")), Amount: p.amount("rate", false), Currency: p.currency("currency")}
			if m, ok := strings.CutPrefix(r.Service, "mode:"); ok {
				if !slices.Contains(network.Modes, network.Mode(m)) {
					p.add("service", "%q: mode must be air, rail, road or sea", r.Service)
				}
			} else if !serviceRE.MatchString(r.Service) {
				p.add("service", "%q is neither a service id nor mode:air, mode:rail, mode:road, mode:sea", r.Service)
			}
			if r.Basis != PerKg && r.Basis != PerKgKm {
				p.add("basis", "%q is not kg or kg_km", r.Basis)
			}
			return r
		},
		key: func(r *ConveyanceRow) string { return r.Service }, label: func(r *ConveyanceRow) string { return r.Service }},
	prices: table[PriceRow]{name: PricesFile,
		header: []string{"merchant", "product", "zone", "up_to_g", "step_g", "per_item", "per_kg", "currency", "valid_from", "valid_to"},
		parse: func(p *parser) PriceRow {
			r := PriceRow{Merchant: p.required("merchant"), Product: p.str("product"), Zone: p.groupName("zone"),
				UpToG: p.integer("up_to_g", 1, 100_000, false), Rate: p.rate()}
			r.StepG = p.integer("step_g", 0, max(r.UpToG, 1), true)
			if r.Merchant != "*" && len(r.Merchant) > 32 {
				p.add("merchant", "%q: a merchant code is at most 32 characters; * is the public list", r.Merchant)
			}
			if _, err := postal.LookupProduct(r.Product); err != nil {
				p.add("product", "%v", err)
			}
			return r
		},
		key: func(r *PriceRow) string { return keyOf(r.Merchant, r.Product, r.Zone, strconv.Itoa(r.UpToG)) },
		label: func(r *PriceRow) string {
			return fmt.Sprintf("%s %s zone %s up to %d g", r.Merchant, r.Product, r.Zone, r.UpToG)
		}},
	surcharges: table[SurchargeRow]{name: SurchargesFile,
		header: []string{"code", "name", "basis", "amount", "currency", "products", "countries", "postcodes", "when", "valid_from", "valid_to"},
		parse:  parseSurcharge,
		key:    func(r *SurchargeRow) string { return r.Code }, label: func(r *SurchargeRow) string { return r.Code }},
	handling: table[HandlingRow]{name: HandlingFile, header: []string{"office", "product", "per_item", "per_kg", "currency", "valid_from", "valid_to"},
		parse: func(p *parser) HandlingRow {
			r := HandlingRow{Office: p.str("office"), Product: p.str("product"), Rate: p.rate()}
			if r.Office != "*" && (len(r.Office) != 6 || !codeRE.MatchString(r.Office)) {
				p.add("office", "%q is neither an office code (6 letters or digits) nor *", r.Office)
			}
			if _, err := postal.LookupProduct(r.Product); err != nil && r.Product != "*" {
				p.add("product", "%v, or *", err)
			}
			return r
		},
		key:   func(r *HandlingRow) string { return keyOf(r.Office, r.Product) },
		label: func(r *HandlingRow) string { return r.Office + " " + r.Product }},
	returns: table[ReturnRow]{name: ReturnsFile, header: []string{"kind", "product", "per_item", "per_kg", "currency", "valid_from", "valid_to"},
		parse: func(p *parser) ReturnRow {
			r := ReturnRow{Kind: p.str("kind"), Product: p.str("product"), Rate: p.rate()}
			if !slices.Contains(ReturnKinds, r.Kind) && r.Kind != "*" {
				p.add("kind", "%q is not one of %s, or *", r.Kind, strings.Join(ReturnKinds, ", "))
			}
			if _, err := postal.LookupProduct(r.Product); err != nil && r.Product != "*" {
				p.add("product", "%v, or *", err)
			}
			return r
		},
		key:   func(r *ReturnRow) string { return keyOf(r.Kind, r.Product) },
		label: func(r *ReturnRow) string { return r.Kind + " " + r.Product }},
}

func parseSurcharge(p *parser) SurchargeRow {
	r := SurchargeRow{Code: p.str("code"), Name: p.required("name"), Basis: SurchargeBasis(p.str("basis")),
		Amount: p.amount("amount", false), Currency: p.str("currency"), Products: p.list("products"),
		Countries: p.list("countries"), When: p.str("when")}
	if !codeRE.MatchString(r.Code) {
		p.add("code", "%q must be 1–16 capitals, digits or hyphens, e.g. FUEL", r.Code)
	}
	switch r.Basis {
	case SurchargePercent:
		if r.Currency != "" {
			p.add("currency", "must be empty for a percent surcharge: it is charged in the base price's currency")
		}
		if r.Amount.GreaterThan(decimal.NewFromInt(100)) {
			p.add("amount", "%s%% is above 100%%", r.Amount)
		}
	case SurchargePerItem, SurchargePerKg:
		r.Currency = p.currency("currency")
	case SurchargePer100SDR:
		r.Currency = p.currency("currency")
		if r.When != "insured" {
			p.add("when", "a per_100_sdr surcharge is an insurance fee: when must be insured")
		}
	default:
		p.add("basis", "%q is not percent, per_item, per_kg or per_100_sdr", r.Basis)
	}
	for _, pr := range r.Products {
		if _, err := postal.LookupProduct(pr); err != nil {
			p.add("products", "%v", err)
		}
	}
	for _, c := range r.Countries {
		if !postal.ValidCountry(c) {
			p.add("countries", "%q is not an ISO 3166-1 alpha-2 country code", c)
		}
	}
	for _, pc := range p.list("postcodes") {
		pc = strings.ToUpper(pc)
		if !postcodeRE.MatchString(pc) {
			p.add("postcodes", "%q is not a postcode prefix (letters, digits, hyphens)", pc)
		}
		r.Postcodes = append(r.Postcodes, pc)
	}
	if len(r.Postcodes) > 0 && len(r.Countries) != 1 {
		p.add("postcodes", "postcode prefixes need exactly one country in countries")
	}
	if r.When != "" && r.When != "ddp" && r.When != "insured" {
		p.add("when", "%q is not empty, ddp or insured", r.When)
	}
	return r
}
