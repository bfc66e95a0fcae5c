package latin

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

// phrases are polyphonic characters whose reading in place names and address
// words differs from go-pinyin's most frequent one (厦 is shà alone but Xià in
// 厦门). Checked against the cities' official romanisation (e.g. Xiamen,
// Chongqing, Changsha, Bengbu, Lu'an, Dongguan); extend as needed.
var phrases = map[string][]string{
	"厦门": {"xia", "men"}, "重庆": {"chong", "qing"}, "长沙": {"chang", "sha"},
	"长春": {"chang", "chun"}, "长治": {"chang", "zhi"}, "长宁": {"chang", "ning"},
	"长安": {"chang", "an"}, "长江": {"chang", "jiang"}, "长城": {"chang", "cheng"},
	"蚌埠": {"beng", "bu"}, "六安": {"lu", "an"}, "丽水": {"li", "shui"},
	"乐清": {"yue", "qing"}, "番禺": {"pan", "yu"}, "东莞": {"dong", "guan"},
	"台州": {"tai", "zhou"}, "天台": {"tian", "tai"}, "银行": {"yin", "hang"},
	"大厦": {"da", "sha"}, "单县": {"shan", "xian"}, "铅山": {"yan", "shan"},
	"蔚县": {"yu", "xian"}, "洪洞": {"hong", "tong"}, "朝阳": {"chao", "yang"},
	"都江堰": {"du", "jiang", "yan"}, "成都": {"cheng", "du"}, "首都": {"shou", "du"},
	"济南": {"ji", "nan"}, "济宁": {"ji", "ning"}, "亳州": {"bo", "zhou"},
	// Cities without polyphones, listed so they come out as one word in
	// addresses and company names ("Xiamen Tea", not "Xia Men").
	"北京": {"bei", "jing"}, "上海": {"shang", "hai"}, "天津": {"tian", "jin"},
	"广州": {"guang", "zhou"}, "深圳": {"shen", "zhen"}, "杭州": {"hang", "zhou"},
	"义乌": {"yi", "wu"}, "南京": {"nan", "jing"}, "武汉": {"wu", "han"},
	"西安": {"xi", "an"}, "苏州": {"su", "zhou"}, "宁波": {"ning", "bo"},
	"青岛": {"qing", "dao"}, "大连": {"da", "lian"}, "沈阳": {"shen", "yang"},
	"郑州": {"zheng", "zhou"}, "福州": {"fu", "zhou"}, "泉州": {"quan", "zhou"},
	"昆明": {"kun", "ming"}, "乌鲁木齐": {"wu", "lu", "mu", "qi"}, "哈尔滨": {"ha", "er", "bin"},
}

// surnames whose reading as a surname differs from the character's most
// frequent one (单 Shan, not Dan; 曾 Zeng, not Ceng).
var surnames = map[rune]string{
	'单': "shan", '曾': "zeng", '解': "xie", '仇': "qiu", '朴': "piao",
	'查': "zha", '翟': "zhai", '乐': "yue", '盖': "ge", '区': "ou",
	'覃': "qin", '缪': "miao", '尉': "yu", '万': "wan", '长': "chang",
}

// compound surnames of two characters.
var compound = map[string]bool{
	"欧阳": true, "司马": true, "上官": true, "诸葛": true, "东方": true, "皇甫": true,
	"令狐": true, "慕容": true, "司徒": true, "夏侯": true, "公孙": true, "尉迟": true,
}

var pinyinArgs = pinyin.Args{Style: pinyin.Normal, Fallback: func(rune, pinyin.Args) []string { return nil }}

func hasReading(r rune) bool {
	_, ok := pinyin.PinyinDict[int(r)]
	return ok
}

// readings caches go-pinyin's toneless reading of each character: the
// library strips tones with regular expressions, about 1.5 µs a character.
var readings sync.Map // rune → string

func reading(r rune) string {
	if p, ok := readings.Load(r); ok {
		return p.(string)
	}
	p := ""
	if ps := pinyin.SinglePinyin(r, pinyinArgs); len(ps) > 0 {
		p = strings.ReplaceAll(ps[0], "v", "ü")
	}
	readings.Store(r, p)
	return p
}

// syllables returns the pinyin syllables of a run of Han characters, with the
// place-name table applied (longest phrase first, a place name one
// token); a character without a
// reading in the dictionary becomes "?", never dropped.
func syllables(han string) []string {
	rs := []rune(han)
	out := make([]string, 0, len(rs))
	for i := 0; i < len(rs); {
		n := 0
		for l := min(len(rs)-i, 4); l >= 2; l-- {
			if p, ok := phrases[string(rs[i:i+l])]; ok {
				out = append(out, strings.ToLower(join(p))) // one word: "xiamen", "xi'an"
				n = l
				break
			}
		}
		if n > 0 {
			i += n
			continue
		}
		if p := reading(rs[i]); p != "" {
			out = append(out, p)
		} else {
			out = append(out, "?")
		}
		i++
	}
	return out
}

// romanise writes a run of Han characters in pinyin. atWordStart says the run
// begins a word (a name is then read as surname + given name).
func romanise(han string, k Kind, atWordStart bool) string {
	switch k {
	case Place:
		if utf8.RuneCountInString(han) > 2 {
			han = strings.TrimSuffix(han, "市")
		}
		return join(syllables(han))
	case Name:
		if n := utf8.RuneCountInString(han); atWordStart && n >= 2 && n <= 4 {
			return personal(han)
		}
	}
	ss := syllables(han)
	for i, s := range ss {
		ss[i] = title(s)
	}
	return strings.Join(ss, " ")
}

// personal writes a Chinese personal name surname first, given name joined:
// 王小明 → Wang Xiaoming, 欧阳修 → Ouyang Xiu.
func personal(han string) string {
	rs := []rune(han)
	sn := 1
	if len(rs) > 2 && compound[string(rs[:2])] {
		sn = 2
	}
	var sur string
	if r, ok := surnames[rs[0]]; ok && sn == 1 {
		sur = r
	} else {
		sur = strings.Join(syllables(string(rs[:sn])), "")
	}
	return title(sur) + " " + join(syllables(string(rs[sn:])))
}

// join writes syllables as one word, with an apostrophe before a syllable
// starting with a, o or e (Xi'an, not Xian; GB/T 16159).
func join(ss []string) string {
	var b strings.Builder
	for i, s := range ss {
		if i > 0 && s != "" && strings.ContainsRune("aoe", rune(s[0])) {
			b.WriteByte('\'')
		}
		b.WriteString(s)
	}
	return title(b.String())
}

func title(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
