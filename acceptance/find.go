package acceptance

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/postal/latin"
)

// Sort orders of the shipments list: a column, descending with a leading
// "-". The list is newest first unless asked otherwise.
const (
	SortCreated     = "created"
	SortUpdated     = "updated" // when the status last changed
	SortWeight      = "weight"
	SortDestination = "destination"
	SortStatus      = "status"
	DefaultSort     = "-" + SortCreated
)

// Sorts lists the sort orders the list accepts.
var Sorts = []string{"-created", "created", "-updated", "updated", "-weight", "weight", "-destination", "destination", "-status", "status"}

// Final lists the statuses after which an item moves no more (tracking's
// Final): a shipment in one of them is never stuck.
var Final = []string{"delivered", "returned", "seized"}

// CountCap is how many matching shipments a list counts at most when its
// filter has more than merchant and status: past it the total shows as
// "more than CountCap". Counting is a walk of the matching rows, so the
// cap bounds a page view's cost (bench/lists: 10,000 cost seconds cold
// at 1M shipments).
const CountCap = 1_000

// Query is what a shipments list asks for, as the API, the console and the
// exports take it. Zero values mean "any".
type Query struct {
	Merchant    string
	Status      string
	Product     string
	Destination string // addressee country, ISO 3166-1 alpha-2
	Office      string // origin office of exchange
	From, To    time.Time
	StuckDays   int    // only shipments whose status has not changed for more than this many days
	Search      string // prefix of the id, merchant reference or addressee name
	Sort        string // one of Sorts; "" = DefaultSort
	Limit       int
	Cursor      string
}

// Page is one page of a shipments list with the total of the whole list.
type Page struct {
	Items      []Shipment
	NextCursor string
	Total      int64
	TotalExact bool // false: there are more than Total (CountCap)
}

var officeCode = regexp.MustCompile(`^[A-Z0-9]{2,12}$`)

// Find returns a page of the shipments q selects, in q.Sort order, for
// who: merchant keys see only their merchant, operators and customs
// officers only the origin offices in their scope. A filter value that is
// not allowed is an invalid-argument error naming the field and the
// allowed values.
func (s *Service) Find(ctx context.Context, who auth.Principal, q Query) (Page, error) {
	f, err := s.filter(who, q)
	if err != nil {
		return Page{}, err
	}
	if f.Limit, err = paging.Limit(q.Limit, 50, "query.limit"); err != nil {
		return Page{}, err
	}
	key, ok, err := paging.DecodeKey(q.Cursor, f.Sort)
	if err != nil {
		return Page{}, err
	}
	if ok {
		f.Key = &key
	}
	items, next, err := s.Store.Shipments(ctx, f)
	if err != nil {
		return Page{}, err
	}
	n, exact, err := s.Store.CountMatching(ctx, f, CountCap)
	if err != nil {
		return Page{}, err
	}
	return Page{Items: items, NextCursor: next, Total: n, TotalExact: exact}, nil
}

// Each calls fn with every shipment q selects, in q.Sort order (the
// exports); q.Limit and q.Cursor are ignored. More than max matching
// shipments is an invalid-argument error asking for a narrower filter,
// before fn is called. It stops at fn's first error.
func (s *Service) Each(ctx context.Context, who auth.Principal, q Query, max int, fn func(Shipment) error) error {
	f, err := s.filter(who, q)
	if err != nil {
		return err
	}
	if _, exact, err := s.Store.CountMatching(ctx, f, max); err != nil {
		return err
	} else if !exact {
		return postal.Errorf(postal.CodeInvalid, "more than %d shipments match; narrow the filter (e.g. from and to, status or merchant) and export again", max)
	}
	for seen := 0; seen < max; {
		f.Limit = min(paging.Max, max-seen)
		items, next, err := s.Store.Shipments(ctx, f)
		if err != nil {
			return err
		}
		for _, sh := range items {
			if err := fn(sh); err != nil {
				return err
			}
		}
		seen += len(items)
		if next == "" {
			return nil
		}
		key, _, err := paging.DecodeKey(next, f.Sort)
		if err != nil {
			return fmt.Errorf("export shipments: %w", err)
		}
		f.Key = &key
	}
	return nil
}

