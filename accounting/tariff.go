package accounting

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// File names of a tariff set, in the order they are read and documented.
const (
	ManifestFile   = "tariff.yaml"
	GroupsFile     = "groups.csv"
	ZonesFile      = "zones.csv"
	DuesFile       = "terminal-dues.csv"
	LandRatesFile  = "inward-land-rates.csv"
	EMSFile        = "ems.csv"
	TransitFile    = "transit.csv"
	ConveyanceFile = "conveyance.csv"
	PricesFile     = "merchant-prices.csv"
	SurchargesFile = "surcharges.csv"
	HandlingFile   = "handling.csv"
	ReturnsFile    = "returns.csv"
)

// TableFiles lists the CSV files a tariff set may hold.
var TableFiles = []string{GroupsFile, ZonesFile, DuesFile, LandRatesFile, EMSFile, TransitFile,
	ConveyanceFile, PricesFile, SurchargesFile, HandlingFile, ReturnsFile}

// Validity is the inclusive range of dates a row applies to (UTC dates of
// the fact rated). A zero From or To is open.
type Validity struct {
	From civil.Date `json:"valid_from,omitzero"`
	To   civil.Date `json:"valid_to,omitzero"`
}

// Covers reports whether d is within v.
func (v Validity) Covers(d civil.Date) bool {
	return (v.From.IsZero() || !d.Before(v.From)) && (v.To.IsZero() || !v.To.Before(d))
}

func (v Validity) String() string {
	f, t := "open", "open"
	if !v.From.IsZero() {
		f = v.From.String()
	}
	if !v.To.IsZero() {
		t = v.To.String()
	}
	return f + "…" + t
}

// Row is what every tariff row has: where it was read and when it applies.
type Row struct {
	File  string   `json:"file"`
	Line  int      `json:"line"`
	Valid Validity `json:"valid"`
}

func (r *Row) row() *Row { return r }

// Ref names the row for a ledger entry's basis: "terminal-dues.csv:14".
func (r Row) Ref() string { return fmt.Sprintf("%s:%d", r.File, r.Line) }

// Rate is a per-item plus per-kilogram price.
type Rate struct {
	PerItem  decimal.Decimal `json:"per_item"`
	PerKg    decimal.Decimal `json:"per_kg"`
	Currency string          `json:"currency"`
}

// For returns per_item × items + per_kg × weight, unrounded.
func (r Rate) For(items int, weightG int) decimal.Decimal {
	return r.PerItem.Mul(decimal.NewFromInt(int64(items))).Add(r.PerKg.Mul(kg(weightG)))
}

func (r Rate) String() string {
	return fmt.Sprintf("%s/item + %s/kg %s", r.PerItem, r.PerKg, r.Currency)
}

// kg turns grams into exact kilograms.
func kg(g int) decimal.Decimal { return decimal.New(int64(g), -3) }

// GroupRow puts a country in a terminal-dues group for a period
// (groups.csv).
type GroupRow struct {
	Row
	Country string `json:"country"`
	Group   string `json:"group"`
}

// ZoneRow puts a country in a merchant price zone for a period (zones.csv).
type ZoneRow struct {
	Row
	Country string `json:"country"`
	Zone    string `json:"zone"`
}

// Format is the UPU letter-post format terminal dues are set by.
type Format string

// Letter-post formats: P small letters, G large letters, E bulky letters and
// small packets.
const (
	FormatP Format = "P"
	FormatG Format = "G"
	FormatE Format = "E"
)

// DuesRow is a terminal-dues rate for letter post to a destination country
// or group, by format (terminal-dues.csv). RegisteredPerItem is added per
// registered item.
type DuesRow struct {
	Row
	Dest              string          `json:"dest"`
	Format            Format          `json:"format"`
	RegisteredPerItem decimal.Decimal `json:"registered_per_item"`
	Rate
}

// LandRateRow is an inward land rate for parcels to a destination country or
// group (inward-land-rates.csv).
type LandRateRow struct {
	Row
	Dest string `json:"dest"`
	Rate
}

// EMSRow is the rate the destination operator charges for EMS items from
// origin to dest (ems.csv). Dest may be a group.
type EMSRow struct {
	Row
	Origin string `json:"origin"`
	Dest   string `json:"dest"`
	Rate
}

// TransitRow is what a transit post charges for mail of a class passing
// through it in closed transit (transit.csv). Class "*" is any class;
// class "O" (OpenTransitClass) is the charge per item and kg for open
// transit: a partner's items re-sorted into the transit post's own
// outward dispatches.
type TransitRow struct {
	Row
	Post  string `json:"post"` // country of the transit post
	Class string `json:"class"`
	Rate
}

