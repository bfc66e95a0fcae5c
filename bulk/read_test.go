package bulk_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/interpost/interpost/bulk"
	"github.com/interpost/interpost/postal"
)

func sample(t testing.TB, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := bulk.Sample(&b, n, "T"); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// refused checks that err refuses the file naming field and containing want.
func refused(t *testing.T, err error, field, want string) {
	t.Helper()
	fs := postal.Fields(err)
	if postal.ErrorCode(err) != postal.CodeInvalid || len(fs) != 1 || fs[0].Field != field || !strings.Contains(fs[0].Message, want) {
		t.Fatalf("err = %v, want invalid %s containing %q", err, field, want)
	}
}

func TestReadCSV(t *testing.T) {
	t.Parallel()
	sh, err := bulk.Read(append([]byte("\xEF\xBB\xBF"), sample(t, 3)...))
	if err != nil {
		t.Fatal(err)
	}
	if sh.Format != "csv" || sh.Encoding != "utf-8" || len(sh.Rows) != 3 || sh.Rows[0].Number != 2 || sh.Header[0] != "merchant_ref" {
		t.Fatalf("sheet = %+v", sh)
	}
	req, ps := sh.Request(sh.Rows[0], "XMTEA")
	if len(ps) != 0 || req.Addressee.Name != "Jonas Müller" || req.WeightG != 400 || req.DimensionsMM[2] != 40 ||
		req.Declaration == nil || len(req.Declaration.Lines) != 1 || req.Declaration.Lines[0].HSCode != "090230" {
		t.Fatalf("request = %+v, problems %v", req, ps)
	}
}

func TestReadGB18030(t *testing.T) {
	t.Parallel()
	text := strings.Replace(string(sample(t, 1)), "Jonas Müller", "张伟", 1)
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := bulk.Read([]byte(gb))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := sh.Request(sh.Rows[0], "M")
	if sh.Encoding != "gb18030" || req.Addressee.Name != "张伟" {
		t.Fatalf("encoding %s, name %q", sh.Encoding, req.Addressee.Name)
	}
}

func TestReadRefused(t *testing.T) {
	t.Parallel()
	good := string(sample(t, 2))
	header, _, _ := strings.Cut(good, "\n")
	var big bytes.Buffer
	big.WriteString(header + "\n")
	row := strings.SplitN(good, "\n", 3)[1]
	for range bulk.MaxRows + 1 {
		big.WriteString(row + "\n")
	}
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range header {
		utf16 = append(utf16, byte(r), 0)
	}
	for _, tc := range []struct {
		name, field, want string
		data              []byte
	}{
		{"empty", "file", "is empty", nil},
		{"UTF-16", "encoding", "UTF-16", utf16},
		{"neither UTF-8 nor GB18030", "encoding", "line 2 is neither UTF-8 nor GB18030", []byte(header + "\n\x80\xff,x\n")},
		{"missing header", "header", "missing", []byte(strings.SplitN(good, "\n", 2)[1])},
		{"required column missing", "header", "required columns missing: weight_g", []byte(strings.Replace(good, "weight_g", "item2_value", 1))},
		{"unknown column", "header", `unknown columns "colour"`, []byte(strings.Replace(good, "sender_postcode", "colour", 1))},
		{"50,001 rows", "file", "more than 50000 rows", big.Bytes()},
		{"bad quoting", "file", "line 2", []byte(header + "\n\"unterminated,x\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := bulk.Read(tc.data)
			refused(t, err, tc.field, tc.want)
		})
	}
	// Exactly 50,000 rows is fine.
	b := big.Bytes()
	b = b[:len(b)-len(row)-1]
	if sh, err := bulk.Read(b); err != nil || len(sh.Rows) != bulk.MaxRows {
		t.Fatalf("50,000 rows: %d, %v", len(sh.Rows), err)
	}
}

func TestRowProblems(t *testing.T) {
	t.Parallel()
	good := string(sample(t, 1))
	lines := strings.Split(strings.TrimSpace(good), "\n")
	// A row of 40 cells and one with a bad number.
	forty := strings.TrimSuffix(strings.Repeat("x,", 40), ",")
	bad := strings.Replace(lines[1], ",400,200,150,40,", ",2kg,200,150,40,", 1)
	sh, err := bulk.Read([]byte(strings.Join([]string{lines[0], forty, bad}, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	if _, ps := sh.Request(sh.Rows[0], "M"); len(ps) != 1 || !strings.Contains(ps[0].Reason, "the row has 40 cells; the header has 24 columns") {
		t.Errorf("40 cells: %v", ps)
	}
	if _, ps := sh.Request(sh.Rows[1], "M"); len(ps) != 1 || ps[0].Column != "weight_g" || !strings.Contains(ps[0].Reason, `"2kg"`) {
		t.Errorf("bad number: %v", ps)
	}
}

func TestColumn(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]string{
		"addressee.postcode": "addressee_postcode", "declaration.lines[0].value": "item1_value", "declaration.lines[11].hs_code": "item12_hs_code",
		"declaration.currency": "currency", "dimensions_mm[1]": "width_mm", "weight_g": "weight_g", "declaration": "category",
	} {
		if got := bulk.Column(path); got != want {
			t.Errorf("Column(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestReadXLSXFormula(t *testing.T) {
	t.Parallel()
	sh0, err := bulk.Read(sample(t, 2))
	if err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	all := [][]string{sh0.Header, sh0.Rows[0].Cells, sh0.Rows[1].Cells}
	for r, cells := range all {
		for c, v := range cells {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := f.SetCellStr("Sheet1", ref, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	// weight_g (column 13) of the second data row is a formula.
	if err := f.SetCellFormula("Sheet1", "M3", "=100+100"); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	sh, err := bulk.Read(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if sh.Format != "xlsx" || len(sh.Rows) != 2 {
		t.Fatalf("sheet %s with %d rows", sh.Format, len(sh.Rows))
	}
	if req, ps := sh.Request(sh.Rows[0], "M"); len(ps) != 0 || req.Addressee.City != "Berlin" {
		t.Errorf("row 2: %+v %v", req.Addressee, ps)
	}
	if _, ps := sh.Request(sh.Rows[1], "M"); len(ps) == 0 || ps[0].Column != "weight_g" || !strings.Contains(ps[0].Reason, "formula") {
		t.Errorf("row 3 problems = %v, want the formula in weight_g", ps)
	}
}

// FuzzRead: no input panics the reader; what it accepts has a known
// header and at most MaxRows rows, each row mapping to a request or problems.
func FuzzRead(f *testing.F) {
	f.Add(sample(f, 2))
	f.Add([]byte("product,sender_name\n"))
	f.Add([]byte("\xEF\xBB\xBFmerchant_ref\n\"a\"\"b\",c\n"))
	f.Add([]byte("\x80\x81\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
			return // XLSX: excelize parses it; this target is the CSV reader
		}
		sh, err := bulk.Read(data)
		if err != nil {
			if postal.ErrorCode(err) != postal.CodeInvalid {
				t.Fatalf("error %v is not invalid", err)
			}
			return
		}
		if len(sh.Header) == 0 || len(sh.Rows) > bulk.MaxRows {
			t.Fatalf("accepted a sheet with %d columns and %d rows", len(sh.Header), len(sh.Rows))
		}
		for _, r := range sh.Rows {
			sh.Request(r, "M")
		}
	})
}
