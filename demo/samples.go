package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/postal"
)

// article is a product a demo merchant sells.
type article struct {
	desc   string
	hs     string
	gramsG int    // net weight of one unit
	price  string // per unit, in USD
}

var catalog = map[string][]article{
	"XMTEA": {
		{"Oolong tea, loose leaf, 250 g tin", "090230", 300, "12.00"},
		{"Tieguanyin green tea, 100 g", "090210", 120, "9.50"},
		{"Porcelain tea cup set", "691200", 650, "18.00"},
	},
	"SZGADGET": {
		{"Bluetooth wireless earbuds", "851830", 90, "19.90"},
		{"Silicone phone case", "392690", 40, "3.20"},
		{"USB-C fast charger 20 W", "850440", 70, "7.80"},
		{"Smart watch with heart-rate sensor", "851762", 110, "34.00"},
		{"LED desk lamp", "940521", 520, "15.60"},
	},
	"YIWUCRAFT": {
		{"Plastic building blocks toy set", "950300", 380, "8.40"},
		{"Artificial flower bouquet", "670290", 150, "4.10"},
		{"Christmas tree ornaments, glass", "950510", 220, "6.30"},
		{"Stainless steel kitchen knife", "821192", 180, "11.00"},
	},
	"HZSILK": {
		{"Mulberry silk scarf", "621410", 60, "29.00"},
		{"Silk pillowcase", "630231", 110, "22.50"},
		{"Silk sleep mask", "630790", 25, "9.90"},
	},
	"GZFASHION": {
		{"Women's cotton dress", "620442", 280, "16.00"},
		{"Men's cotton T-shirt", "610910", 180, "5.50"},
		{"Canvas sneakers", "640411", 700, "21.00"},
		{"Polyester backpack", "420292", 480, "13.40"},
	},
}

// destination holds a few real addresses' shapes for a country.
type destination struct {
	country string
	weight  int // share of the demo's volume
	cities  [][2]string
	names   []string
	streets []string
}

