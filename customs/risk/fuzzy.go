package risk

import "unicode/utf8"

// skeleton is the consonant key of a normalised token. Tokens of three
// letters or fewer are their own key: in "li", "lei" or "wu" the vowels are
// most of the name (and pinyin spells them one way).
func skeleton(tok string) string {
	if len(tok) <= 3 {
		return tok
	}
	var buf [48]byte
	b := buf[:0]
	var last byte
	emit := func(c byte) {
		if c != last {
			b = append(b, c)
			last = c
		}
	}
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		var next byte
		if i+1 < len(tok) {
			next = tok[i+1]
		}
		if c >= utf8.RuneSelf { // a script we don't transliterate: keep it as is
			return tok
		}
		switch {
		case c == 's' && next == 'c' && i+2 < len(tok) && tok[i+2] == 'h':
			emit('s')
			i += 2
			continue
		case next == 'h' && (c == 's' || c == 'z' || c == 'c' || c == 'k' || c == 'p' || c == 't' || c == 'd' || c == 'g'):
			emit(hDigraph(c))
			i++
			continue
		case c == 'c' && next == 'k':
			emit('k')
			i++
			continue
		case c == 't' && next == 's':
			emit('s')
			i++
			continue
		case c == 'x':
			emit('k')
			emit('s')
			continue
		case c == 'd' && (next == 'j' || next == 'z' && i+2 < len(tok) && tok[i+2] == 'h'):
			continue // dj, dzh: j
		case c == 'k' && next == 'h' && len(b) > 0:
			i++ // kh inside a word goes like h: Akhmed, Ahmed
			continue
		}
		switch c {
		case 'a', 'e', 'i', 'o', 'u', 'y', 'j':
			if len(b) == 0 {
				emit('a')
			} else {
				last = 0 // a vowel separates doubled consonants: "ana" keeps both n's apart
			}
		case 'h':
			if len(b) == 0 {
				emit('h')
			}
		case 'c', 'q':
			emit('k')
		case 'w', 'v', 'f':
			emit('f')
		case 'z':
			emit('s')
		default:
			emit(c)
		}
	}
	// Doubled consonants across a vowel stay (m-h-m-d); adjacent ones were folded.
	return string(b)
}

// hDigraph folds a consonant followed by h: sh → s, zh → y, ch → k, kh → h (at the start),
// ph → f, th → t, dh → d, gh → g.
func hDigraph(c byte) byte {
	switch c {
	case 'z':
		return 'y'
	case 'c':
		return 'k'
	case 'k':
		return 'h'
	case 'p':
		return 'f'
	}
	return c
}

// jaroWinkler returns the Jaro–Winkler similarity of two byte strings.
func jaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0
	}
	if la > 64 || lb > 64 {
		a, b = a[:min(la, 64)], b[:min(lb, 64)]
		la, lb = len(a), len(b)
	}
	window := max(la, lb)/2 - 1
	window = max(window, 0)
	var ma, mb [64]bool
	matches := 0
	for i := 0; i < la; i++ {
		lo, hi := max(0, i-window), min(lb, i+window+1)
		for j := lo; j < hi; j++ {
			if !mb[j] && a[i] == b[j] {
				ma[i], mb[j] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	t, k := 0, 0
	for i := 0; i < la; i++ {
		if !ma[i] {
			continue
		}
		for !mb[k] {
			k++
		}
		if a[i] != b[k] {
			t++
		}
		k++
	}
	m := float64(matches)
	jaro := (m/float64(la) + m/float64(lb) + (m-float64(t)/2)/m) / 3
	prefix := 0
	for prefix < min(4, la, lb) && a[prefix] == b[prefix] {
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}
