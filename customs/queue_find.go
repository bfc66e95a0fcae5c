package customs

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
const QueueCountCap = 1_000

// QueueExportMax bounds one export of the queue.
const QueueExportMax = 100_000

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
	if f.Limit, err = paging.Limit(q.Limit, 50, "query.limit"); err != nil {
		return QueuePage{}, err
	}
	key, ok, err := paging.DecodeKey(q.Cursor, f.Sort)
	if err != nil {
		return QueuePage{}, err
	}
	if ok {
		f.Key = &key
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
	if _, exact, err := s.Store.CountQueue(ctx, f, QueueExportMax); err != nil {
		return err
	} else if !exact {
		return postal.Errorf(postal.CodeInvalid, "more than %d queue entries match; narrow the filter (status, stream, direction or q) and export again", QueueExportMax)
	}
	now := s.now()
	return write(QueueExportColumns, func(emit func([]string) error) error {
		for seen := 0; seen < QueueExportMax; {
			f.Limit = min(paging.Max, QueueExportMax-seen)
			items, next, err := s.Store.QueuePage(ctx, f)
			if err != nil {
				return err
			}
			for _, it := range items {
				d := &it.Declaration
				e := entry(it, now)
				if err := emit([]string{e.ItemID, d.Office, string(e.Stream), string(e.Direction), string(e.Status), strconv.Itoa(e.Score),
					string(e.Action), string(e.Hold), e.ClaimedBy, d.Sender.Name, d.Addressee.Name, d.Addressee.Country,
					e.DeclaredAt.UTC().Format(time.RFC3339), strconv.Itoa(e.WaitingMinutes), strings.Join(e.Reasons, "; ")}); err != nil {
					return err
				}
			}
			seen += len(items)
			if next == "" {
				return nil
			}
			key, _, err := paging.DecodeKey(next, f.Sort)
			if err != nil {
				return fmt.Errorf("export customs queue: %w", err)
			}
			f.Key = &key
		}
		return nil
	})
}

// queueFilter checks q for who and folds it into the store's filter.
func queueFilter(who auth.Principal, q QueueQuery) (QueueFilter, error) {
	if !who.Is(auth.RoleAdmin, auth.RoleCustoms, auth.RoleOperator) {
		return QueueFilter{}, postal.Errorf(postal.CodeForbidden, "role %s cannot read customs queues", who.Role)
	}
	var fe postal.FieldList
	f := QueueFilter{Office: strings.ToUpper(strings.TrimSpace(q.Office)), Status: Status(q.Status), Stream: Stream(q.Stream),
		Direction: Direction(q.Direction), Sort: q.Sort}
	switch {
	case f.Office == "":
		fe.Add("query.office", "required: the office whose queue to show, e.g. CNSHAA")
	case !officeCode.MatchString(f.Office):
		fe.Add("query.office", "%q is not an office code (2 to 12 letters and digits, e.g. CNSHAA)", short(q.Office))
	case !who.InOffice(f.Office):
		return QueueFilter{}, postal.Errorf(postal.CodeForbidden, "office %s is outside the offices of your key", f.Office)
	}
	if f.Status != "" && f.Status != StatusPending && f.Status != StatusHeld {
		fe.Add("query.status", "%q: the queue holds pending and held items only; use pending or held", short(q.Status))
	}
	if f.Stream != "" && !slices.Contains([]Stream{StreamPostal, StreamExpress, StreamEcommerce}, f.Stream) {
		fe.Add("query.stream", "%q is not a stream; use one of postal, express, ecommerce", short(q.Stream))
	}
	if f.Direction != "" && f.Direction != Import && f.Direction != Export {
		fe.Add("query.direction", "%q is not a direction; use import or export", short(q.Direction))
	}
	if f.Sort == "" {
		f.Sort = SortPriority
	}
	if !slices.Contains(QueueSorts, f.Sort) {
		fe.Add("query.sort", "%q is not a sort order; use one of %s", short(q.Sort), strings.Join(QueueSorts, ", "))
	}
	if q.Search != "" {
		f.Search = latin.SearchKey(q.Search)
		if f.Search == "" {
			fe.Add("query.q", "%q has no letters or digits to search for", short(q.Search))
		}
	}
	return f, fe.Err("bad customs queue filter")
}

func short(v string) string {
	if len(v) > 40 {
		return v[:40] + "…"
	}
	return v
}

// SearchTerms returns the keys the item is found under by prefix in the
// queue, space-separated with a space before each: its id and its sender's
// and addressee's names (and company), folded by latin.SearchTerms (case,
// accents, pinyin). An erased item is found by its id only.
func (it *Item) SearchTerms() string {
	var out []string
	add := func(keys ...string) {
		for _, k := range keys {
			if k != "" && !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	d := &it.Declaration
	add(latin.SearchKey(d.ID))
	for _, p := range []Party{d.Sender, d.Addressee} {
		add(latin.SearchTerms(p.Name)...)
		add(latin.SearchTerms(p.Company)...)
	}
	if len(out) == 0 {
		return ""
	}
	return " " + strings.Join(out, " ")
}