// The mix follows China's cross-border e-commerce export markets: the US,
// Russia and the EU lead, with Brazil, Kazakhstan and Israel close behind.
var destinations = []destination{
	{"US", 18, [][2]string{{"New York", "10001"}, {"Los Angeles", "90012"}, {"Chicago", "60601"}, {"Houston", "77002"}}, []string{"John Miller", "Emily Davis", "Michael Brown", "Sarah Wilson"}, []string{"Main St", "Oak Ave", "Maple Dr", "Park Blvd"}},
	// Russian addressees are written in Cyrillic, as Russian buyers type them:
	// acceptance derives their Latin forms (ICAO 9303) with a warning.
	{"RU", 12, [][2]string{{"Москва", "101000"}, {"Санкт-Петербург", "190000"}, {"Новосибирск", "630099"}}, []string{"Иван Петров", "Ольга Смирнова", "Дмитрий Иванов"}, []string{"ул. Тверская", "Невский пр.", "ул. Ленина"}},
	{"FR", 7, [][2]string{{"Paris", "75011"}, {"Lyon", "69002"}, {"Marseille", "13001"}}, []string{"Camille Martin", "Lucas Bernard", "Chloe Dubois"}, []string{"rue de la Roquette", "rue de la Republique", "boulevard Longchamp"}},
	{"DE", 7, [][2]string{{"Berlin", "10115"}, {"Hamburg", "20095"}, {"Muenchen", "80331"}}, []string{"Anna Schmidt", "Jonas Mueller", "Lea Fischer"}, []string{"Invalidenstrasse", "Moenckebergstrasse", "Kaufingerstrasse"}},
	{"GB", 6, [][2]string{{"London", "SW1A 1AA"}, {"Manchester", "M1 1AE"}, {"Leeds", "LS1 4AP"}}, []string{"Oliver Smith", "Amelia Jones", "Harry Taylor"}, []string{"High Street", "Church Road", "Station Road"}},
	{"PL", 6, [][2]string{{"Warszawa", "00-850"}, {"Krakow", "31-000"}, {"Gdansk", "80-001"}}, []string{"Anna Nowak", "Piotr Kowalski", "Katarzyna Wisniewska"}, []string{"ul. Prosta", "ul. Florianska", "ul. Dluga"}},
	{"ES", 5, [][2]string{{"Madrid", "28013"}, {"Barcelona", "08002"}}, []string{"Lucia Garcia", "Hugo Fernandez"}, []string{"Calle Mayor", "Carrer de Ferran"}},
	{"BR", 6, [][2]string{{"Sao Paulo", "01310-100"}, {"Rio de Janeiro", "20040-002"}}, []string{"Joao Silva", "Maria Santos"}, []string{"Avenida Paulista", "Rua da Assembleia"}},
	{"KZ", 5, [][2]string{{"Almaty", "050000"}, {"Astana", "010000"}}, []string{"Aigerim Nurlanova", "Yerlan Sadykov"}, []string{"pr. Abaya", "ul. Kunaeva"}},
	{"IL", 4, [][2]string{{"Tel Aviv", "6100000"}, {"Haifa", "3100000"}}, []string{"Noa Cohen", "David Levi"}, []string{"Rothschild Blvd", "HaNassi Ave"}},
	{"AU", 4, [][2]string{{"Sydney", "2000"}, {"Melbourne", "3000"}}, []string{"Jack Wilson", "Charlotte Brown"}, []string{"George St", "Collins St"}},
	{"JP", 4, [][2]string{{"Tokyo", "100-0005"}, {"Osaka", "530-0001"}}, []string{"Haruto Sato", "Yui Suzuki"}, []string{"Marunouchi", "Umeda"}},
	{"KR", 3, [][2]string{{"Seoul", "04524"}, {"Busan", "48058"}}, []string{"Minjun Kim", "Seoyeon Lee"}, []string{"Sejong-daero", "Haeundae-ro"}},
	{"NL", 3, [][2]string{{"Amsterdam", "1012 JS"}, {"Rotterdam", "3011 AD"}}, []string{"Daan de Jong", "Emma Jansen"}, []string{"Damrak", "Coolsingel"}},
	{"IT", 3, [][2]string{{"Milano", "20121"}, {"Roma", "00184"}}, []string{"Giulia Rossi", "Marco Bianchi"}, []string{"Via Dante", "Via Nazionale"}},
	{"UZ", 2, [][2]string{{"Tashkent", "100000"}}, []string{"Dilnoza Karimova"}, []string{"Amir Temur ko'chasi"}},
	{"HU", 2, [][2]string{{"Budapest", "1051"}}, []string{"Balazs Nagy"}, []string{"Andrassy ut"}},
	{"MN", 1, [][2]string{{"Ulaanbaatar", "14200"}}, []string{"Bat-Erdene Dorj"}, []string{"Peace Avenue"}},
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func pickDestination(rng *rand.Rand) destination {
	total := 0
	for _, d := range destinations {
		total += d.weight
	}
	n := rng.IntN(total)
	for _, d := range destinations {
		if n < d.weight {
			return d
		}
		n -= d.weight
	}
	return destinations[0]
}

// sampleRequest makes the i-th demo shipment: a merchant, one to three
// articles from its catalogue, a destination, and the product a merchant
// would choose for that weight and value.
func sampleRequest(rng *rand.Rand, i int) acceptance.Request {
	m := Merchants[i%len(Merchants)]
	d := pickDestination(rng)
	city := pick(rng, d.cities)
	decl := &acceptance.Declaration{Category: "sale_of_goods", Currency: "USD"}
	if rng.IntN(20) == 0 {
		decl.Category = "gift"
	}
	net := 0
	cents := 0
	for range 1 + rng.IntN(3) {
		a := pick(rng, catalog[m.Code])
		q := 1 + rng.IntN(3)
		price, _ := strconv.ParseFloat(a.price, 64)
		c := int(price*100+0.5) * q
		decl.Lines = append(decl.Lines, acceptance.Line{
			Description: a.desc, Quantity: q, NetWeightG: a.gramsG * q,
			Value: fmt.Sprintf("%d.%02d", c/100, c%100), HSCode: a.hs, OriginCountry: "CN",
		})
		net += a.gramsG * q
		cents += c
	}
	gross := net + 60 + rng.IntN(120)
	product := "e-packet"
	switch {
	case gross > 2000:
		product = "parcel"
		if rng.IntN(3) == 0 {
			product = "ems"
		}
	case rng.IntN(10) == 0:
		product = "ems"
	case rng.IntN(4) == 0:
		product = "registered-small-packet"
	case cents < 1500 && rng.IntN(3) == 0:
		product = "small-packet"
	}
	dims := []int{200 + rng.IntN(150), 150 + rng.IntN(80), 40 + rng.IntN(80)}
	if product == "parcel" || product == "ems" {
		dims = []int{300 + rng.IntN(200), 200 + rng.IntN(150), 100 + rng.IntN(150)}
	}
	var insured *acceptance.Money
	if i%25 == 7 && (product == "parcel" || product == "registered-small-packet") {
		// One item in 25 of the insurable products is insured for its
		// declared value, where the destination's limit allows.
		v := decimal.New(int64(cents), -2)
		limit, _ := postal.InsuredLimit(postal.Product(product), d.country)
		if sdr, err := postal.DefaultRates().ToSDR(v, "USD"); err == nil && sdr.IsPositive() && !sdr.Round(2).GreaterThan(limit) {
			insured = &acceptance.Money{Amount: v.StringFixed(2), Currency: "USD"}
		}
	}
	return acceptance.Request{
		InsuredValue: insured,
		Product:      product,
		MerchantRef:  fmt.Sprintf("%s-%06d", m.Code, 100000+i),
		Merchant:     m.Code,
		Sender:       sender(m),
		Addressee: acceptance.Party{
			Name: pick(rng, d.names), Address: fmt.Sprintf("%s %d", pick(rng, d.streets), 1+rng.IntN(120)),
			City: city[0], Postcode: city[1], Country: d.country,
		},
		WeightG:      gross,
		DimensionsMM: dims,
		Declaration:  decl,
	}
}

var officeCity = map[string]string{
	"CNXMNA": "Xiamen", "CNSZXA": "Shenzhen", "CNYIWA": "Yiwu", "CNHGHA": "Hangzhou", "CNCANA": "Guangzhou",
}

// officePostcode is the city's main postcode (China Post's 6-digit codes).
var officePostcode = map[string]string{
	"CNXMNA": "361000", "CNSZXA": "518000", "CNYIWA": "322000", "CNHGHA": "310000", "CNCANA": "510000",
}

// sender is a demo merchant as it writes itself on its items. The tea house
// of Xiamen writes in Chinese only and lets acceptance derive the pinyin the
// destination's sorters read; the others give Latin-script addresses.
func sender(m acceptance.Merchant) acceptance.Party {
	if m.Code == "XMTEA" {
		return acceptance.Party{Name: "厦门茶叶有限公司 王小明", Address: "湖里区象屿路93号", City: "厦门市", Postcode: officePostcode[m.Office], Country: "CN"}
	}
	return acceptance.Party{Name: m.Name, Address: "Export Processing Zone", City: officeCity[m.Office], Postcode: officePostcode[m.Office], Country: "CN"}
}
