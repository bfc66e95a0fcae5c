package audit

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

type memStore struct{ es []Entry }

func (m *memStore) AppendAudit(_ context.Context, e Entry) error {
	e.Seq = int64(len(m.es) + 1)
	m.es = append(m.es, e)
	return nil
}

func (m *memStore) AuditEntries(_ context.Context, from, to time.Time, after int64, limit int) ([]Entry, error) {
	var out []Entry
	for _, e := range m.es {
		if !e.At.Before(from) && e.At.Before(to) && e.Seq > after && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, nil
}

func (m *memStore) DeleteAuditBefore(context.Context, time.Time) (int64, error) { return 0, nil }

var _ Store = (*memStore)(nil)

func TestWriteCSV(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	s := &Service{Store: &memStore{}, Now: func() time.Time { return now }}
	ctx := context.Background()
	p := auth.Principal{KeyID: "ipk_abc", Role: auth.RoleMerchant, Merchant: "ACME"}
	for i := range 1205 { // more than one page
		op := "create-shipment"
		if i == 0 {
			op = "=HYPERLINK(\"http://x\")"
		}
		if err := s.Record(ctx, p, Entry{Via: "api", Method: "POST", Operation: op, Client: "10.0.0.1", Status: 201}); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	admin := auth.Principal{KeyID: "ipk_adm", Role: auth.RoleAdmin}
	n, err := s.WriteCSV(ctx, admin, now.Add(-time.Hour), now.Add(time.Hour), &buf)
	if err != nil || n != 1205 {
		t.Fatalf("WriteCSV = %d, %v", n, err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1206 || !strings.HasPrefix(lines[1], `1,2026-12-07T10:00:00Z,ipk_abc,merchant,,ACME,,api,POST,"'=HYPERLINK(""http://x"")"`) {
		t.Fatalf("CSV starts %q (%d lines)", lines[:2], len(lines))
	}
	if _, err := s.WriteCSV(ctx, p, now.Add(-time.Hour), now, &buf); postal.ErrorCode(err) != postal.CodeForbidden {
		t.Errorf("merchant reading the log: %v", err)
	}
	if _, err := s.WriteCSV(ctx, admin, now, now, &buf); postal.ErrorCode(err) != postal.CodeInvalid {
		t.Errorf("empty range: %v", err)
	}
}
