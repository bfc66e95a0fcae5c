package hs

import (
	"sort"
	"strings"
)

// Verdict is what Check says about a description and its HS code.
type Verdict struct {
	// Mismatch is true when the description names goods whose chapters do
	// not include the code's chapter.
	Mismatch bool
	// Word is the description word the verdict rests on ("t-shirt").
	Word string
	// Chapters are the chapters Word's goods belong under.
	Chapters []string
	// Declared is what the nomenclature says the declared code is.
	Declared Entry
}

// Check compares a description with its HS code, chapter by chapter. It is
// deliberately lenient: it reports a mismatch only when a description word
// it knows (a garment, a phone, tea, a toy...) belongs under chapters that
// exclude the code's chapter, no other known word of the description allows
// that chapter, and no description word occurs in the nomenclature's own
// text for the code. Unknown words never make a mismatch.
func Check(description, code string) Verdict {
	v := Verdict{}
	if len(code) < 6 {
		return v
	}
	ch := code[:2]
	words := Words(description)
	var first string
	allowed := map[string]bool{}
	for i, w := range words {
		chs, ok := lookupKeyword(words, i)
		if !ok {
			continue
		}
		if first == "" {
			first = w
		}
		for _, c := range chs {
			allowed[c] = true
		}
	}
	if first == "" || allowed[ch] {
		return v
	}
	for _, w := range words {
		if accessory[w] {
			return v // "car phone holder": the goods are the holder, whatever it holds
		}
	}
	text := strings.ToLower(descriptions(code))
	for _, w := range words {
		if len(w) >= 4 && strings.Contains(text, w) {
			return v
		}
	}
	v.Declared, _ = Describe(code)
	v.Mismatch, v.Word = true, first
	for c := range allowed {
		v.Chapters = append(v.Chapters, c)
	}
	sort.Strings(v.Chapters)
	return v
}

// descriptions joins the nomenclature text of code's subheading, heading and
// chapter.
func descriptions(code string) string {
	var b strings.Builder
	for _, n := range [...]int{6, 4, 2} {
		if e, ok := Lookup(code[:n]); ok {
			b.WriteString(e.Description)
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// lookupKeyword returns the chapters of words[i], trying the two-word phrase
// it starts first ("phone case", "power bank").
func lookupKeyword(words []string, i int) ([]string, bool) {
	if i+1 < len(words) {
		if chs, ok := keywordChapters[words[i]+" "+words[i+1]]; ok {
			return chs, true
		}
	}
	if i > 0 {
		if _, ok := keywordChapters[words[i-1]+" "+words[i]]; ok {
			return nil, false // the phrase decided
		}
	}
	chs, ok := keywordChapters[words[i]]
	return chs, ok
}

func init() {
	folded := make(map[string][]string, len(keywordChapters))
	for k, v := range keywordChapters {
		folded[strings.Join(Words(k), " ")] = v
	}
	keywordChapters = folded
}

// accessory words name goods made for other goods: a description with one
// is about the accessory, so the goods it is made for say nothing of the
// chapter.
var accessory = map[string]bool{"holder": true, "stand": true, "mount": true, "cover": true, "protector": true,
	"strap": true, "part": true, "accessory": true, "accessorie": true, "sticker": true, "model": true, "replica": true, "box": true}

// keywordChapters are the chapters that the goods a word names belong under,
// for the goods the post carries most. Words are stemmed (see Words).
var keywordChapters = map[string][]string{
	// garments and textiles
	"shirt": {"61", "62"}, "tshirt": {"61", "62"}, "blouse": {"61", "62"}, "dress": {"61", "62"}, "skirt": {"61", "62"},
	"jean": {"62", "61"}, "trouser": {"61", "62"}, "jacket": {"61", "62"}, "coat": {"61", "62", "43"}, "sweater": {"61"},
	"hoodie": {"61", "62"}, "pullover": {"61"}, "cardigan": {"61"}, "sock": {"61"}, "underwear": {"61", "62"},
	"pyjama": {"61", "62"}, "pajama": {"61", "62"}, "legging": {"61"}, "scarf": {"61", "62", "63"}, "glove": {"61", "62", "42", "40", "39"},
	"garment": {"61", "62", "63"}, "clothing": {"61", "62", "63"}, "swimsuit": {"61", "62"}, "bra": {"61", "62"},
	"towel": {"63"}, "blanket": {"63"}, "bedding": {"63", "94"}, "curtain": {"63"},
	"hat": {"65"}, "cap": {"65", "96"},
	// footwear, bags
	"shoe": {"64"}, "sneaker": {"64"}, "boot": {"64"}, "sandal": {"64"}, "slipper": {"64"},
	"handbag": {"42"}, "backpack": {"42"}, "wallet": {"42"}, "suitcase": {"42"}, "purse": {"42"},
	// electronics
	"smartphone": {"85"}, "phone": {"85"}, "mobile": {"85"}, "earbud": {"85"}, "headphone": {"85"}, "earphone": {"85"},
	"charger": {"85"}, "speaker": {"85"}, "camera": {"85", "90"}, "television": {"85"}, "router": {"85"},
	"laptop": {"84"}, "computer": {"84"}, "tablet": {"84", "85", "30"}, "keyboard": {"84"}, "printer": {"84"},
	"battery": {"85"}, "power bank": {"85"}, "drone": {"88"}, "watch": {"91", "85"}, "smartwatch": {"85", "91"},
	"phone case": {"39", "42", "85"}, "lamp": {"94", "85"}, "cable": {"85"},
	// food and drink
	"tea": {"09", "21"}, "coffee": {"09", "21"}, "chocolate": {"18"}, "candy": {"17", "18"}, "biscuit": {"19"},
	"noodle": {"19"}, "rice": {"10", "19"}, "honey": {"04"}, "milk": {"04", "19"}, "cheese": {"04"}, "formula": {"19", "21"},
	"wine": {"22"}, "whisky": {"22"}, "vodka": {"22"}, "beer": {"22"}, "spice": {"09"}, "sauce": {"21"},
	"supplement": {"21", "30"}, "vitamin": {"21", "29", "30"},
	// health and beauty
	"medicine": {"30"}, "capsule": {"30", "21"}, "lipstick": {"33"}, "perfume": {"33"}, "cosmetic": {"33"},
	"shampoo": {"33"}, "cream": {"33", "30", "04", "21"}, "serum": {"33", "30"}, "soap": {"34"},
	// toys, books, household
	"toy": {"95"}, "doll": {"95"}, "puzzle": {"95"}, "lego": {"95"}, "book": {"49"}, "magazine": {"49"}, "calendar": {"49"},
	"postcard": {"49"}, "painting": {"97", "49"}, "furniture": {"94"}, "chair": {"94"}, "mug": {"69", "70"},
	"porcelain": {"69"}, "ceramic": {"69"}, "jewellery": {"71"}, "jewelry": {"71"}, "necklace": {"71"}, "ring": {"71", "40", "73"},
	"bracelet": {"71", "91"}, "earring": {"71"}, "sunglasses": {"90"}, "glasses": {"90", "70"},
	"cigarette": {"24", "85"}, "tobacco": {"24"}, "cigar": {"24"}, "vape": {"85", "24"},
	// weapons and wildlife
	"pistol": {"93"}, "rifle": {"93"}, "ammunition": {"93"}, "knife": {"82", "93"}, "ivory": {"05", "96", "97"},
	"seed": {"12", "10", "06", "07"}, "plant": {"06"}, "bulb": {"06", "85"},
}
