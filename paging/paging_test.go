package paging_test

import (
	"strconv"
	"testing"

	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
)

func TestCursor(t *testing.T) {
	t.Parallel()
	for _, n := range []int64{0, 1, 12345678901} {
		got, err := paging.DecodeCursor(paging.EncodeCursor(n))
		if err != nil || got != n {
			t.Errorf("round trip %d = %d, %v", n, got, err)
		}
	}
	for _, bad := range []string{"x", "cHg", paging.EncodeCursor(-1)[:2] + "!"} {
		if _, err := paging.DecodeCursor(bad); postal.ErrorCode(err) != postal.CodeInvalid {
			t.Errorf("DecodeCursor(%q) = %v", bad, err)
		}
	}
}

func TestLimit(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ n, want int }{{0, 50}, {1, 1}, {500, 500}} {
		if got, err := paging.Limit(c.n, 50, "query.limit"); err != nil || got != c.want {
			t.Errorf("Limit(%d) = %d, %v", c.n, got, err)
		}
	}
	for _, n := range []int{-1, 501} {
		_, err := paging.Limit(n, 50, "query.limit")
		if postal.ErrorCode(err) != postal.CodeInvalid || err.Error() != "bad limit: query.limit: must be between 1 and 500, got "+strconv.Itoa(n) {
			t.Errorf("Limit(%d) = %v", n, err)
		}
	}
	for _, c := range []struct{ n, want int }{{0, 100}, {-3, 100}, {501, 100}, {1, 1}, {500, 500}} {
		if got := paging.LimitOr(c.n, 100); got != c.want {
			t.Errorf("LimitOr(%d) = %d", c.n, got)
		}
	}
}

func TestKey(t *testing.T) {
	t.Parallel()
	k := paging.Key{Sort: "-updated", Value: "2026-11-23T08:30:00Z", Seq: 42}
	got, ok, err := paging.DecodeKey(paging.EncodeKey(k), "-updated")
	if err != nil || !ok || got != k {
		t.Errorf("round trip = %+v, %v, %v", got, ok, err)
	}
	if _, ok, err := paging.DecodeKey("", "-created"); ok || err != nil {
		t.Errorf("empty cursor = %v, %v", ok, err)
	}
	if _, _, err := paging.DecodeKey(paging.EncodeKey(k), "weight"); postal.ErrorCode(err) != postal.CodeInvalid {
		t.Errorf("cursor of another sort = %v", err)
	}
	for _, bad := range []string{"x", paging.EncodeCursor(3)} {
		if _, _, err := paging.DecodeKey(bad, "-created"); postal.ErrorCode(err) != postal.CodeInvalid {
			t.Errorf("DecodeKey(%q) = %v", bad, err)
		}
	}
}
