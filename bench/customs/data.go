package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/postal"
)

// The generated world: rule sets, watch lists and declarations shaped like
// real three-in-one traffic at a Chinese IMPC, from fixed seeds so runs
// compare.

var countries = strings.Fields(`US GB DE FR IT ES NL BE PL CZ HU AT SE DK FI NO CH IE PT GR RO BG HR SK SI LT LV EE
	RU KZ UZ KG BY UA TR IL AE SA QA KW IN PK BD TH VN MY SG ID PH JP KR AU NZ CA MX BR AR CL CO PE ZA NG EG MA`)

// article is a catalogue product: description, HS code, grams per unit,
// typical unit price in USD.
type article struct {
	desc  string
	hs    string
	grams int
	usd   float64
}

var catalogue = []article{
	{"Cotton T-shirt", "610910", 180, 8}, {"Women's dress, polyester", "620443", 300, 22}, {"Denim jeans", "620342", 650, 30},
	{"Running shoes", "640411", 700, 45}, {"Leather handbag", "420221", 900, 120}, {"Backpack, nylon", "420292", 500, 25},
	{"Bluetooth earbuds", "851830", 90, 25}, {"Smart watch", "851762", 110, 60}, {"Phone case, silicone", "392690", 40, 4},
	{"USB-C charger 20 W", "850440", 70, 9}, {"LED desk lamp", "940521", 520, 18}, {"Plastic building blocks", "950300", 380, 12},
	{"Face cream 50 ml", "330499", 120, 30}, {"Lipstick", "330410", 20, 15}, {"Vitamin C tablets", "210690", 150, 12},
	{"Green tea 250 g", "090210", 300, 14}, {"Coffee beans 1 kg", "090121", 1000, 22}, {"Infant formula 800 g", "190110", 900, 35},
	{"Stainless steel knife", "821192", 180, 15}, {"Kitchen scale", "842310", 600, 14}, {"Yoga mat", "950691", 1100, 20},
	{"Sunglasses", "900410", 60, 18}, {"Wrist watch, quartz", "910211", 120, 40}, {"Silver ring", "711311", 10, 35},
	{"Picture book", "490300", 400, 9}, {"Car phone holder", "870829", 150, 7}, {"Drone with camera", "880622", 900, 150},
	{"Power bank 10000 mAh", "850760", 250, 20}, {"Hair spray 250 ml", "330530", 280, 6}, {"Perfume 50 ml", "330300", 200, 45},
	{"Tomato seeds", "120991", 20, 3}, {"Cashmere sweater", "611012", 400, 90}, {"Silk scarf", "621410", 60, 29},
	{"Gaming mouse", "847160", 120, 25}, {"Laptop 14 inch", "847130", 1400, 600}, {"Used smartphone", "851713", 200, 150},
}

