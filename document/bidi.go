package document

import (
	"unicode"

	"golang.org/x/text/unicode/bidi"
)

// visual returns a line of text in the order its glyphs are drawn left to
// right. PDF text is drawn left to right, so Hebrew and Arabic runs are
// reversed, numbers inside them kept in order and brackets mirrored, after
// Arabic letters are given their joined forms (shapeArabic). Lines without
// right-to-left letters are returned unchanged.
//
// The reordering is the Unicode Bidirectional Algorithm (UAX #9) for one
// line without explicit embeddings: paragraph direction from the first
// strong letter (P2–P3), numbers and separators between digits (W4–W5),
// digits after left-to-right text (W7),
// neutrals between two runs of one direction take it (N1–N2), implicit
// levels (I1–I2), and runs reversed from the highest level down (L2).
// The character classes come from golang.org/x/text/unicode/bidi; its
// Paragraph.Order is not used because it misorders digits inside
// right-to-left text.
func visual(s string) string {
	if !hasRTL(s) {
		return s
	}
	rs := []rune(shapeArabic(s))
	const (
		dirL = iota
		dirR
		dirNum
		dirNeutral
	)
	dirs := make([]int, len(rs))
	base := -1
	for i, r := range rs {
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.L:
			dirs[i] = dirL
		case bidi.R, bidi.AL:
			dirs[i] = dirR
		case bidi.EN, bidi.AN:
			dirs[i] = dirNum
		case bidi.NSM:
			dirs[i] = dirNeutral
			if i > 0 {
				dirs[i] = dirs[i-1]
			}
		case bidi.CS, bidi.ES, bidi.ET:
			dirs[i] = -int(p.Class()) - 1 // separator: resolved below
		default:
			dirs[i] = dirNeutral
		}
		if base < 0 && (dirs[i] == dirL || dirs[i] == dirR) {
			base = dirs[i]
		}
	}
	if base < 0 {
		base = dirL
	}
	// W7: European digits after left-to-right text (or at the start of a
	// left-to-right line) are left to right: "Ερμού 12" stays together.
	last := base
	for i, r := range rs {
		switch p, _ := bidi.LookupRune(r); {
		case dirs[i] == dirL || dirs[i] == dirR:
			last = dirs[i]
		case p.Class() == bidi.EN && last == dirL:
			dirs[i] = dirL
		}
	}
	// W4–W5: a separator between digits, or a terminator (+, %, $) next to
	// digits, belongs to the number; any other is neutral.
	for i := range rs {
		if dirs[i] >= 0 {
			continue
		}
		num := func(j int) bool { return j >= 0 && j < len(rs) && dirs[j] == dirNum }
		if num(i-1) && num(i+1) || -dirs[i]-1 == int(bidi.ET) && (num(i-1) || num(i+1)) {
			dirs[i] = dirNum
		} else {
			dirs[i] = dirNeutral
		}
	}
	// N1–N2: neutrals between strong text of one direction (numbers count
	// as right-to-left) take that direction, else the paragraph's.
	strong := func(d int) int {
		if d == dirNum {
			return dirR
		}
		return d
	}
	for i := 0; i < len(rs); {
		if dirs[i] != dirNeutral {
			i++
			continue
		}
		j := i
		for j < len(rs) && dirs[j] == dirNeutral {
			j++
		}
		before, after := base, base
		if i > 0 {
			before = strong(dirs[i-1])
		}
		if j < len(rs) {
			after = strong(dirs[j])
		}
		d := base
		if before == after {
			d = before
		}
		for k := i; k < j; k++ {
			dirs[k] = d
		}
		i = j
	}
	// I1–I2: implicit levels.
	levels := make([]int, len(rs))
	top := 0
	for i, d := range dirs {
		switch {
		case base == dirL && d == dirR:
			levels[i] = 1
		case base == dirL && d == dirNum:
			levels[i] = 0
			// Digits after right-to-left text read left to right within it.
			for k := i - 1; k >= 0; k-- {
				if dirs[k] == dirL {
					break
				}
				if dirs[k] == dirR {
					levels[i] = 2
					break
				}
			}
		case base == dirR && d == dirR:
			levels[i] = 1
		case base == dirR:
			levels[i] = 2
		}
		top = max(top, levels[i])
	}
	// L2: reverse every run at or above each level, highest first.
	for lv := top; lv >= 1; lv-- {
		for i := 0; i < len(rs); {
			if levels[i] < lv {
				i++
				continue
			}
			j := i
			for j < len(rs) && levels[j] >= lv {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				rs[a], rs[b] = rs[b], rs[a]
			}
			i = j
		}
	}
	// L4: brackets in right-to-left text are mirrored.
	for i, r := range rs {
		if levels[i]%2 == 1 && dirs[i] != dirNum {
			if m, ok := mirrored[r]; ok {
				rs[i] = m
			}
		}
	}
	return string(rs)
}

