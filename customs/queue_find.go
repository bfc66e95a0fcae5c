package customs

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/listing"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
)

// Sort orders of the customs queue. The queue is a work list: it is served
// in priority order (risk, then waiting time) unless asked otherwise;
// "-declared" is newest first.
const (
	SortPriority = "priority"
	SortDeclared = "declared"
	SortScore    = "score"
)

// QueueSorts lists the sort orders the queue accepts.
var QueueSorts = []string{SortPriority, "-" + SortDeclared, SortDeclared, "-" + SortScore, SortScore}

var officeCode = regexp.MustCompile(`^[A-Z0-9]{2,12}$`)

// QueueCountCap is how many matching entries a queue page counts at most.
const QueueCountCap = listing.CountCap

// QueueExportMax bounds one export of the queue.
const QueueExportMax = listing.ExportMax

// QueueQuery is what a queue list asks for, as the API, the console and the
// exports take it. Zero values mean "any"; Office is required.
type QueueQuery struct {
	Office    string
	Status    string // pending or held
	Stream    string
	Direction string
	Search    string // prefix of the item id or of the sender's or addressee's name
	Sort      string // one of QueueSorts; "" = SortPriority
	Limit     int
	Cursor    string
}

// QueuePage is one page of the queue with the total of the whole list.
type QueuePage struct {
	Office     string       `json:"office"`
	Items      []QueueEntry `json:"items"`
	NextCursor string       `json:"next_cursor,omitempty"`
	Total      int64        `json:"total"`
	TotalExact bool         `json:"total_exact" doc:"false: more than total match (the count stops at 1,000)"`
}

// FindQueue returns a page of the office's queue q selects. A filter value
// that is not allowed is an invalid-argument error naming the field and
// the allowed values.
func (s *Service) FindQueue(ctx context.Context, who auth.Principal, q QueueQuery) (QueuePage, error) {
	f, err := queueFilter(who, q)
	if err != nil {
		return QueuePage{}, err
	}
	if f.Limit, f.Key, err = listing.Page(q.Limit, 50, q.Cursor, f.Sort); err != nil {
		return QueuePage{}, err
	}
	items, next, err := s.Store.QueuePage(ctx, f)
	if err != nil {
		return QueuePage{}, err
	}
	n, exact, err := s.Store.CountQueue(ctx, f, QueueCountCap)
	if err != nil {
		return QueuePage{}, err
	}
	return QueuePage{Office: f.Office, Items: s.entries(items), NextCursor: next, Total: n, TotalExact: exact}, nil
}

// QueueExportColumns are the columns of a queue export, in order.
var QueueExportColumns = []string{"item_id", "office", "stream", "direction", "status", "score", "action", "hold", "claimed_by",
	"sender", "addressee", "destination", "declared_at", "waiting_minutes", "reasons"}

// ExportQueue writes the entries q selects for who (q.Limit and q.Cursor
// ignored) through write (export.Write bound to a writer and format). More
// than QueueExportMax matching entries is an invalid-argument error asking
// for a narrower filter, before anything is written.
func (s *Service) ExportQueue(ctx context.Context, who auth.Principal, q QueueQuery, write func(header []string, rows func(emit func([]string) error) error) error) error {
	f, err := queueFilter(who, q)
	if err != nil {
		return err
	}
	now := s.now()
	return write(QueueExportColumns, func(emit func([]string) error) error {
		return listing.Walk(QueueExportMax, "queue entries", f.Sort,
			func(upTo int) (int64, bool, error) { return s.Store.CountQueue(ctx, f, upTo) },
			func(limit int, key *paging.Key) ([]Item, string, error) {
				f.Limit, f.Key = limit, key
				return s.Store.QueuePage(ctx, f)
			},
			func(it Item) error {
				d := &it.Declaration
				e := entry(it, now)
				return emit([]string{e.ItemID, d.Office, string(e.Stream), string(e.Direction), string(e.Status), strconv.Itoa(e.Score),
					string(e.Action), string(e.Hold), e.ClaimedBy, d.Sender.Name, d.Addressee.Name, d.Addressee.Country,
					e.DeclaredAt.UTC().Format(time.RFC3339), strconv.Itoa(e.WaitingMinutes), strings.Join(e.Reasons, "; ")})
			})
	})
}

// queueFilter checks q for who and folds it into the store's filter.
func queueFilter(who auth.Principal, q QueueQuery) (QueueFilter, error) {
	if !who.Is(auth.RoleAdmin, auth.RoleCustoms, auth.RoleOperator) {
		return QueueFilter{}, postal.Errorf(postal.CodeForbidden, "role %s cannot read customs queues", who.Role)
	}
	var c listing.Checker
	f := QueueFilter{Office: strings.ToUpper(strings.TrimSpace(q.Office)), Status: Status(q.Status), Stream: Stream(q.Stream),
		Direction: Direction(q.Direction)}
	switch {
	case f.Office == "":
		c.Add("query.office", "required: the office whose queue to show, e.g. CNSHAA")
	case !officeCode.MatchString(f.Office):
		c.Add("query.office", "%q is not an office code (2 to 12 letters and digits, e.g. CNSHAA)", listing.Short(q.Office))
	case !who.InOffice(f.Office):
		return QueueFilter{}, postal.Errorf(postal.CodeForbidden, "office %s is outside the offices of your key", f.Office)
	}
	if f.Status != "" && f.Status != StatusPending && f.Status != StatusHeld {
		c.Add("query.status", "%q: the queue holds pending and held items only; use pending or held", listing.Short(q.Status))
	}
	c.OneOf("query.stream", "stream", q.Stream, []string{string(StreamPostal), string(StreamExpress), string(StreamEcommerce)})
	c.OneOf("query.direction", "direction", q.Direction, []string{string(Import), string(Export)})
	f.Sort = c.Sort(q.Sort, SortPriority, QueueSorts)
	f.Search = c.Search(q.Search)
	return f, c.Err("bad customs queue filter")
}

// SearchTerms returns the keys the item is found under by prefix in the
// queue, space-separated with a space before each: its id and its sender's
// and addressee's names (and company), folded by latin.SearchTerms (case,
// accents, pinyin). An erased item is found by its id only.
func (it *Item) SearchTerms() string {
	var out listing.Terms
	d := &it.Declaration
	out.AddID(d.ID)
	for _, p := range []Party{d.Sender, d.Addressee} {
		out.AddName(p.Name, p.Company)
	}
	if len(out) == 0 {
		return ""
	}
	return " " + strings.Join(out, " ")
}