var (
	givenRU   = strings.Fields("Ivan Sergei Dmitri Aleksandr Nikolai Viktor Mikhail Andrei Oleg Yuri Pavel Boris Svetlana Olga Tatiana Natalia Irina Elena Anna Maria")
	familyRU  = strings.Fields("Ivanov Petrov Sidorov Kuznetsov Smirnov Popov Volkov Morozov Sokolov Lebedev Kozlov Novikov Fedorov Orlov Kalinin Zaitsev Pavlov Semenov Golubev Vinogradov")
	givenCN   = strings.Fields("Wei Fang Na Min Jie Lei Jun Yang Yong Qiang Li Tao Ping Hui Gang Hao Xin Ying Lan Mei")
	familyCN  = strings.Fields("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo")
	givenAR   = strings.Fields("Mohammed Ahmed Ali Hassan Hussein Omar Khalid Yusuf Ibrahim Mahmoud Fatima Aisha Layla Mariam Zainab Karim Tariq Samir Nabil Rashid")
	familyAR  = strings.Fields("Al-Masri Haddad Khoury Nasser Saleh Farouk Mansour Aziz Hamdan Qureshi Rahman Siddiqui Abbas Bakr Darwish Habib Jaber Karam Nader Othman")
	givenEU   = strings.Fields("John Michael David James Robert Thomas Peter Marco Luca Pierre Jean Hans Klaus Jan Piotr Anna Sophie Emma Laura Julia")
	familyEU  = strings.Fields("Smith Johnson Brown Miller Wilson Schmidt Muller Schneider Fischer Weber Rossi Russo Bianchi Martin Bernard Dubois Kowalski Nowak Garcia Lopez")
	companyW1 = strings.Fields("Global Orion Silk Golden Eastern Pacific Northern Royal Summit Delta Apex Vertex Atlas Phoenix Crown Sterling Unity Prime Star Liberty")
	companyW2 = strings.Fields("Trading Logistics Components Imports Exports Industries Electronics Supply Holdings Ventures Shipping Technologies Resources Commerce Solutions")
	companyW3 = strings.Fields("Ltd LLC FZE GmbH Co Inc Limited JSC SA BV")
	places    = strings.Fields("Dubai Sharjah Tehran Minsk Caracas Pyongyang Damascus Tashkent Almaty Istanbul Riga Tallinn Limassol Panama Labuan Macau Manila Lagos Karachi Baku")
	middles   = strings.Fields("Sergeyevich Ivanovich Petrovich Nikolaevna Viktorovna bin ibn Abdul Jian Hong Xiao Maria Jose Karl Anton Pavel Omar Ali Yusuf Lee")
	// Family names of listed people, disjoint from the population's pools
	// above and not a respelling or one typo of any of them: listed people
	// share given names with ordinary senders (as "Mohammed" or "Ivan" do on
	// real lists), not whole names.
	listedRU = strings.Fields("Baranov Gromov Zhukov Belov Tarasov Komarov Yegorov Gusev Titov Kiselev Makarov Nikitin Zakharov Stepanov Sorokin Medvedev Ershov Polyakov Danilov Krylov")
	listedCN = strings.Fields("Deng Xie Song Tang Feng Dong Cheng Cao Yuan Pan Du Dai Xia Zhong Tian Ren Jiang Fan Shen Peng")
	listedAR = strings.Fields("Shami Zubaidi Hashimi Tamimi Kubaisi Obeidi Dulaimi Jubouri Shammari Anbari Khafaji Samarrai Rawi Hiti Tikriti Janabi Karbouli Mashhadani Azzawi Sabawi")
	listedEU = strings.Fields("Hoffmann Becker Wagner Koch Richter Klein Wolf Neumann Zimmermann Hartmann Lange Werner Krause Lehmann Kohler Greco Colombo Ricci Lefebvre Moreau")
	cyr      = map[string]string{"Ivan": "Иван", "Sergei": "Сергей", "Dmitri": "Дмитрий", "Aleksandr": "Александр", "Nikolai": "Николай",
		"Viktor": "Виктор", "Mikhail": "Михаил", "Andrei": "Андрей", "Oleg": "Олег", "Yuri": "Юрий", "Ivanov": "Иванов", "Petrov": "Петров",
		"Sidorov": "Сидоров", "Kuznetsov": "Кузнецов", "Smirnov": "Смирнов", "Popov": "Попов", "Volkov": "Волков", "Morozov": "Морозов",
		"Sokolov": "Соколов", "Lebedev": "Лебедев", "Kozlov": "Козлов", "Novikov": "Новиков", "Fedorov": "Фёдоров", "Orlov": "Орлов",
		"Kalinin": "Калинин", "Zaitsev": "Зайцев", "Pavlov": "Павлов", "Semenov": "Семёнов",
		"Baranov": "Баранов", "Gromov": "Громов", "Zhukov": "Жуков", "Belov": "Белов", "Tarasov": "Тарасов", "Komarov": "Комаров",
		"Yegorov": "Егоров", "Gusev": "Гусев", "Titov": "Титов", "Kiselev": "Киселёв", "Makarov": "Макаров", "Nikitin": "Никитин",
		"Zakharov": "Захаров", "Stepanov": "Степанов", "Sorokin": "Сорокин", "Medvedev": "Медведев", "Ershov": "Ершов",
		"Polyakov": "Поляков", "Danilov": "Данилов", "Krylov": "Крылов", "Sergeyevich": "Сергеевич", "Ivanovich": "Иванович",
		"Petrovich": "Петрович", "Nikolaevna": "Николаевна", "Viktorovna": "Викторовна"}
)

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

// personName draws a name from one of the regional pools.
func personName(r *rand.Rand) string {
	switch r.IntN(4) {
	case 0:
		return pick(r, givenRU) + " " + pick(r, familyRU)
	case 1:
		return pick(r, familyCN) + " " + pick(r, givenCN) + pick(r, []string{"", "", strings.ToLower(pick(r, givenCN))})
	case 2:
		return pick(r, givenAR) + " " + pick(r, familyAR)
	}
	return pick(r, givenEU) + " " + pick(r, familyEU)
}

// listedPerson draws a listed person's name: a given name from the
// population's pool, a middle name or patronymic, and a family name from the
// listed-only pools. An ordinary sender shares at most the given name with
// it, which the matcher must not take for the listed party (a query without
// the listed surname is another person); dropping the middle name alone is a
// variant it must find.
func listedPerson(r *rand.Rand) string {
	switch r.IntN(4) {
	case 0:
		return pick(r, givenRU) + " " + pick(r, middles) + " " + pick(r, listedRU)
	case 1:
		return pick(r, listedCN) + " " + pick(r, middles) + " " + pick(r, givenCN) + pick(r, []string{"", "", strings.ToLower(pick(r, givenCN))})
	case 2:
		return pick(r, givenAR) + " " + pick(r, middles) + " " + pick(r, listedAR)
	}
	return pick(r, givenEU) + " " + pick(r, middles) + " " + pick(r, listedEU)
}

