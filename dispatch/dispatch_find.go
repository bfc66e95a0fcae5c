package dispatch

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/listing"
	"github.com/interpost/interpost/paging"
)

// Sort orders of the dispatches list: a column, descending with a leading
// "-". The list is newest first unless asked otherwise.
const (
	DispatchSortOpened      = "opened"
	DispatchSortStatus      = "status"
	DispatchSortDestination = "destination"
	DispatchDefaultSort     = "-" + DispatchSortOpened
)

// DispatchSorts lists the sort orders the dispatches list accepts.
var DispatchSorts = []string{"-opened", "opened", "-status", "status", "-destination", "destination"}

// DispatchStatuses lists the statuses a dispatch can be in.
var DispatchStatuses = []string{string(StatusOpen), string(StatusClosed), string(StatusConsigned), string(StatusDeparted), string(StatusCancelled)}

// DispatchCategories lists the mail categories a dispatch can be of.
var DispatchCategories = []string{"A", "B", "C", "D"}

var (
	officeOrCountry = regexp.MustCompile(`^[A-Z]{2}([A-Z0-9]{4})?$`)
	dispatchPrefix  = regexp.MustCompile(`^[A-Z0-9]{1,20}$`)
)

// DispatchQuery is what a dispatches list asks for, as the API, the
// console and the exports take it. Zero values mean "any".
type DispatchQuery struct {
	Origin      string // office of origin; operators see only their key's offices
	Destination string // destination office of exchange (6 characters) or its country (2)
	Status      string
	Category    string // A, B, C or D
	From, To    time.Time
	Search      string // prefix of the dispatch id (S8)
	Sort        string // one of DispatchSorts; "" = DispatchDefaultSort
	Limit       int
	Cursor      string
}

// DispatchPage is one page of a dispatches list with the total of the
// whole list.
type DispatchPage struct {
	Items      []Dispatch
	NextCursor string
	Total      int64
	TotalExact bool // false: more than Total (listing.CountCap) match
}

// FindDispatches returns a page of the dispatches q selects, in q.Sort
// order, for who: operators and officers see only dispatches from the
// offices of their key. A filter value that is not allowed is an
// invalid-argument error naming the field and the allowed values.
func (s *Service) FindDispatches(ctx context.Context, who auth.Principal, q DispatchQuery) (DispatchPage, error) {
	f, err := dispatchFilter(who, q)
	if err != nil {
		return DispatchPage{}, err
	}
	if f.Limit, f.Key, err = listing.Page(q.Limit, 50, q.Cursor, f.Sort); err != nil {
		return DispatchPage{}, err
	}
	items, next, err := s.Store.FindDispatches(ctx, f)
	if err != nil {
		return DispatchPage{}, err
	}
	n, exact, err := s.Store.CountDispatches(ctx, f, listing.CountCap)
	if err != nil {
		return DispatchPage{}, err
	}
	return DispatchPage{Items: items, NextCursor: next, Total: n, TotalExact: exact}, nil
}

// DispatchExportColumns are the columns of a dispatches export, in order.
var DispatchExportColumns = []string{"id", "origin", "destination", "category", "subclass", "status", "at_office", "receptacles",
	"items", "net_weight_g", "gross_weight_g", "registered", "consignment", "opened_at", "closed_at", "departed_at"}

// ExportRow is d as a row of DispatchExportColumns.
func (d Dispatch) ExportRow() []string {
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	return []string{d.ID, d.Origin, d.Destination, d.Category, d.Subclass, string(d.Status), d.AtOffice, strconv.Itoa(d.Receptacles),
		strconv.Itoa(d.Items), strconv.Itoa(d.NetWeightG), strconv.Itoa(d.GrossWeightG), strconv.FormatBool(d.Registered), d.Consignment,
		d.OpenedAt.UTC().Format(time.RFC3339), at(d.ClosedAt), at(d.DepartedAt)}
}

// ExportDispatches writes the dispatches q selects for who (q.Limit and
// q.Cursor ignored) through write (export.Write bound to a writer and
// format). More than listing.ExportMax matching dispatches is an
// invalid-argument error asking for a narrower filter, before anything is
// written.
func (s *Service) ExportDispatches(ctx context.Context, who auth.Principal, q DispatchQuery, write func(header []string, rows func(emit func([]string) error) error) error) error {
	f, err := dispatchFilter(who, q)
	if err != nil {
		return err
	}
	return write(DispatchExportColumns, func(emit func([]string) error) error {
		return listing.Walk(listing.ExportMax, "dispatches", f.Sort,
			func(upTo int) (int64, bool, error) { return s.Store.CountDispatches(ctx, f, upTo) },
			func(limit int, key *paging.Key) ([]Dispatch, string, error) {
				f.Limit, f.Key = limit, key
				return s.Store.FindDispatches(ctx, f)
			},
			func(d Dispatch) error { return emit(d.ExportRow()) })
	})
}

func dispatchFilter(who auth.Principal, q DispatchQuery) (DispatchFilter, error) {
	var c listing.Checker
	f := DispatchFilter{Since: q.From, Until: q.To}
	f.Status = Status(c.OneOf("query.status", "dispatch status", q.Status, DispatchStatuses))
	f.Category = c.OneOf("query.category", "mail category", strings.ToUpper(strings.TrimSpace(q.Category)), DispatchCategories)
	f.Sort = c.Sort(q.Sort, DispatchDefaultSort, DispatchSorts)
	var err error
	if f.Offices, err = c.Office(who, q.Origin, false); err != nil {
		return DispatchFilter{}, err
	}
	if dest := strings.ToUpper(strings.TrimSpace(q.Destination)); dest != "" {
		switch {
		case !officeOrCountry.MatchString(dest):
			c.Add("query.destination", "%q is neither an office of exchange (6 characters, e.g. NLAMSA) nor a country (2 letters, e.g. NL)", listing.Short(q.Destination))
		case len(dest) == 2:
			f.Country = c.Country("query.destination", dest)
		default:
			f.Destination = dest
		}
	}
	c.Range(q.From, q.To)
	if v := strings.ToUpper(strings.Join(strings.Fields(q.Search), "")); v != "" {
		if !dispatchPrefix.MatchString(v) {
			c.Add("query.q", "%q is not the start of a dispatch id (up to 20 letters and digits, e.g. CNXMNANLAMSAAUN6)", listing.Short(q.Search))
		}
		f.Search = v
	}
	return f, c.Err("bad dispatches filter")
}

// KeyValue is d's value in the sort column of sort (a DispatchSorts
// entry), as a list cursor carries it.
func (d Dispatch) KeyValue(sort string) string {
	switch strings.TrimPrefix(sort, "-") {
	case DispatchSortStatus:
		return string(d.Status)
	case DispatchSortDestination:
		return d.Destination
	}
	return d.OpenedAt.UTC().Format(time.RFC3339Nano)
}
