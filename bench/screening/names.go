package main

import (
	"math/rand/v2"
	"strings"
	"unicode"
)

// chineseEntries are invented Chinese parties added to the list, written
// by hand in Han and in pinyin (so the library under test does not write
// its own answer key). Half are listed in pinyin with the Han as alias,
// half in Han only.
var chineseEntries = []struct{ han, pinyin string }{
	{"王伟明", "WANG, Weiming"}, {"李晓东", "LI, Xiaodong"}, {"张建国", "ZHANG, Jianguo"}, {"刘海峰", "LIU, Haifeng"},
	{"陈志强", "CHEN, Zhiqiang"}, {"杨光辉", "YANG, Guanghui"}, {"黄俊杰", "HUANG, Junjie"}, {"赵立新", "ZHAO, Lixin"},
	{"周文斌", "ZHOU, Wenbin"}, {"吴国平", "WU, Guoping"}, {"徐振华", "XU, Zhenhua"}, {"孙明亮", "SUN, Mingliang"},
	{"马永胜", "MA, Yongsheng"}, {"朱建华", "ZHU, Jianhua"}, {"胡春林", "HU, Chunlin"}, {"郭德胜", "GUO, Desheng"},
	{"何振宇", "HE, Zhenyu"}, {"高德明", "GAO, Deming"}, {"林志远", "LIN, Zhiyuan"}, {"罗永康", "LUO, Yongkang"},
	{"郑天华", "ZHENG, Tianhua"}, {"梁伟强", "LIANG, Weiqiang"}, {"谢东升", "XIE, Dongsheng"}, {"宋庆林", "SONG, Qinglin"},
	{"唐海波", "TANG, Haibo"}, {"许文龙", "XU, Wenlong"}, {"韩建军", "HAN, Jianjun"}, {"冯国强", "FENG, Guoqiang"},
	{"邓志刚", "DENG, Zhigang"}, {"曹金山", "CAO, Jinshan"},
	{"华星贸易有限公司", "HUAXING MAOYI LIMITED COMPANY"}, {"东方航运有限公司", "DONGFANG HANGYUN CO., LTD."},
}

// cultures give clean names: given names and surnames as commonly written
// in Latin script, plus a few in their own script.
var cultures = map[string][2][]string{
	"english":    {{"James", "Emily", "Oliver", "Charlotte", "Henry", "Grace", "Thomas", "Lucy", "William", "Sophie", "Daniel", "Hannah"}, {"Smith", "Taylor", "Brown", "Wilson", "Evans", "Walker", "Wright", "Robinson", "Thompson", "Hughes", "Edwards", "Green"}},
	"spanish":    {{"Lucia", "Mateo", "Sofia", "Diego", "Valentina", "Javier", "Camila", "Alejandro", "Elena", "Pablo"}, {"Garcia", "Fernandez", "Gonzalez", "Rodriguez", "Martinez", "Sanchez", "Romero", "Navarro", "Torres", "Dominguez"}},
	"arabic":     {{"Omar", "Fatima", "Youssef", "Layla", "Khalid", "Amira", "Tariq", "Noor", "Samir", "Huda"}, {"Haddad", "Nasser", "Khoury", "Mansour", "Saleh", "Farouk", "Aziz", "Qasim", "Barakat", "Hamdan"}},
	"russian":    {{"Dmitry", "Olga", "Sergey", "Natalia", "Andrei", "Irina", "Pavel", "Tatiana", "Mikhail", "Yulia"}, {"Smirnov", "Kuznetsova", "Popov", "Vasilieva", "Sokolov", "Morozova", "Lebedev", "Kozlova", "Novikov", "Fedorova"}},
	"chinese":    {{"Xiaoming", "Li Na", "Jing", "Haoran", "Yuxuan", "Mei", "Zihan", "Ruoxi", "Jiahao", "Yiting"}, {"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"}},
	"korean":     {{"Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Soo-ah", "Jae-won", "Ye-jin", "Hyun-woo", "Eun-ji"}, {"Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim"}},
	"japanese":   {{"Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Takumi", "Sakura", "Kaito", "Mio"}, {"Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato"}},
	"indian":     {{"Aarav", "Priya", "Vivaan", "Ananya", "Rohan", "Diya", "Arjun", "Kavya", "Ishaan", "Meera"}, {"Sharma", "Patel", "Iyer", "Reddy", "Nair", "Gupta", "Mehta", "Banerjee", "Chatterjee", "Kulkarni"}},
	"german":     {{"Lukas", "Anna", "Felix", "Lea", "Jonas", "Marie", "Paul", "Lena", "Maximilian", "Johanna"}, {"Muller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Schulz"}},
	"french":     {{"Louis", "Chloe", "Hugo", "Manon", "Arthur", "Camille", "Jules", "Ines", "Gabriel", "Louise"}, {"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"}},
	"turkish":    {{"Emre", "Elif", "Burak", "Zeynep", "Mert", "Ayse", "Can", "Defne", "Kerem", "Ecrin"}, {"Yilmaz", "Kaya", "Demir", "Sahin", "Celik", "Yildiz", "Yildirim", "Ozturk", "Aydin", "Arslan"}},
	"persian":    {{"Dariush", "Shirin", "Kourosh", "Parisa", "Arash", "Mahsa", "Babak", "Nasrin", "Farhad", "Leila"}, {"Tehrani", "Moradi", "Karimi", "Jafari", "Rostami", "Sadeghi", "Ahmadi", "Hosseinzadeh", "Ebrahimi", "Bagheri"}},
	"swahili":    {{"Juma", "Amani", "Baraka", "Neema", "Jabari", "Zawadi", "Imani", "Rehema", "Kito", "Upendo"}, {"Mwangi", "Otieno", "Njoroge", "Wanjiru", "Kamau", "Achieng", "Mutua", "Kiprop", "Onyango", "Wafula"}},
	"vietnamese": {{"Minh", "Lan", "Tuan", "Huong", "Duc", "Thao", "Quang", "Linh", "Hieu", "Trang"}, {"Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui", "Do", "Ngo"}},
	"portuguese": {{"Joao", "Beatriz", "Tiago", "Mariana", "Rafael", "Leonor", "Duarte", "Matilde", "Goncalo", "Carolina"}, {"Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins", "Jesus", "Sousa"}},
	"cyrillic":   {{"Олег", "Марина", "Тарас", "Оксана", "Айгерим", "Ерлан", "Дильноза", "Бахтиёр"}, {"Шевченко", "Бондаренко", "Ткаченко", "Нұрланов", "Әлиев", "Қасымова", "Юсупов", "Каримова"}},
	"han":        {{"秀英", "桂兰", "春梅", "家豪", "子涵", "浩然"}, {"钱", "孙", "蒋", "沈", "韩", "秦"}},
}