func companyName(r *rand.Rand) string {
	return pick(r, companyW1) + " " + pick(r, companyW1) + " " + pick(r, companyW2) + " " + pick(r, companyW3)
}

// watchlist makes n entries; a third have aliases in another script or a
// respelling, as real lists do.
func watchlist(r *rand.Rand, n int) []risk.WatchSpec {
	out := make([]risk.WatchSpec, 0, n)
	seen := map[string]bool{}
	for len(out) < n {
		var w risk.WatchSpec
		// Listed people carry a middle name or patronymic and listed firms a
		// place, as real entries do. Listed family names come from their own
		// pools: drawn from the population's 20 × 20 pools, 7,500 listed
		// people covered nearly every (given, family) pair, so almost every
		// ordinary sender was a listed person minus the middle name — a
		// variant issue 17 requires the matcher to find (docs/benchmarks.md).
		if r.IntN(4) == 0 {
			w.Name = companyName(r) + " " + pick(r, places)
		} else {
			w.Name = listedPerson(r)
		}
		if seen[w.Name] {
			continue
		}
		seen[w.Name] = true
		if r.IntN(3) == 0 {
			if a := cyrillic(w.Name); a != w.Name {
				w.Aliases = append(w.Aliases, a)
			} else {
				w.Aliases = append(w.Aliases, respell(w.Name))
			}
		}
		w.Country = pick(r, countries)
		w.List = pick(r, []string{"sanctions", "sanctions", "fraud", "counterfeit"})
		out = append(out, w)
	}
	return out
}

