package audit

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// Entry is one staff action.
type Entry struct {
	Seq       int64
	At        time.Time
	KeyID     string
	Role      string
	Offices   string // comma-separated office scope; "" = all or none
	Merchant  string
	Partner   string
	Via       string // "api" or "console"
	Method    string // HTTP method
	Operation string // API operation id or console route
	Objects   string // ids the request named: "name=value" joined by ";"
	Client    string // client address (no port)
	Status    int    // HTTP status answered
	RequestID string
}

// Store keeps audit entries.
type Store interface {
	// AppendAudit stores e (Seq is assigned).
	AppendAudit(ctx context.Context, e Entry) error
	// AuditEntries returns entries with from <= At < to and Seq > after,
	// in Seq order, at most limit.
	AuditEntries(ctx context.Context, from, to time.Time, after int64, limit int) ([]Entry, error)
	// DeleteAuditBefore removes entries older than before and says how many.
	DeleteAuditBefore(ctx context.Context, before time.Time) (int64, error)
}

// Service records and exports the audit log.
type Service struct {
	Store Store
	Now   func() time.Time
}

// Record stores an entry for p's action, stamped with the app clock.
func (s *Service) Record(ctx context.Context, p auth.Principal, e Entry) error {
	e.At = s.Now().UTC()
	e.KeyID, e.Role, e.Merchant, e.Partner = p.KeyID, string(p.Role), p.Merchant, p.Partner
	e.Offices = strings.Join(p.Offices, ",")
	return s.Store.AppendAudit(ctx, e)
}

// Header is the first line of the CSV export.
var Header = []string{"seq", "at", "key_id", "role", "offices", "merchant", "partner", "via", "method", "operation", "objects", "client", "status", "request_id"}

// WriteCSV writes the entries with from <= at < to to w as CSV (Header
// first). Only admins may read the log.
func (s *Service) WriteCSV(ctx context.Context, p auth.Principal, from, to time.Time, w io.Writer) (int, error) {
	if p.Role != auth.RoleAdmin {
		return 0, postal.Errorf(postal.CodeForbidden, "only admin keys may read the audit log")
	}
	if !to.After(from) {
		return 0, postal.Errorf(postal.CodeInvalid, "to (%s) must be after from (%s)", to.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(Header); err != nil {
		return 0, err
	}
	n, after := 0, int64(0)
	for {
		es, err := s.Store.AuditEntries(ctx, from, to, after, 1000)
		if err != nil {
			return n, err
		}
		for _, e := range es {
			rec := []string{strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano), e.KeyID, e.Role, e.Offices, e.Merchant, e.Partner,
				e.Via, e.Method, e.Operation, e.Objects, e.Client, strconv.Itoa(e.Status), e.RequestID}
			for i, f := range rec {
				rec[i] = defuse(f)
			}
			if err := cw.Write(rec); err != nil {
				return n, err
			}
			n++
			after = e.Seq
		}
		if len(es) < 1000 {
			break
		}
	}
	cw.Flush()
	return n, cw.Error()
}

// defuse keeps a spreadsheet from reading a field as a formula (CSV
// injection): a leading = + - @ gets a quote mark.
func defuse(f string) string {
	if f != "" && strings.ContainsRune("=+-@\t\r", rune(f[0])) {
		return "'" + f
	}
	return f
}

// Purge removes entries older than before.
func (s *Service) Purge(ctx context.Context, before time.Time) (int64, error) {
	return s.Store.DeleteAuditBefore(ctx, before)
}