// Basis of a conveyance rate.
type Basis string

// Conveyance bases: per kilogram carried, or per kilogram-kilometre over the
// great-circle distance between the service's offices.
const (
	PerKg   Basis = "kg"
	PerKgKm Basis = "kg_km"
)

// ConveyanceRow is what a carrier is paid for a service, or for every
// service of a mode without a row of its own (conveyance.csv; service
// "mode:air").
type ConveyanceRow struct {
	Row
	Service  string          `json:"service"`
	Basis    Basis           `json:"basis"`
	Amount   decimal.Decimal `json:"rate"`
	Currency string          `json:"currency"`
}

// PriceRow is one weight band of a merchant price list
// (merchant-prices.csv): items of product to zone up to UpToG grams cost
// per_item + per_kg × chargeable weight, the weight rounded up to StepG.
// Merchant "*" is the public list; a merchant's own rows for a product
// replace the public ones.
type PriceRow struct {
	Row
	Merchant string `json:"merchant"`
	Product  string `json:"product"`
	Zone     string `json:"zone"`
	UpToG    int    `json:"up_to_g"`
	StepG    int    `json:"step_g"`
	Rate
}

// SurchargeBasis says how a surcharge is computed.
type SurchargeBasis string

// Surcharge bases: a percentage of the base price, an amount per item, or
// per chargeable kilogram.
const (
	SurchargePercent SurchargeBasis = "percent"
	SurchargePerItem SurchargeBasis = "per_item"
	SurchargePerKg   SurchargeBasis = "per_kg"
	// SurchargePer100SDR is the insurance fee: an amount per started
	// 100 SDR of an insured item's insured value (when = insured).
	SurchargePer100SDR SurchargeBasis = "per_100_sdr"
)

// SurchargeRow is a surcharge on merchant prices (surcharges.csv): fuel,
// remote area, DDP duty handling. Empty scopes match everything; postcodes
// are prefixes of the addressee's postcode (spaces ignored). When "ddp"
// limits it to items whose duties are paid by the sender (an importer
// reference such as an IOSS number was declared); "insured" to insured
// items (their insurance fee).
type SurchargeRow struct {
	Row
	Code      string          `json:"code"`
	Name      string          `json:"name"`
	Basis     SurchargeBasis  `json:"basis"`
	Amount    decimal.Decimal `json:"amount"`
	Currency  string          `json:"currency,omitempty"`
	Products  []string        `json:"products,omitempty"`
	Countries []string        `json:"countries,omitempty"`
	Postcodes []string        `json:"postcodes,omitempty"`
	When      string          `json:"when,omitempty"`
}

// HandlingRow is the post's own cost of handling an item at an office
// (handling.csv); office "*" and product "*" are defaults. It is a cost in
// the margin report, not a ledger entry: nobody bills it.
type HandlingRow struct {
	Row
	Office  string `json:"office"`
	Product string `json:"product"`
	Rate
}

// ReturnRow is the charge for sending an item back (returns.csv): kind
// is the return's kind (undeliverable, customs_import, customs_export,
// merchant, abroad) or "*", product a product or "*". Who pays is the
// returns package's rule (docs/inquiries.md "Returns"), not the row's.
type ReturnRow struct {
	Row
	Kind    string `json:"kind"`
	Product string `json:"product"`
	Rate
}

// Set is one version of the tariffs: every table, as read and validated.
type Set struct {
	Version     string `json:"version"`
	Description string `json:"description,omitempty"`
	// Files holds the files as loaded, stored with the version so what the
	// finance team sent stays on record.
	Files map[string][]byte `json:"-"`

	Groups     []GroupRow      `json:"groups,omitempty"`
	Zones      []ZoneRow       `json:"zones,omitempty"`
	Dues       []DuesRow       `json:"terminal_dues,omitempty"`
	LandRates  []LandRateRow   `json:"inward_land_rates,omitempty"`
	EMS        []EMSRow        `json:"ems,omitempty"`
	Transit    []TransitRow    `json:"transit,omitempty"`
	Conveyance []ConveyanceRow `json:"conveyance,omitempty"`
	Prices     []PriceRow      `json:"merchant_prices,omitempty"`
	Surcharges []SurchargeRow  `json:"surcharges,omitempty"`
	Handling   []HandlingRow   `json:"handling,omitempty"`
	Returns    []ReturnRow     `json:"returns,omitempty"`

	idx *index
}