// mirrored pairs the brackets that are mirrored in right-to-left text.
var mirrored = map[rune]rune{'(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<', '«': '»', '»': '«'}

func hasRTL(s string) bool {
	for _, r := range s {
		if r >= 0x590 && r <= 0x8ff || r >= 0xfb1d && r <= 0xfdff || r >= 0xfe70 && r <= 0xfeff {
			return true
		}
	}
	return false
}

// arabicForms maps an Arabic letter (U+0621–U+064A) to its first form in
// Arabic Presentation Forms-B and its number of forms: 1 (isolated only),
// 2 (isolated, final: joins only to the letter before) or 4 (isolated,
// final, initial, medial). Filled by init from the block's layout.
var arabicForms = map[rune]struct {
	first rune
	n     int
}{}

func init() {
	// Letters U+0621–U+063A and U+0641–U+064A in order, with their number
	// of forms; their presentation forms follow each other from U+FE80.
	counts := []int{1, 2, 2, 2, 2, 4, 2, 4, 2, 4, 4, 4, 4, 4, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4, 4, 4, // 0621–063A
		4, 4, 4, 4, 4, 4, 4, 2, 2, 4} // 0641–064A
	next := rune(0xfe80)
	letter := rune(0x621)
	for _, n := range counts {
		arabicForms[letter] = struct {
			first rune
			n     int
		}{next, n}
		next += rune(n)
		letter++
		if letter == 0x63b {
			letter = 0x641
		}
	}
}

const tatweel = 0x640

// lamAlef maps the alef after a lam to the isolated lam-alef ligature; the
// final form follows it.
var lamAlef = map[rune]rune{0x622: 0xfef5, 0x623: 0xfef7, 0x625: 0xfef9, 0x627: 0xfefb}

// shapeArabic replaces Arabic letters by their isolated, initial, medial
// or final presentation forms according to their neighbours (marks are
// transparent), and lam + alef by their ligature. It covers the Arabic
// alphabet; letters of other languages written in Arabic script (Persian
// پ چ ژ گ) are left in their isolated form.
func shapeArabic(s string) string {
	rs := []rune(s)
	joinsNext := func(r rune) bool { // r connects to the letter after it
		f, ok := arabicForms[r]
		return r == tatweel || ok && f.n == 4
	}
	joins := func(r rune) bool { // r connects to the letter before it
		f, ok := arabicForms[r]
		return r == tatweel || ok && f.n > 1
	}
	// neighbour returns the index of the nearest non-mark rune from i in
	// direction d, or -1.
	neighbour := func(i, d int) int {
		for j := i + d; j >= 0 && j < len(rs); j += d {
			if !unicode.Is(unicode.Mn, rs[j]) {
				return j
			}
		}
		return -1
	}
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		f, ok := arabicForms[r]
		if !ok {
			out = append(out, r)
			continue
		}
		prev := neighbour(i, -1)
		linkPrev := prev >= 0 && joinsNext(rs[prev]) && joins(r)
		if r == 0x644 { // lam
			if n := neighbour(i, 1); n == i+1 {
				if lig, ok := lamAlef[rs[n]]; ok {
					if linkPrev {
						lig++
					}
					out = append(out, lig)
					i++
					continue
				}
			}
		}
		n := neighbour(i, 1)
		linkNext := n >= 0 && joinsNext(r) && joins(rs[n])
		form := f.first
		switch {
		case f.n == 1:
		case linkPrev && linkNext:
			form += 3
		case linkPrev:
			form++
		case linkNext:
			form += 2
		}
		out = append(out, form)
	}
	return string(out)
}
