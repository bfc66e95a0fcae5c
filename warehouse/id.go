package warehouse

import (
	"crypto/rand"
)

// NewID returns prefix, a dash and 10 random base-32 characters (50 bits),
// e.g. ORD-7KQ2M9XD4T.
func NewID(prefix string) string {
	return prefix + "-" + rand.Text()[:10]
}
