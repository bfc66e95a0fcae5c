package demo

import (
	"fmt"
	"math/rand/v2"

	"github.com/interpost/interpost/acceptance"
)

// Addressee draws a buyer in country from the demo's address shapes
// (the twin's demand uses it); false when the demo has none there.
func Addressee(rng *rand.Rand, country string) (acceptance.Party, bool) {
	for _, d := range destinations {
		if d.country == country {
			city := pick(rng, d.cities)
			return acceptance.Party{Name: pick(rng, d.names), Address: fmt.Sprintf("%s %d", pick(rng, d.streets), 1+rng.IntN(120)),
				City: city[0], Postcode: city[1], Country: country}, true
		}
	}
	return acceptance.Party{}, false
}

// Article is one article of a demo merchant's catalogue.
type Article struct {
	Description, HSCode, PriceUSD string
	NetWeightG                    int
}

// Catalogue returns a demo merchant's articles.
func Catalogue(merchant string) []Article {
	var out []Article
	for _, a := range catalog[merchant] {
		out = append(out, Article{Description: a.desc, HSCode: a.hs, PriceUSD: a.price, NetWeightG: a.gramsG})
	}
	return out
}

// Sender is a demo merchant as it writes itself on its items.
func Sender(m acceptance.Merchant) acceptance.Party { return sender(m) }