// Rows counts the rows of each table.
func (s *Set) Rows() map[string]int {
	return map[string]int{
		GroupsFile: len(s.Groups), ZonesFile: len(s.Zones), DuesFile: len(s.Dues), LandRatesFile: len(s.LandRates),
		EMSFile: len(s.EMS), TransitFile: len(s.Transit), ConveyanceFile: len(s.Conveyance), PricesFile: len(s.Prices),
		SurchargesFile: len(s.Surcharges), HandlingFile: len(s.Handling), ReturnsFile: len(s.Returns),
	}
}

// index finds rows by key; each key's rows are sorted by validity.
type index struct {
	groups, zones, dues, land, ems, transit, conv, prices, handling, returns map[string][]int
	surcharges                                                               []int           // sorted by code, from
	merchants                                                                map[string]bool // merchant|product with own rows
}

func keyOf(parts ...string) string { return strings.Join(parts, "|") }

func build[T any](rows []T, key func(*T) string) map[string][]int {
	m := map[string][]int{}
	for i := range rows {
		k := key(&rows[i])
		m[k] = append(m[k], i)
	}
	return m
}

func (s *Set) index() *index {
	if s.idx != nil {
		return s.idx
	}
	x := &index{
		groups:   build(s.Groups, func(r *GroupRow) string { return r.Country }),
		zones:    build(s.Zones, func(r *ZoneRow) string { return r.Country }),
		dues:     build(s.Dues, func(r *DuesRow) string { return keyOf(string(r.Format), r.Dest) }),
		land:     build(s.LandRates, func(r *LandRateRow) string { return r.Dest }),
		ems:      build(s.EMS, func(r *EMSRow) string { return keyOf(r.Origin, r.Dest) }),
		transit:  build(s.Transit, func(r *TransitRow) string { return keyOf(r.Post, r.Class) }),
		conv:     build(s.Conveyance, func(r *ConveyanceRow) string { return r.Service }),
		prices:   build(s.Prices, func(r *PriceRow) string { return keyOf(r.Merchant, r.Product, r.Zone) }),
		handling: build(s.Handling, func(r *HandlingRow) string { return keyOf(r.Office, r.Product) }),
		returns:  build(s.Returns, func(r *ReturnRow) string { return keyOf(r.Kind, r.Product) }),
	}
	x.merchants = map[string]bool{}
	for _, r := range s.Prices {
		x.merchants[keyOf(r.Merchant, r.Product)] = true
	}
	for i := range s.Surcharges {
		x.surcharges = append(x.surcharges, i)
	}
	s.idx = x
	return x
}

// valid returns the index of the row among ids valid on d, or -1.
func valid[T any, P interface {
	*T
	row() *Row
}](rows []T, ids []int, d civil.Date) int {
	for _, i := range ids {
		if P(&rows[i]).row().Valid.Covers(d) {
			return i
		}
	}
	return -1
}

// Group returns the terminal-dues group of country on d ("" if none).
func (s *Set) Group(country string, d civil.Date) string {
	if i := valid(s.Groups, s.index().groups[country], d); i >= 0 {
		return s.Groups[i].Group
	}
	return ""
}

// Zone returns the merchant price zone of country on d ("" if none).
func (s *Set) Zone(country string, d civil.Date) string {
	if i := valid(s.Zones, s.index().zones[country], d); i >= 0 {
		return s.Zones[i].Zone
	}
	return ""
}

// byCountryOrGroup looks a destination up by country first, then by its
// group: country rows are bilateral or self-declared rates and win. It
// returns the row's index (-1 if none) and the group tried ("" if the
// country row was found or the country has no group).
func byCountryOrGroup[T any, P interface {
	*T
	row() *Row
}](s *Set, rows []T, m map[string][]int, prefix, country string, d civil.Date) (int, string) {
	k := func(dest string) string {
		if prefix == "" {
			return dest
		}
		return keyOf(prefix, dest)
	}
	if i := valid[T, P](rows, m[k(country)], d); i >= 0 {
		return i, ""
	}
	g := s.Group(country, d)
	if g == "" {
		return -1, ""
	}
	return valid[T, P](rows, m[k(g)], d), g
}

// DuesFor returns the terminal-dues row for letter post of format f to
// country, and the country's group when it was looked up by group.
func (s *Set) DuesFor(country string, f Format, d civil.Date) (*DuesRow, string) {
	i, g := byCountryOrGroup(s, s.Dues, s.index().dues, string(f), country, d)
	if i < 0 {
		return nil, g
	}
	return &s.Dues[i], g
}

// LandRateFor returns the inward land rate row for parcels to country.
func (s *Set) LandRateFor(country string, d civil.Date) (*LandRateRow, string) {
	i, g := byCountryOrGroup(s, s.LandRates, s.index().land, "", country, d)
	if i < 0 {
		return nil, g
	}
	return &s.LandRates[i], g
}