var companyWords = []string{"Blue", "River", "Summit", "Harbor", "Golden", "Pacific", "Nordic", "Alpine", "Sunrise", "Maple",
	"Silk", "Coastal", "Meridian", "Orchard", "Granite", "Cedar", "Lotus", "Atlas", "Bright", "Evergreen"}
var companyKinds = []string{"Trading", "Logistics", "Textiles", "Electronics", "Foods", "Crafts", "Imports", "Design", "Books", "Toys"}
var companyForms = []string{"Ltd", "LLC", "GmbH", "S.A.", "Co., Ltd.", "Inc.", "SARL", "B.V.", ""}

// cleanName draws an ordinary name from culture c, in one of the orders
// declarations use.
func cleanName(r *rand.Rand, c string) string {
	cu := cultures[c]
	g, s := cu[0][r.IntN(len(cu[0]))], cu[1][r.IntN(len(cu[1]))]
	if c == "han" {
		return s + g
	}
	switch r.IntN(4) {
	case 0:
		return strings.ToUpper(s) + ", " + g
	case 1:
		return s + " " + g
	}
	return g + " " + s
}

func cleanCompany(r *rand.Rand) string {
	return strings.TrimSpace(companyWords[r.IntN(len(companyWords))] + " " + companyWords[r.IntN(len(companyWords))] + " " +
		companyKinds[r.IntN(len(companyKinds))] + " " + companyForms[r.IntN(len(companyForms))])
}

// typo makes one typing error in a random word of five letters or more:
// a substitution, deletion, insertion or swap anywhere, the first letter
// included. ok is false when the name has no such word.
func typo(r *rand.Rand, name string) (string, bool) {
	words := strings.Fields(name)
	var long []int
	for i, w := range words {
		if len(w) >= 5 && isLetters(w) {
			long = append(long, i)
		}
	}
	if len(long) == 0 {
		return "", false
	}
	i := long[r.IntN(len(long))]
	w := []byte(words[i])
	p := r.IntN(len(w) - 1)
	letters := "abcdefghijklmnopqrstuvwxyz"
	if w[0] >= 'A' && w[0] <= 'Z' && (len(w) < 2 || w[1] >= 'A' && w[1] <= 'Z') {
		letters = strings.ToUpper(letters)
	}
	switch r.IntN(4) {
	case 0:
		c := letters[r.IntN(26)]
		for c == w[p] || c+32 == w[p] || c == w[p]+32 {
			c = letters[r.IntN(26)]
		}
		w[p] = c
	case 1:
		w = append(w[:p], w[p+1:]...)
	case 2:
		w = append(w[:p], append([]byte{letters[r.IntN(26)]}, w[p:]...)...)
	default:
		if w[p] == w[p+1] {
			w[p] = letters[r.IntN(26)]
		} else {
			w[p], w[p+1] = w[p+1], w[p]
		}
	}
	words[i] = string(w)
	return strings.Join(words, " "), true
}