func cyrillic(name string) string {
	var out []string
	for _, w := range strings.Fields(name) {
		if c, ok := cyr[w]; ok {
			out = append(out, c)
		} else {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// respell makes a transliteration variant: Mohammed → Muhammad style;
// -ov → -off only at the end of a word (Smirnoff; "Ivanoffitch" for
// Ivanovich is no one's spelling).
func respell(name string) string {
	ws := strings.Fields(respeller.Replace(name))
	for i, w := range ws {
		if strings.HasSuffix(w, "ov") {
			ws[i] = w[:len(w)-2] + "off"
		}
	}
	return strings.Join(ws, " ")
}

var respeller = strings.NewReplacer("ei", "ey", "ck", "k", "ph", "f", "x", "ks", "oha", "uha", "ed", "ad", "ch", "tch")

// ruleFile builds a rule set of about nRules rules on top of the demo file's
// bands and duty tables.
func ruleFile(r *rand.Rand, base *risk.RuleFile, nRules, nWatch int) *risk.RuleFile {
	rf := *base
	rf.Version = fmt.Sprintf("bench-%d-%d", nRules, nWatch)
	rf.Rules = append([]risk.RuleSpec(nil), base.Rules...)
	rf.Watchlist = watchlist(r, nWatch)
	// Restrictions are mostly on ordinary goods for one destination, with
	// small scores (a certificate to check); prohibitions target rare goods.
	common := []string{"3304", "3303", "2106", "0902", "1901", "6109", "6204", "6110", "6404", "4202", "8517", "8518", "8504",
		"8471", "9503", "9102", "9004", "7113", "8806", "8507", "3926", "9405", "8211", "9506"}
	rare := []string{"0106", "0208", "0307", "0410", "0602", "1211", "1301", "2208", "2402", "2403", "2844", "2933", "2939",
		"3003", "3004", "3204", "3601", "3604", "3808", "9018", "9303", "9304", "9504", "8525", "8543"}
	for i := 0; len(rf.Rules) < nRules-60; i++ {
		spec := risk.RuleSpec{ID: fmt.Sprintf("GEN-R-%04d", i), Kind: risk.KindRestricted, Score: 5 + r.IntN(20),
			Dest: []string{pick(r, countries)}}
		pool := common
		if i%10 == 0 {
			spec.ID, spec.Kind, spec.Score, pool = fmt.Sprintf("GEN-P-%04d", i), risk.KindProhibited, 100+r.IntN(200), rare
		}
		for range 1 + r.IntN(2) {
			p := pick(r, pool)
			if r.IntN(2) == 0 {
				p += fmt.Sprintf("%02d", 10+r.IntN(80))
			}
			spec.HS = append(spec.HS, p)
		}
		if r.IntN(3) == 0 {
			spec.Origin = []string{pick(r, countries), pick(r, countries), "CN"}
		}
		if r.IntN(4) == 0 {
			spec.Direction = "import"
		}
		rf.Rules = append(rf.Rules, spec)
	}
	words := strings.Fields("jammer vape e-cigarette nicotine sword replica counterfeit mercury asbestos laser radioactive " +
		"tobacco cigar absinthe kratom steroid taser crossbow bullet silencer ivory fur coral antique meteorite")
	for i := 0; len(rf.Rules) < nRules; i++ {
		w1, w2 := pick(r, words), pick(r, words)
		spec := risk.RuleSpec{ID: fmt.Sprintf("GEN-KW-%04d", i), Kind: risk.KindDangerous, Score: 15 + r.IntN(40), Keywords: []string{w1, w1 + " " + w2}}
		if i%3 == 0 {
			spec.Kind, spec.ExpectHS = risk.KindMismatch, []string{pick(r, rare)[:2]}
		}
		if i%5 == 0 {
			spec.Dest = []string{pick(r, countries)}
		}
		rf.Rules = append(rf.Rules, spec)
	}
	return &rf
}

// declarations makes n realistic declarations for the office CNSHAA and
// the export offices; about 2 % name a watch-listed party (respelled), 3 %
// are undervalued, and addressees repeat so the splitting rule has work.
func declarations(r *rand.Rand, n int, watch []risk.WatchSpec) []customs.Declaration {
	out := make([]customs.Declaration, n)
	currencies := []string{"USD", "EUR", "GBP", "JPY", "KRW", "AUD", "CNY"}
	for i := range out {
		d := &out[i]
		imp := r.IntN(2) == 0
		d.Direction, d.Office = customs.Export, pick(r, []string{"CNXMNA", "CNSZXA", "CNYIWA", "CNHGHA"})
		other := pick(r, countries)
		d.Sender = customs.Party{Name: personName(r), Address: "1 Main St", City: "City", Postcode: strconv.Itoa(10000 + r.IntN(90000)), Country: "CN"}
		d.Addressee = customs.Party{Name: personName(r), Address: "2 High St", City: "Town", Postcode: strconv.Itoa(10000 + r.IntN(400)), Country: other}
		if imp {
			d.Direction, d.Office = customs.Import, pick(r, []string{"CNSHAA", "CNPEKA", "CNCANA"})
			d.Sender.Country, d.Addressee.Country = other, "CN"
		}
		if r.IntN(50) == 0 {
			w := watch[r.IntN(len(watch))]
			d.Sender.Name = respell(w.Name)
		}
		d.Currency = pick(r, currencies)
		if d.Currency == "CNY" && d.Sender.Country == "CN" || d.Currency == "CNY" && imp {
			d.Currency = "USD"
		}
		per := map[string]float64{"USD": 1, "EUR": 0.92, "GBP": 0.79, "JPY": 151, "KRW": 1380, "AUD": 1.52}[d.Currency]
		for range 1 + r.IntN(2) + r.IntN(2) {
			a := catalogue[r.IntN(len(catalogue))]
			q := 1 + r.IntN(3)
			v := a.usd * float64(q) * (0.7 + 0.6*r.Float64()) * per
			if r.IntN(33) == 0 {
				v /= 20 // undervalued
			}
			units, _ := postal.CurrencyMinorUnits(d.Currency)
			d.Lines = append(d.Lines, customs.Line{Description: a.desc, Quantity: q, NetWeightG: a.grams * q,
				Value: strconv.FormatFloat(max(v, 1), 'f', units, 64), HSCode: a.hs, OriginCountry: "CN"})
		}
		switch r.IntN(3) {
		case 0:
			d.Stream, d.Category = customs.StreamPostal, "sale_of_goods"
			ind := pick(r, []string{"RR", "LX", "CP", "EE", "UA"})
			c := "CN"
			if imp {
				c = d.Sender.Country
			}
			id, _ := postal.NewS10(ind, uint32(i%100_000_000), c)
			d.ID = string(id)
		case 1:
			d.Stream, d.Category, d.ID = customs.StreamExpress, "sale_of_goods", fmt.Sprintf("1Z%016d", i)
			d.Express = &customs.ExpressInfo{Carrier: pick(r, []string{"DHL", "UPS", "FEDEX", "SF"}), ManifestLine: i % 5000}
		default:
			d.Stream, d.Category, d.ID = customs.StreamEcommerce, "sale_of_goods", fmt.Sprintf("EC%014d", i)
			d.Ecommerce = &customs.EcommerceInfo{Platform: pick(r, []string{"tmall-global", "jd-worldwide", "aliexpress", "temu"}),
				OrderID: fmt.Sprintf("O%d", i/2), Model: pick(r, []string{customs.ModelB2C, customs.ModelB2B2C}),
				Seller: customs.Party{Name: companyName(r), Country: d.Sender.Country}}
		}
	}
	return out
}