func (s *Service) filter(who auth.Principal, q Query) (Filter, error) {
	var fe postal.FieldList
	if err := s.checkStatus(q.Status); err != nil {
		return Filter{}, err
	}
	merchant, err := who.MerchantScope(q.Merchant, listRefusals)
	if err != nil {
		return Filter{}, err
	}
	f := Filter{Merchant: merchant, Status: q.Status, Since: q.From, Until: q.To, Sort: q.Sort}
	if f.Sort == "" {
		f.Sort = DefaultSort
	}
	if !slices.Contains(Sorts, f.Sort) {
		fe.Add("query.sort", "%q is not a sort order; use one of %s", short(f.Sort), strings.Join(Sorts, ", "))
	}
	if q.Product != "" {
		if _, err := postal.LookupProduct(q.Product); err != nil {
			fe.Add("query.product", "%q is not a product; use one of %s", short(q.Product), strings.Join(productCodes(), ", "))
		}
		f.Product = q.Product
	}
	if q.Destination != "" {
		f.Destination = strings.ToUpper(q.Destination)
		if !postal.ValidCountry(f.Destination) {
			fe.Add("query.destination", "%q is not an ISO 3166-1 alpha-2 country code (e.g. PL, DE, US)", short(q.Destination))
		}
	}
	if q.Office != "" {
		office := strings.ToUpper(q.Office)
		switch {
		case !officeCode.MatchString(office):
			fe.Add("query.office", "%q is not an office code (2 to 12 letters and digits, e.g. CNXMNA)", short(q.Office))
		case !who.InOffice(office):
			return Filter{}, postal.Errorf(postal.CodeForbidden, "office %s is not in this key's scope (%s)", office, strings.Join(who.Offices, ", "))
		}
		f.Offices = []string{office}
	} else if who.Role != auth.RoleAdmin && who.Role != auth.RoleMerchant && len(who.Offices) > 0 {
		f.Offices = slices.Clone(who.Offices)
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
		fe.Add("query.to", "must be after query.from (%s)", q.From.Format(time.RFC3339))
	}
	switch {
	case q.StuckDays < 0 || q.StuckDays > 3650:
		fe.Add("query.stuck_days", "must be between 1 and 3650, got %d", q.StuckDays)
	case q.StuckDays > 0:
		f.StuckBefore = s.now().Add(-time.Duration(q.StuckDays) * 24 * time.Hour)
	}
	if q.Search != "" {
		f.Search = latin.SearchKey(q.Search)
		if f.Search == "" {
			fe.Add("query.q", "%q has no letters or digits to search for", short(q.Search))
		}
	}
	return f, fe.Err("bad shipments filter")
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func short(v string) string {
	if len(v) > 40 {
		return v[:40] + "…"
	}
	return v
}

func productCodes() []string {
	var out []string
	for _, p := range postal.Products() {
		out = append(out, string(p.Code))
	}
	return out
}

// Term is one key a shipment is found under by prefix search.
type Term struct {
	Key  string
	Kind byte // 'i' id, 'r' merchant reference, 'n' addressee name
}

// Terms returns the keys sh is found under: its id, its merchant
// reference, and its addressee's name (and its Latin form), each folded by
// latin.SearchTerms (case, accents, pinyin).
func (sh Shipment) Terms() []Term {
	var out []Term
	add := func(kind byte, keys ...string) {
		for _, k := range keys {
			if k != "" && !slices.Contains(out, Term{k, kind}) {
				out = append(out, Term{k, kind})
			}
		}
	}
	add('i', latin.SearchKey(string(sh.ID)))
	add('r', latin.SearchKey(sh.MerchantRef))
	add('n', latin.SearchTerms(sh.Addressee.Name)...)
	add('n', latin.SearchTerms(sh.Addressee.NameLatin)...)
	return out
}

// ExportColumns are the columns of a shipments list export, in order.
var ExportColumns = []string{"id", "merchant", "merchant_ref", "product", "status", "origin_office", "destination", "addressee", "weight_g", "created_at"}

// ExportRow is sh as a row of ExportColumns.
func (sh Shipment) ExportRow() []string {
	return []string{string(sh.ID), sh.Merchant, sh.MerchantRef, sh.Product, sh.Status, sh.OriginOffice, sh.Addressee.Country,
		sh.Addressee.Name, strconv.Itoa(sh.WeightG), sh.CreatedAt.UTC().Format(time.RFC3339)}
}

// ExportMax bounds one export of the shipments list.
const ExportMax = 100_000

// Export writes the shipments q selects for who, as Each does, through
// write (export.Write bound to a writer and format): the API and the
// console export alike.
func (s *Service) Export(ctx context.Context, who auth.Principal, q Query, write func(header []string, rows func(emit func([]string) error) error) error) error {
	return write(ExportColumns, func(emit func([]string) error) error {
		return s.Each(ctx, who, q, ExportMax, func(sh Shipment) error { return emit(sh.ExportRow()) })
	})
}