// EMSFor returns the EMS row from origin to dest.
func (s *Set) EMSFor(origin, dest string, d civil.Date) (*EMSRow, string) {
	i, g := byCountryOrGroup(s, s.EMS, s.index().ems, origin, dest, d)
	if i < 0 {
		return nil, g
	}
	return &s.EMS[i], g
}

// OpenTransitClass is the transit.csv class of open-transit charges.
const OpenTransitClass = "O"

// OpenTransitFor returns the open-transit row (class "O") of the post of
// country: open transit never falls back to the closed-transit rows.
func (s *Set) OpenTransitFor(country string, d civil.Date) *TransitRow {
	if i := valid(s.Transit, s.index().transit[keyOf(country, OpenTransitClass)], d); i >= 0 {
		return &s.Transit[i]
	}
	return nil
}

// TransitFor returns the transit row of the post of country for a mail
// class (U, C, E), falling back to class "*".
func (s *Set) TransitFor(country string, class string, d civil.Date) *TransitRow {
	for _, c := range []string{class, "*"} {
		if i := valid(s.Transit, s.index().transit[keyOf(country, c)], d); i >= 0 {
			return &s.Transit[i]
		}
	}
	return nil
}

// ConveyanceFor returns the row for a service, else for its mode.
func (s *Set) ConveyanceFor(service string, mode network.Mode, d civil.Date) *ConveyanceRow {
	for _, k := range []string{service, "mode:" + string(mode)} {
		if i := valid(s.Conveyance, s.index().conv[k], d); i >= 0 {
			return &s.Conveyance[i]
		}
	}
	return nil
}

// PriceFor returns the band of the merchant's price list (its own rows for
// the product, else the public list) that takes weightG to zone, the list
// used ("XMTEA" or "*"), and the heaviest band valid on d.
func (s *Set) PriceFor(merchant, product, zone string, weightG int, d civil.Date) (row *PriceRow, list string, heaviest int) {
	list = "*"
	if s.index().merchants[keyOf(merchant, product)] {
		list = merchant
	}
	for _, i := range s.index().prices[keyOf(list, product, zone)] {
		r := &s.Prices[i]
		if !r.Valid.Covers(d) {
			continue
		}
		heaviest = max(heaviest, r.UpToG)
		if r.UpToG >= weightG && (row == nil || r.UpToG < row.UpToG) {
			row = r
		}
	}
	return row, list, heaviest
}

// SurchargesFor returns the surcharges valid on d that apply to an item.
func (s *Set) SurchargesFor(it ItemFact, d civil.Date) []*SurchargeRow {
	var out []*SurchargeRow
	pc := strings.ToUpper(strings.ReplaceAll(it.Postcode, " ", ""))
	for _, i := range s.index().surcharges {
		r := &s.Surcharges[i]
		if !r.Valid.Covers(d) ||
			len(r.Products) > 0 && !slices.Contains(r.Products, string(it.Product)) ||
			len(r.Countries) > 0 && !slices.Contains(r.Countries, it.Dest) ||
			r.When == "ddp" && !it.DDP || r.When == "insured" && !it.InsuredSDR.IsPositive() {
			continue
		}
		if len(r.Postcodes) > 0 && !slices.ContainsFunc(r.Postcodes, func(p string) bool { return strings.HasPrefix(pc, p) }) {
			continue
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *SurchargeRow) int { return cmp.Compare(a.Code, b.Code) })
	return out
}

// HandlingFor returns the handling cost row for product at office, trying
// office and product, office and "*", "*" and product, then "*" and "*".
func (s *Set) HandlingFor(office, product string, d civil.Date) *HandlingRow {
	for _, k := range [][2]string{{office, product}, {office, "*"}, {"*", product}, {"*", "*"}} {
		if i := valid(s.Handling, s.index().handling[keyOf(k[0], k[1])], d); i >= 0 {
			return &s.Handling[i]
		}
	}
	return nil
}

// ReturnFor returns the return charge row for kind and product on d,
// trying kind and product, kind and "*", "*" and product, then "*" and "*".
func (s *Set) ReturnFor(kind, product string, d civil.Date) *ReturnRow {
	for _, k := range [][2]string{{kind, product}, {kind, "*"}, {"*", product}, {"*", "*"}} {
		if i := valid(s.Returns, s.index().returns[keyOf(k[0], k[1])], d); i >= 0 {
			return &s.Returns[i]
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// mailClass returns the class letter of a product (U, C, E).
func mailClass(product postal.Product) string {
	spec, err := postal.LookupProduct(string(product))
	if err != nil {
		return ""
	}
	return string(rune(spec.Class))
}
