package warehouse

import (
	"errors"
	"fmt"
	"testing"

	"github.com/interpost/interpost/postal"
)

func TestPlan(t *testing.T) {
	fast := func(av map[string]int) Candidate { return Candidate{Warehouse: "PLWAWW", Days: 1, Available: av} }
	mid := func(av map[string]int) Candidate { return Candidate{Warehouse: "DEFRAW", Days: 2, Available: av} }
	slow := func(av map[string]int) Candidate { return Candidate{Warehouse: "BELGGW", Days: 3, Available: av} }
	tests := []struct {
		name  string
		lines []SKULine
		cands []Candidate
		want  string // parcels as warehouse:sku×qty
	}{
		{"fastest holds all", []SKULine{{"A", 2}}, []Candidate{slow(map[string]int{"A": 9}), fast(map[string]int{"A": 2})}, "[PLWAWW:A×2]"},
		{"one parcel beats a faster split", []SKULine{{"A", 2}, {"B", 1}}, []Candidate{fast(map[string]int{"A": 2}), slow(map[string]int{"A": 5, "B": 5})}, "[BELGGW:A×2,B×1]"},
		{"ties by code", []SKULine{{"A", 1}}, []Candidate{{Warehouse: "ZZ", Days: 1, Available: map[string]int{"A": 1}}, {Warehouse: "AA", Days: 1, Available: map[string]int{"A": 1}}}, "[AA:A×1]"},
		{"split fastest first", []SKULine{{"A", 5}}, []Candidate{slow(map[string]int{"A": 4}), fast(map[string]int{"A": 2})}, "[PLWAWW:A×2 BELGGW:A×3]"},
		{"split by line", []SKULine{{"A", 1}, {"B", 1}}, []Candidate{fast(map[string]int{"A": 1}), slow(map[string]int{"B": 1})}, "[PLWAWW:A×1 BELGGW:B×1]"},
		{"skip empty warehouse", []SKULine{{"A", 3}}, []Candidate{fast(nil), mid(map[string]int{"A": 1}), slow(map[string]int{"A": 2})}, "[DEFRAW:A×1 BELGGW:A×2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := Plan(tt.lines, tt.cands)
			if err != nil {
				t.Fatal(err)
			}
			if got := showParcels(ps); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			for i, p := range ps {
				if p.No != i+1 || p.Status != ParcelReserved {
					t.Errorf("parcel %d: no %d status %s", i, p.No, p.Status)
				}
			}
		})
	}
}

func TestPlanShort(t *testing.T) {
	tests := []struct {
		name   string
		lines  []SKULine
		cands  []Candidate
		fields []string
	}{
		{"not enough anywhere", []SKULine{{"A", 1}, {"B", 5}}, []Candidate{{Warehouse: "W1", Days: 1, Available: map[string]int{"A": 1, "B": 2}}, {Warehouse: "W2", Days: 2, Available: map[string]int{"B": 2}}}, []string{"lines[1].quantity"}},
		{"more than MaxParcels", []SKULine{{"A", 4}}, []Candidate{
			{Warehouse: "W1", Days: 1, Available: map[string]int{"A": 1}}, {Warehouse: "W2", Days: 2, Available: map[string]int{"A": 1}},
			{Warehouse: "W3", Days: 3, Available: map[string]int{"A": 1}}, {Warehouse: "W4", Days: 4, Available: map[string]int{"A": 1}}}, []string{"lines[0].quantity"}},
		{"no stock at all", []SKULine{{"A", 1}, {"B", 1}}, []Candidate{{Warehouse: "W1", Days: 1}}, []string{"lines[0].quantity", "lines[1].quantity"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Plan(tt.lines, tt.cands)
			if !errors.Is(err, ErrInsufficientStock) || postal.ErrorCode(err) != postal.CodeConflict {
				t.Fatalf("err = %v, want insufficient stock (conflict)", err)
			}
			fe := postal.Fields(err)
			if len(fe) != len(tt.fields) {
				t.Fatalf("fields %v, want %v", fe, tt.fields)
			}
			for i, f := range fe {
				if f.Field != tt.fields[i] {
					t.Errorf("field %d = %s, want %s (%s)", i, f.Field, tt.fields[i], f.Message)
				}
			}
		})
	}
}

func showParcels(ps []Parcel) string {
	out := "["
	for i, p := range ps {
		if i > 0 {
			out += " "
		}
		out += p.Warehouse + ":"
		for j, l := range p.Lines {
			if j > 0 {
				out += ","
			}
			out += fmt.Sprintf("%s×%d", l.SKU, l.Quantity)
		}
	}
	return out + "]"
}

func TestDiscrepancies(t *testing.T) {
	advised := map[string]int{"A": 10, "B": 5, "C": 3}
	got := Discrepancies(advised, []ReceiptLine{{SKU: "A", Counted: 8, Damaged: 2}, {SKU: "B", Counted: 7}, {SKU: "X", Counted: 1}})
	want := "[{A damaged 2} {B over 2} {C short 3} {X over 1}]"
	if fmt.Sprint(got) != want {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := Discrepancies(map[string]int{"A": 1}, []ReceiptLine{{SKU: "A", Counted: 1}}); len(got) != 0 {
		t.Errorf("exact receipt: %v", got)
	}
}

func TestStatusOf(t *testing.T) {
	for _, tt := range []struct {
		in   []ParcelStatus
		want string
	}{
		{[]ParcelStatus{ParcelReserved, ParcelReserved}, OrderReserved},
		{[]ParcelStatus{ParcelReserved, ParcelPicking}, OrderPicking},
		{[]ParcelStatus{ParcelPacked, ParcelPicking}, OrderPicking},
		{[]ParcelStatus{ParcelPacked, ParcelPacked}, OrderPacked},
		{[]ParcelStatus{ParcelCancelled}, OrderCancelled},
	} {
		var ps []Parcel
		for _, s := range tt.in {
			ps = append(ps, Parcel{Status: s})
		}
		if got := StatusOf(ps); got != tt.want {
			t.Errorf("StatusOf(%v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestServiceLevelProduct(t *testing.T) {
	for _, tt := range []struct {
		level  ServiceLevel
		weight int
		sdr    float64
		want   postal.Product
	}{
		{LevelExpress, 500, 10, postal.ProductEMS},
		{LevelStandard, 500, 10, postal.ProductEPacket},
		{LevelStandard, 2500, 10, postal.ProductParcel},
		{LevelStandard, 500, 1500, postal.ProductParcel},
		{LevelEconomy, 500, 10, postal.ProductSmallPacket},
		{LevelEconomy, 500, 400, postal.ProductEPacket},
	} {
		if got := tt.level.Product(tt.weight, tt.sdr); got != tt.want {
			t.Errorf("%s %d g %.0f SDR = %s, want %s", tt.level, tt.weight, tt.sdr, got, tt.want)
		}
	}
}
