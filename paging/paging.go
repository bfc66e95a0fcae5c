package paging

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/interpost/interpost/postal"
)

// Max is the largest page a list returns.
const Max = 500

// EncodeCursor turns a store position into the opaque cursor the API hands
// out.
func EncodeCursor(pos int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("p" + strconv.FormatInt(pos, 10)))
}

// DecodeCursor parses a cursor made by EncodeCursor; "" is the start (0). A
// cursor it did not make is an invalid-argument error on field "cursor".
func DecodeCursor(c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), "p") {
		return 0, badCursor()
	}
	n, err := strconv.ParseInt(string(b[1:]), 10, 64)
	if err != nil || n < 0 {
		return 0, badCursor()
	}
	return n, nil
}

func badCursor() error {
	return badCursorFor("not a cursor returned by this API")
}

func badCursorFor(why string) error {
	return postal.Invalid("bad cursor", postal.FieldError{Field: "cursor", Message: why})
}

// Limit checks a requested page size: 0 asks for def, 1 to Max are kept, and
// anything else is an invalid-argument error on field (the name the caller
// gave the limit, e.g. "query.limit").
func Limit(n, def int, field string) (int, error) {
	switch {
	case n == 0:
		return def, nil
	case n < 0 || n > Max:
		return 0, postal.Invalid("bad limit", postal.FieldError{Field: field, Message: fmt.Sprintf("must be between 1 and %d, got %d", Max, n)})
	}
	return n, nil
}

// LimitOr returns n if it is a page size of 1 to Max, and def otherwise; for
// lists that quietly fall back instead of refusing.
func LimitOr(n, def int) int {
	if n < 1 || n > Max {
		return def
	}
	return n
}
