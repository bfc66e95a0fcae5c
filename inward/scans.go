package inward

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// Scan is one line of a consignment's scans file (docs/formats.md
// "Inward scans CSV"): a receptacle scanned, a receptacle opened or an
// item scanned out of an opened receptacle.
type Scan struct {
	Line       int
	Kind       string // receptacle, open, item
	ID         string // S9 for receptacle/open, S10 for item
	Receptacle string // item lines: the opened receptacle's S9
	WeightG    int
	Flags      []string // receptacle lines
	Condition  string   // item lines
}

// ScanColumns is the header of a scans file.
var ScanColumns = []string{"scan", "id", "receptacle", "weight_g", "flags", "condition"}

// maxScanLines bounds a file: a day's consignment, not a year's.
const maxScanLines = 200_000

// ParseScans reads a scans file. Errors name the line and column; nothing
// is returned from a file with a bad line.
func ParseScans(r io.Reader) ([]Scan, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(ScanColumns)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, postal.Errorf(postal.CodeInvalid, "scans file line 1: %v; the header is %s", err, strings.Join(ScanColumns, ","))
	}
	for i, c := range ScanColumns {
		if strings.TrimSpace(strings.TrimPrefix(head[i], "\ufeff")) != c {
			return nil, postal.Errorf(postal.CodeInvalid, "scans file line 1, column %d: %s, want %s (header %s)", i+1, postal.Quote(head[i]), c, strings.Join(ScanColumns, ","))
		}
	}
	var out []Scan
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, postal.Errorf(postal.CodeInvalid, "scans file: %v", err)
		}
		line, _ := cr.FieldPos(0)
		if len(out) >= maxScanLines {
			return nil, postal.Errorf(postal.CodeInvalid, "scans file line %d: more than %d scans; send one consignment per file", line, maxScanLines)
		}
		sc := Scan{Line: line, Kind: strings.TrimSpace(rec[0]), ID: strings.TrimSpace(rec[1]), Receptacle: strings.TrimSpace(rec[2]),
			Condition: strings.TrimSpace(rec[5])}
		bad := func(col, format string, args ...any) error {
			return postal.Errorf(postal.CodeInvalid, "scans file line %d, %s: %s", line, col, fmt.Sprintf(format, args...))
		}
		if w := strings.TrimSpace(rec[3]); w != "" {
			if sc.WeightG, err = strconv.Atoi(w); err != nil || sc.WeightG < 0 {
				return nil, bad("weight_g", "%s is not grams", postal.Quote(w))
			}
		}
		if f := strings.TrimSpace(rec[4]); f != "" {
			sc.Flags = strings.Fields(strings.ReplaceAll(f, ";", " "))
		}
		switch sc.Kind {
		case "receptacle", "open":
			if _, err := postal.ParseReceptacleID(sc.ID); err != nil {
				return nil, bad("id", "%v", err)
			}
			if sc.Kind == "open" && (sc.WeightG != 0 || len(sc.Flags) > 0) {
				return nil, bad("weight_g", "an open line has no weight or flags")
			}
		case "item":
			if _, err := postal.ParseS10(sc.ID); err != nil {
				return nil, bad("id", "%v", err)
			}
			if _, err := postal.ParseReceptacleID(sc.Receptacle); err != nil {
				return nil, bad("receptacle", "the opened receptacle: %v", err)
			}
			if len(sc.Flags) > 0 {
				return nil, bad("flags", "flags are for receptacles; an item has a condition")
			}
		default:
			return nil, bad("scan", "%s is not receptacle, open or item", postal.Quote(sc.Kind))
		}
		out = append(out, sc)
	}
	if len(out) == 0 {
		return nil, postal.Errorf(postal.CodeInvalid, "scans file: no scans after the header")
	}
	return out, nil
}

// BulkResult answers a scans file.
type BulkResult struct {
	Scans         int // lines applied
	Repeated      int // lines that changed nothing (scanned before)
	Discrepancies []Discrepancy
	Note          Note // the dispatch's closing
}

// ApplyScans applies a consignment's scans to a dispatch in file order,
// then closes it: the answer carries the CN 43 and the RESDES. Every line
// must belong to the dispatch. The dispatch is read once and the file's
// receipt stored in one transaction: a file with a bad line (the error
// names it) stores nothing and can be sent again whole once corrected;
// scans are idempotent, so lines scanned before change nothing.
func (s *Service) ApplyScans(ctx context.Context, who auth.Principal, dispatch string, scans []Scan) (BulkResult, error) {
	did, err := postal.ParseDispatchID(dispatch)
	if err != nil {
		return BulkResult{}, postal.Errorf(postal.CodeInvalid, "dispatch: %v", err)
	}
	for _, sc := range scans {
		r := sc.ID
		if sc.Kind == "item" {
			r = sc.Receptacle
		}
		if rid, _ := postal.ParseReceptacleID(r); rid.Dispatch != did {
			return BulkResult{}, postal.Errorf(postal.CodeInvalid, "scans file line %d: receptacle %s is not of dispatch %s", sc.Line, r, did.String())
		}
	}
	b, err := s.receiving(ctx, who, did, true)
	if err != nil {
		return BulkResult{}, err
	}
	var out BulkResult
	for _, sc := range scans {
		var res ScanResult
		switch sc.Kind {
		case "receptacle":
			res, err = b.receptacle(ctx, ReceptacleScan{Receptacle: sc.ID, WeightG: sc.WeightG, Flags: sc.Flags})
		case "open":
			_, _, err = b.open(ctx, sc.ID)
		case "item":
			res, err = b.item(ctx, ItemScan{Item: sc.ID, Receptacle: sc.Receptacle, Condition: sc.Condition, WeightG: sc.WeightG})
		}
		if err != nil {
			return BulkResult{}, postal.Errorf(postal.ErrorCode(err), "scans file line %d: %v", sc.Line, err)
		}
		out.Scans++
		if res.Repeated {
			out.Repeated++
		}
		out.Discrepancies = append(out.Discrepancies, res.Discrepancies...)
	}
	closed, err := b.close(ctx)
	if err != nil {
		return BulkResult{}, err
	}
	if err := b.save(ctx); err != nil {
		if closed && postal.ErrorCode(err) == postal.CodeConflict {
			// Closed by another request meanwhile (nothing of ours was
			// stored): answer as a file for a closed dispatch is answered.
			if d, e := s.Store.InwardDispatch(ctx, did.String()); e == nil && d.Status != StatusExpected {
				return s.ApplyScans(ctx, who, dispatch, scans)
			}
		}
		return BulkResult{}, err
	}
	if closed {
		out.Note, err = s.note(ctx, did.String())
		return out, err
	}
	out.Note, err = s.Close(ctx, who, did.String())
	return out, err
}
