package paging

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// Key is a keyset position for a list sorted by a column: the sort it
// belongs to, the sort column's value on the last row of the page (as
// text) and that row's position, which breaks ties. The next page starts
// after it, so pages stay stable while rows are added.
type Key struct {
	Sort  string // e.g. "-created"
	Value string
	Seq   int64
}

// EncodeKey turns a keyset position into the opaque cursor the API hands
// out.
func EncodeKey(k Key) string {
	return base64.RawURLEncoding.EncodeToString([]byte("k" + k.Sort + "\x00" + k.Value + "\x00" + strconv.FormatInt(k.Seq, 10)))
}

// DecodeKey parses a cursor made by EncodeKey for a list in sort order
// sort; "" is the start (ok=false). A cursor it did not make, or one of
// another sort order, is an invalid-argument error on field "cursor".
func DecodeKey(c, sort string) (k Key, ok bool, err error) {
	if c == "" {
		return Key{}, false, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) == 0 || b[0] != 'k' {
		return Key{}, false, badCursor()
	}
	parts := strings.Split(string(b[1:]), "\x00")
	if len(parts) != 3 {
		return Key{}, false, badCursor()
	}
	seq, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || seq < 0 {
		return Key{}, false, badCursor()
	}
	if parts[0] != sort {
		return Key{}, false, badCursorFor("made for sort " + parts[0] + ", not " + sort + "; start again without cursor")
	}
	return Key{Sort: parts[0], Value: parts[1], Seq: seq}, true, nil
}
