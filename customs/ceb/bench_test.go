package ceb

import (
	"bytes"
	"testing"
)

func BenchmarkEncodeWaybill(b *testing.B) {
	b.ReportAllocs()
	var buf bytes.Buffer
	for b.Loop() {
		m := demoWaybill()
		if ps := m.ValidateUnsigned(); len(ps) > 0 {
			b.Fatal(ps)
		}
		buf.Reset()
		AppendXML(&buf, m, EncodeOptions{})
	}
}

func BenchmarkDecodeReceipt(b *testing.B) {
	b.ReportAllocs()
	data := []byte(receipt622)
	for b.Loop() {
		m, err := Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		_ = m.Receipts()
	}
}
