package listing_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/listing"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
)

func TestChecker(t *testing.T) {
	t.Parallel()
	var c listing.Checker
	if got := c.Sort("", "-created", []string{"-created", "created"}); got != "-created" {
		t.Errorf("default sort = %q", got)
	}
	if got := c.Country("query.destination", "pl"); got != "PL" {
		t.Errorf("country = %q", got)
	}
	if got := c.Search("Müller"); got != "muller" {
		t.Errorf("search = %q", got)
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if got := c.Stuck(3, now); !got.Equal(now.Add(-72 * time.Hour)) {
		t.Errorf("stuck = %s", got)
	}
	if err := c.Err("bad"); err != nil {
		t.Fatalf("good values: %v", err)
	}
	c.Sort("size", "-created", []string{"-created", "created"})
	c.OneOf("query.status", "status", "lost", []string{"reserved", "packed"})
	c.Country("query.destination", "Poland")
	c.Stuck(-1, now)
	c.Search("…")
	c.Range(now, now)
	err := c.Err("bad orders filter")
	if postal.ErrorCode(err) != postal.CodeInvalid {
		t.Fatalf("bad values: %v", err)
	}
	fields := map[string]string{}
	for _, f := range postal.Fields(err) {
		fields[f.Field] = f.Message
	}
	for field, want := range map[string]string{
		"query.sort": "use one of -created, created", "query.status": `"lost" is not a status; use one of reserved, packed`,
		"query.destination": "ISO 3166-1", "query.stuck_days": "between 1 and 3650", "query.q": "no letters", "query.to": "after query.from",
	} {
		if !strings.Contains(fields[field], want) {
			t.Errorf("%s: %q, want %q", field, fields[field], want)
		}
	}
	if got := listing.Short(strings.Repeat("王", 50)); got != strings.Repeat("王", 40)+"…" {
		t.Errorf("Short = %q", got)
	}
}

func TestOffice(t *testing.T) {
	t.Parallel()
	op := auth.Principal{Role: auth.RoleOperator, Offices: []string{"CNXMNA"}}
	var c listing.Checker
	if got, err := c.Office(op, "", false); err != nil || len(got) != 1 || got[0] != "CNXMNA" {
		t.Errorf("operator's default = %v, %v", got, err)
	}
	if got, err := c.Office(auth.Principal{Role: auth.RoleAdmin}, "", false); err != nil || got != nil {
		t.Errorf("admin's default = %v, %v", got, err)
	}
	if _, err := c.Office(op, "plwaw1", false); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("other office = %v", err)
	}
	c.Office(op, "", true)
	c.Office(auth.Principal{Role: auth.RoleAdmin}, "no way", false)
	if fe := postal.Fields(c.Err("bad")); len(fe) != 2 || fe[0].Field != "query.office" {
		t.Errorf("office errors = %+v", fe)
	}
}

func TestWalk(t *testing.T) {
	t.Parallel()
	rows := make([]int, 1200)
	for i := range rows {
		rows[i] = i
	}
	count := func(upTo int) (int64, bool, error) { return int64(min(len(rows), upTo)), len(rows) <= upTo, nil }
	page := func(limit int, key *paging.Key) ([]int, string, error) {
		from := 0
		if key != nil {
			from = int(key.Seq) + 1
		}
		to := min(len(rows), from+limit)
		next := ""
		if to < len(rows) {
			next = paging.EncodeKey(paging.Key{Sort: "-created", Seq: int64(to - 1)})
		}
		return rows[from:to], next, nil
	}
	var got []int
	if err := listing.Walk(5000, "rows", "-created", count, page, func(i int) error { got = append(got, i); return nil }); err != nil || len(got) != 1200 || got[1199] != 1199 {
		t.Errorf("walk = %d rows, %v", len(got), err)
	}
	if err := listing.Walk(1000, "rows", "-created", count, page, func(int) error { return nil }); postal.ErrorCode(err) != postal.CodeInvalid {
		t.Errorf("too many = %v", err)
	}
	stop := errors.New("stop")
	if err := listing.Walk(5000, "rows", "-created", count, page, func(int) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("fn's error = %v", err)
	}
	if n, key, err := listing.Page(0, 50, "", "-created"); n != 50 || key != nil || err != nil {
		t.Errorf("Page = %d %v %v", n, key, err)
	}
}
