package main

import (
	"strconv"
	"strings"
)

// row is one event row, shaped like our shipments/events table.
type row struct {
	seq      int64
	itemID   string
	merchant string
	code     string
	office   string
	ts       int64
	body     string
}

// eventsPerItem is how many event rows each item gets, so a lookup by
// item_id returns about this many rows (as the real tracking page does).
const eventsPerItem = 5

var (
	prefixes = [...]string{"EE", "RR", "CP", "LX", "UA", "RB"}
	suffixes = [...]string{"CN", "FR", "DE", "US", "GB", "NL", "IT", "ES"}
	codes    = [eventsPerItem]string{"EMA", "EMB", "EMC", "EMD", "EMI"}
	offices  = [...]string{"CNPEKA", "FRCDGA", "DEFRAA", "USJFKA", "GBLHRA", "NLAMSA", "ITMXPA", "ESMADA"}
)

// baseTS is a fixed epoch (2026-01-01T00:00:00Z, Unix ms) so runs are repeatable.
const baseTS = 1767225600000

// itemCount is the number of distinct items among n rows.
func itemCount(n int) int { return (n + eventsPerItem - 1) / eventsPerItem }

// itemID builds a valid UPU S10 identifier for item number k. The serial is
// a scrambled permutation of k, so consecutive rows hit the item_id index in
// random order, as real traffic does.
func itemID(k int) string {
	serial := (uint64(k)*48271827 + 12345) % 100000000 // 48271827 is coprime with 10^8
	var b [13]byte
	p := prefixes[k%len(prefixes)]
	b[0], b[1] = p[0], p[1]
	weights := [8]uint64{8, 6, 4, 2, 3, 5, 9, 7}
	sum := uint64(0)
	s := serial
	for i := 7; i >= 0; i-- {
		d := s % 10
		s /= 10
		b[2+i] = byte('0' + d)
		sum += d * weights[i]
	}
	c := 11 - sum%11
	switch c {
	case 10:
		c = 0
	case 11:
		c = 5
	}
	b[10] = byte('0' + c)
	x := suffixes[(k/len(prefixes))%len(suffixes)]
	b[11], b[12] = x[0], x[1]
	return string(b[:])
}

// makeRow returns row number i (1-based) of a table of n rows. Item k gets
// rows k+1, k+1+items, k+1+2*items, ... so an item's events are spread over
// the whole load, like events that arrive days apart.
func makeRow(i, n int) row {
	items := itemCount(n)
	k := (i - 1) % items
	ev := (i - 1) / items
	if ev >= eventsPerItem {
		ev = eventsPerItem - 1
	}
	merchant := "M" + pad(k%997, 4)
	office := offices[(k+ev)%len(offices)]
	code := codes[ev]
	ts := int64(baseTS + int64(i)*1000)
	id := itemID(k)
	return row{
		seq:      int64(i),
		itemID:   id,
		merchant: merchant,
		code:     code,
		office:   office,
		ts:       ts,
		body:     makeBody(id, merchant, code, office, k),
	}
}

// makeBody returns a JSON document of about 200 bytes.
func makeBody(id, merchant, code, office string, k int) string {
	var sb strings.Builder
	sb.Grow(224)
	sb.WriteString(`{"item":"`)
	sb.WriteString(id)
	sb.WriteString(`","event":"`)
	sb.WriteString(code)
	sb.WriteString(`","office":"`)
	sb.WriteString(office)
	sb.WriteString(`","merchant":"`)
	sb.WriteString(merchant)
	sb.WriteString(`","weight_g":`)
	sb.WriteString(strconv.Itoa(100 + k%4900))
	sb.WriteString(`,"dest":"`)
	sb.WriteString(suffixes[(k*7)%len(suffixes)])
	sb.WriteString(`","service":"EMS","declared":{"currency":"EUR","value":`)
	sb.WriteString(strconv.Itoa(k % 500))
	sb.WriteString(`},"note":"`)
	for sb.Len() < 198 {
		sb.WriteByte('x')
	}
	sb.WriteString(`"}`)
	return sb.String()
}

func pad(v, width int) string {
	s := strconv.Itoa(v)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// appendCSV appends r as one RFC 4180 CSV line (what the CLI's .import reads).
func appendCSV(b []byte, r row) []byte {
	b = strconv.AppendInt(b, r.seq, 10)
	b = append(b, ',')
	b = append(b, r.itemID...)
	b = append(b, ',')
	b = append(b, r.merchant...)
	b = append(b, ',')
	b = append(b, r.code...)
	b = append(b, ',')
	b = append(b, r.office...)
	b = append(b, ',')
	b = strconv.AppendInt(b, r.ts, 10)
	b = append(b, ',', '"')
	for i := 0; i < len(r.body); i++ {
		if r.body[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, r.body[i])
	}
	b = append(b, '"', '\n')
	return b
}

// sqlString quotes s as an SQL string literal.
func sqlString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// appendInsertSQL appends r as one INSERT statement.
func appendInsertSQL(b []byte, r row) []byte {
	b = append(b, "INSERT INTO events VALUES("...)
	b = strconv.AppendInt(b, r.seq, 10)
	for _, s := range []string{r.itemID, r.merchant, r.code, r.office} {
		b = append(b, ',')
		b = append(b, sqlString(s)...)
	}
	b = append(b, ',')
	b = strconv.AppendInt(b, r.ts, 10)
	b = append(b, ',')
	b = append(b, sqlString(r.body)...)
	b = append(b, ");\n"...)
	return b
}
