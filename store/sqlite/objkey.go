package sqlite

import (
	"fmt"
)

// SQLite keeps the object of a tracking event compactly: an S10 item id
// (two letters, nine digits, two letters — nearly every event) as one
// INTEGER, any other id (S8 dispatches, S9 receptacles) as TEXT, in the same
// untyped column. The integer is 8 bytes instead of a 14-byte string and
// compares as one machine word, which makes the identity index about a
// seventh smaller and the bulk insert 10–15 % faster (docs/benchmarks.md).
// The packing keeps the S10 string order (letters, digits, letters), so a
// batch sorted by id is also sorted by key; SQLite orders every INTEGER
// before every TEXT, so the two kinds never meet. PostgreSQL keeps text.

const s10Digits = 1_000_000_000 // nine digits: serial and check digit

// EventObject implements sqlstore.Backend.
func (backend) EventObject(id string) any { return objectKey(id) }

// ScanEventObject implements sqlstore.Backend: it reads either stored form.
func (backend) ScanEventObject(src any) (string, error) {
	switch v := src.(type) {
	case int64:
		return unpackS10(v)
	case string:
		return v, nil
	case []byte:
		return string(v), nil
	}
	return "", fmt.Errorf("object column holds %T", src)
}

// objectKey returns the stored form of an object id.
func objectKey(id string) any {
	if k, ok := packS10(id); ok {
		return k
	}
	return id
}

// packS10 packs an S10-shaped id (A-Z A-Z 0-9×9 A-Z A-Z) into an int64
// below 676×676×10⁹ ≈ 4.6×10¹⁴; it does not check the check digit.
func packS10(id string) (int64, bool) {
	if len(id) != 13 {
		return 0, false
	}
	a, b, c, d := id[0]-'A', id[1]-'A', id[11]-'A', id[12]-'A' // wrap around below 'A'
	if a >= 26 || b >= 26 || c >= 26 || d >= 26 {
		return 0, false
	}
	var n int64
	for i := 2; i < 11; i++ {
		v := id[i] - '0'
		if v > 9 {
			return 0, false
		}
		n = n*10 + int64(v)
	}
	return ((int64(a)*26+int64(b))*s10Digits+n)*676 + int64(c)*26 + int64(d), true
}

// unpackS10 is the inverse of packS10.
func unpackS10(k int64) (string, error) {
	if k < 0 || k >= 676*676*s10Digits {
		return "", fmt.Errorf("object key %d is not a packed S10 id", k)
	}
	var b [13]byte
	country := k % 676
	k /= 676
	b[11], b[12] = byte('A'+country/26), byte('A'+country%26)
	n := k % s10Digits
	k /= s10Digits
	for i := 10; i >= 2; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	b[0], b[1] = byte('A'+k/26), byte('A'+k%26)
	return string(b[:]), nil
}
