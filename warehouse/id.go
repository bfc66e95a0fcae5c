package warehouse

import (
	"crypto/rand"
	mrand "math/rand/v2"
	"sync"
)

// NewID returns prefix, a dash and 10 random base-32 characters (50 bits),
// e.g. ORD-7KQ2M9XD4T.
func NewID(prefix string) string {
	return prefix + "-" + rand.Text()[:10]
}

// SeededIDs returns an id maker like NewID whose ids follow from seed, for
// worlds that must come out the same every time (the demo, tests).
func SeededIDs(seed uint64) func(prefix string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var mu sync.Mutex
	rng := mrand.New(mrand.NewPCG(seed, 0x1d5))
	return func(prefix string) string {
		mu.Lock()
		defer mu.Unlock()
		b := make([]byte, 10)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return prefix + "-" + string(b)
	}
}