func isLetters(s string) bool {
	for _, c := range s {
		if !unicode.IsLetter(c) {
			return false
		}
	}
	return true
}

// respellings are Latin spelling variants of one sound, as transliterations
// and clerks write them.
var respellings = [][2]string{
	{"KS", "X"}, {"X", "KS"}, {"PH", "F"}, {"OU", "U"}, {"EE", "I"}, {"KH", "H"}, {"V", "W"}, {"W", "V"},
	{"IY", "I"}, {"Y", "I"}, {"C", "K"}, {"K", "C"}, {"OO", "U"}, {"SCH", "SH"}, {"DJ", "J"}, {"J", "DJ"},
	{"AI", "AY"}, {"EI", "EY"}, {"Q", "K"}, {"TH", "T"}, {"DH", "D"}, {"GH", "G"}, {"MM", "M"}, {"SS", "S"},
}

// respell applies one respelling inside a word (not at its start, where
// clerks rarely differ).
func respell(r *rand.Rand, name string) (string, bool) {
	words := strings.Fields(strings.ToUpper(name))
	for _, k := range r.Perm(len(respellings)) {
		rs := respellings[k]
		for wi, w := range words {
			if len(w) < 4 || !isLetters(w) {
				continue
			}
			if i := strings.Index(w[1:], rs[0]); i >= 0 {
				words[wi] = w[:i+1] + rs[1] + w[i+1+len(rs[0]):]
				return strings.Join(words, " "), true
			}
		}
	}
	return "", false
}

// toCyrillic writes a Latin name in Russian Cyrillic, as a Russian clerk
// would spell it.
func toCyrillic(name string) string {
	s := strings.ToLower(name)
	for _, p := range [][2]string{{"shch", "щ"}, {"kh", "х"}, {"zh", "ж"}, {"ch", "ч"}, {"sh", "ш"}, {"ts", "ц"},
		{"yu", "ю"}, {"ya", "я"}, {"yo", "ё"}, {"ye", "е"}, {"ya", "я"}, {"yi", "ий"}, {"ou", "у"}, {"th", "т"}, {"ph", "ф"}, {"x", "кс"}} {
		s = strings.ReplaceAll(s, p[0], p[1])
	}
	m := map[rune]string{'a': "а", 'b': "б", 'c': "к", 'd': "д", 'e': "е", 'f': "ф", 'g': "г", 'h': "х", 'i': "и", 'j': "дж",
		'k': "к", 'l': "л", 'm': "м", 'n': "н", 'o': "о", 'p': "п", 'q': "к", 'r': "р", 's': "с", 't': "т", 'u': "у",
		'v': "в", 'w': "в", 'y': "и", 'z': "з"}
	var b strings.Builder
	for _, c := range s {
		if t, ok := m[c]; ok {
			b.WriteString(t)
		} else {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// legalFormChange rewrites a company's legal form: LLC ↔ Limited
// Liability Company, LTD → Limited, or adds one.
func legalFormChange(name string) string {
	up := strings.ToUpper(name)
	for _, p := range [][2]string{{" LIMITED LIABILITY COMPANY", " LLC"}, {" L.L.C.", " Limited Liability Company"}, {" LLC", " L.L.C."},
		{" CO., LTD.", " Company Limited"}, {" LTD.", " Limited"}, {" LTD", " Limited"}, {" LIMITED", " Ltd."}, {" S.A.", " SA"},
		{" GMBH", " G.m.b.H."}, {" INC.", " Incorporated"}, {" CORP.", " Corporation"}, {" JSC", " Joint Stock Company"}} {
		if i := strings.Index(up+" ", p[0]+" "); i >= 0 {
			return name[:i] + p[1] + name[i+len(p[0]):]
		}
	}
	return name + " LLC"
}

// reorder writes "SURNAME, Given" as "Given Surname".
func reorder(name string) (string, bool) {
	sur, given, ok := strings.Cut(name, ",")
	if !ok || strings.TrimSpace(given) == "" {
		return "", false
	}
	return strings.TrimSpace(given) + " " + strings.TrimSpace(sur), true
}

// dropMiddle drops a middle given name of "SURNAME, Given Middle…".
func dropMiddle(r *rand.Rand, name string) (string, bool) {
	sur, given, ok := strings.Cut(name, ",")
	g := strings.Fields(given)
	if !ok || len(g) < 2 {
		return "", false
	}
	i := 1 + r.IntN(len(g)-1)
	g = append(g[:i:i], g[i+1:]...)
	return strings.TrimSpace(sur) + ", " + strings.Join(g, " "), true
}
