package acceptance

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/listing"
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
const CountCap = listing.CountCap

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
	if f.Limit, f.Key, err = listing.Page(q.Limit, 50, q.Cursor, f.Sort); err != nil {
		return Page{}, err
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
	return listing.Walk(max, "shipments", f.Sort,
		func(upTo int) (int64, bool, error) { return s.Store.CountMatching(ctx, f, upTo) },
		func(limit int, key *paging.Key) ([]Shipment, string, error) {
			f.Limit, f.Key = limit, key
			return s.Store.Shipments(ctx, f)
		}, fn)
}

func (s *Service) filter(who auth.Principal, q Query) (Filter, error) {
	if err := s.checkStatus(q.Status); err != nil {
		return Filter{}, err
	}
	merchant, err := who.MerchantScope(q.Merchant, listRefusals)
	if err != nil {
		return Filter{}, err
	}
	var c listing.Checker
	f := Filter{Merchant: merchant, Status: q.Status, Since: q.From, Until: q.To}
	f.Sort = c.Sort(q.Sort, DefaultSort, Sorts)
	f.Product = c.OneOf("query.product", "product", q.Product, productCodes())
	f.Destination = c.Country("query.destination", q.Destination)
	if f.Offices, err = c.Office(who, q.Office, false); err != nil {
		return Filter{}, err
	}
	c.Range(q.From, q.To)
	if q.StuckDays != 0 {
		f.StuckBefore = c.Stuck(q.StuckDays, s.now())
	}
	f.Search = c.Search(q.Search)
	return f, c.Err("bad shipments filter")
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
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
const ExportMax = listing.ExportMax

// Export writes the shipments q selects for who, as Each does, through
// write (export.Write bound to a writer and format): the API and the
// console export alike.
func (s *Service) Export(ctx context.Context, who auth.Principal, q Query, write func(header []string, rows func(emit func([]string) error) error) error) error {
	return write(ExportColumns, func(emit func([]string) error) error {
		return s.Each(ctx, who, q, ExportMax, func(sh Shipment) error { return emit(sh.ExportRow()) })
	})
}
