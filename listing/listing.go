// Package listing is the shape every list that finds things shares (issue
// 19 item 2): checking a list query's filters into a store filter while
// naming each bad field with its allowed values, reading the page size and
// cursor, and walking a whole filtered list for an export. The shipments
// list, the customs queue, orders and inbounds are built on it; the lists
// keep their own fields and store queries.
package listing

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/postal/latin"
)

// CountCap is how many matching rows a list page counts at most when its
// total is not kept: past it the total shows as "more than CountCap".
const CountCap = 1_000

// ExportMax bounds one export of a list.
const ExportMax = 100_000

// MaxStuckDays is the largest "stuck for more than N days" a list takes.
const MaxStuckDays = 3650

var officeCode = regexp.MustCompile(`^[A-Z0-9]{2,12}$`)

// Checker checks the filters of one list query. Each method checks one
// field and returns the value to filter on; a value that is not allowed is
// recorded as a field error on "query.NAME" and Err returns them all at
// once (postal.CodeInvalid: 422 naming the field and the allowed values).
type Checker struct {
	fe postal.FieldList
}

// Add records a field error of its own.
func (c *Checker) Add(field, format string, args ...any) { c.fe.Add(field, format, args...) }

// Err returns the recorded field errors as one invalid-argument error, or nil.
func (c *Checker) Err(message string) error { return c.fe.Err(message) }

// Sort checks a sort order: "" is def; else one of allowed.
func (c *Checker) Sort(v, def string, allowed []string) string {
	if v == "" {
		return def
	}
	if !slices.Contains(allowed, v) {
		c.fe.Add("query.sort", "%q is not a sort order; use one of %s", Short(v), strings.Join(allowed, ", "))
	}
	return v
}

// OneOf checks an enumerated filter (e.g. status): "" is any; else one of
// allowed. what names the kind of value in the message ("status").
func (c *Checker) OneOf(field, what, v string, allowed []string) string {
	if v != "" && !slices.Contains(allowed, v) {
		c.fe.Add(field, "%q is not a %s; use one of %s", Short(v), what, strings.Join(allowed, ", "))
	}
	return v
}

// Country checks an ISO 3166-1 alpha-2 country filter, upper-cased.
func (c *Checker) Country(field, v string) string {
	if v == "" {
		return ""
	}
	cc := strings.ToUpper(strings.TrimSpace(v))
	if !postal.ValidCountry(cc) {
		c.fe.Add(field, "%q is not an ISO 3166-1 alpha-2 country code (e.g. PL, DE, US)", Short(v))
	}
	return cc
}

// Office checks an office filter for who and returns the offices to filter
// on: the named one, or, when none is named, the offices of an operator's
// or officer's key (nil: any office). Naming an office outside the key's
// scope is forbidden. required makes an empty office a field error.
func (c *Checker) Office(who auth.Principal, v string, required bool) ([]string, error) {
	office := strings.ToUpper(strings.TrimSpace(v))
	switch {
	case office == "" && required:
		c.fe.Add("query.office", "required: the office whose list to show, e.g. CNSHAA")
		return nil, nil
	case office == "":
		if who.Role != auth.RoleAdmin && who.Role != auth.RoleMerchant && len(who.Offices) > 0 {
			return slices.Clone(who.Offices), nil
		}
		return nil, nil
	case !officeCode.MatchString(office):
		c.fe.Add("query.office", "%q is not an office code (2 to 12 letters and digits, e.g. CNXMNA)", Short(v))
		return []string{office}, nil
	case !who.InOffice(office):
		return nil, postal.Errorf(postal.CodeForbidden, "office %s is not in this key's scope (%s)", office, strings.Join(who.Offices, ", "))
	}
	return []string{office}, nil
}

// Range checks a date range [from, to): to must be after from when both
// are given.
func (c *Checker) Range(from, to time.Time) {
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		c.fe.Add("query.to", "must be after query.from (%s)", from.Format(time.RFC3339))
	}
}

// Stuck checks "stuck for more than days days" and returns the time before
// which a row's last change must lie (zero: no such filter).
func (c *Checker) Stuck(days int, now time.Time) time.Time {
	switch {
	case days < 0 || days > MaxStuckDays:
		c.fe.Add("query.stuck_days", "must be between 1 and %d, got %d", MaxStuckDays, days)
	case days > 0:
		return now.Add(-time.Duration(days) * 24 * time.Hour)
	}
	return time.Time{}
}

// Search folds a search text into the key a prefix search looks up (case,
// accents and Chinese names folded by latin.SearchKey, as the terms are).
func (c *Checker) Search(v string) string {
	if v == "" {
		return ""
	}
	k := latin.SearchKey(v)
	if k == "" {
		c.fe.Add("query.q", "%q has no letters or digits to search for", Short(v))
	}
	return k
}

// Page reads a page request: the page size (0 = def, else 1 to
// paging.Max) and the cursor of the list in sort order sort.
func Page(limit, def int, cursor, sort string) (int, *paging.Key, error) {
	n, err := paging.Limit(limit, def, "query.limit")
	if err != nil {
		return 0, nil, err
	}
	key, ok, err := paging.DecodeKey(cursor, sort)
	if err != nil || !ok {
		return n, nil, err
	}
	return n, &key, nil
}

// Walk calls fn with every row of a filtered list, page after page, for an
// export. count counts the matching rows up to a cap; more than max of
// them is an invalid-argument error asking for a narrower filter (what
// names the rows, e.g. "orders"), before fn is called. page reads one page
// of at most limit rows after key (nil: the start) and returns the next
// cursor ("" at the end); sort is the list's sort order. Walk stops at
// fn's first error.
func Walk[T any](max int, what, sort string, count func(upTo int) (int64, bool, error),
	page func(limit int, key *paging.Key) ([]T, string, error), fn func(T) error) error {
	if _, exact, err := count(max); err != nil {
		return err
	} else if !exact {
		return postal.Errorf(postal.CodeInvalid, "more than %d %s match; narrow the filter (e.g. from and to, status or merchant) and export again", max, what)
	}
	var key *paging.Key
	for seen := 0; seen < max; {
		items, next, err := page(min(paging.Max, max-seen), key)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := fn(it); err != nil {
				return err
			}
		}
		seen += len(items)
		if next == "" {
			return nil
		}
		k, _, err := paging.DecodeKey(next, sort)
		if err != nil {
			return fmt.Errorf("export %s: %w", what, err)
		}
		key = &k
	}
	return nil
}

// Short cuts a bad value to what an error message quotes.
func Short(v string) string {
	if r := []rune(v); len(r) > postal.QuoteMax {
		return string(r[:postal.QuoteMax]) + "…"
	}
	return v
}

// Terms collects the search keys a row is found under, without repeats.
type Terms []string

// Add adds keys, skipping empty ones and repeats.
func (t *Terms) Add(keys ...string) {
	for _, k := range keys {
		if k != "" && !slices.Contains(*t, k) {
			*t = append(*t, k)
		}
	}
}

// AddName adds the keys of a person's or company's name (each word and
// the whole, pinyin for Chinese, as latin.SearchTerms folds them).
func (t *Terms) AddName(names ...string) {
	for _, n := range names {
		t.Add(latin.SearchTerms(n)...)
	}
}

// AddID adds the key of an id or reference.
func (t *Terms) AddID(ids ...string) {
	for _, id := range ids {
		t.Add(latin.SearchKey(id))
	}
}
