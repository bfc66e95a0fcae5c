package bulk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// Acceptance is what an upload needs from acceptance; *acceptance.Service is one.
type Acceptance interface {
	Prepare(ctx context.Context, who auth.Principal, rs []acceptance.Request) ([]acceptance.NewShipment, []error, error)
	StoreBatch(ctx context.Context, ns []acceptance.NewShipment, progress func(done int)) ([]acceptance.BatchResult, error)
	Get(ctx context.Context, who auth.Principal, id string) (acceptance.Shipment, error)
}

// Service runs uploads.
type Service struct {
	Store      Store
	Acceptance Acceptance
	Now        func() time.Time
	Logger     *slog.Logger

	mu      sync.Mutex
	running map[string]*Job // jobs this node runs, with their live counters
	wg      sync.WaitGroup
}

// chunk is how many rows of a valid-mode upload are stored per transaction.
const chunk = 5000

var refusals = auth.Refusals{Other: "a merchant key can only upload shipments for its own merchant %s", Role: "role %s cannot upload shipments"}

// Start reads an upload file and starts its job in the background, returning
// it at once. Files that cannot be read (encoding, header, too many rows)
// are refused with an invalid error and no job. The same file uploaded
// again by the same merchant returns the first job (created=false), or runs
// it again if it was interrupted, rejected or failed.
func (s *Service) Start(ctx context.Context, who auth.Principal, merchant, name string, data []byte, mode Mode) (Job, bool, error) {
	j, sh, created, err := s.open(ctx, who, merchant, name, data, mode)
	if err != nil || !created {
		return j, created, err
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if _, err := s.run(context.WithoutCancel(ctx), who, j, sh, nil); err != nil && s.Logger != nil {
			s.Logger.Error("upload failed", "upload", j.ID, "err", err)
		}
	}()
	return j, true, nil
}

// Run is Start without the background: it returns when the job is final.
// progress, if set, is called with the rows done and all rows.
func (s *Service) Run(ctx context.Context, who auth.Principal, merchant, name string, data []byte, mode Mode, progress func(done, all int)) (Job, bool, error) {
	j, sh, created, err := s.open(ctx, who, merchant, name, data, mode)
	if err != nil || !created {
		return j, created, err
	}
	j, err = s.run(ctx, who, j, sh, progress)
	return j, true, err
}

// Wait waits for the jobs started by Start.
func (s *Service) Wait() { s.wg.Wait() }

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Microsecond)
	}
	return time.Now().UTC().Truncate(time.Microsecond)
}

func (s *Service) open(ctx context.Context, who auth.Principal, merchant, name string, data []byte, mode Mode) (Job, Sheet, bool, error) {
	merchant, err := who.MerchantFor(merchant, refusals)
	if err != nil {
		return Job{}, Sheet{}, false, err
	}
	switch mode {
	case "":
		mode = ModeAll
	case ModeAll, ModeValid:
	default:
		return Job{}, Sheet{}, false, postal.Invalid("bad mode", postal.FieldError{Field: "mode", Message: fmt.Sprintf("%s is not a mode; use all or valid", postal.Quote(string(mode)))})
	}
	sh, err := Read(data)
	if err != nil {
		return Job{}, Sheet{}, false, err
	}
	sum := sha256.New()
	fmt.Fprintf(sum, "%s\n", merchant)
	sum.Write(data)
	now := s.now()
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		return Job{}, Sheet{}, false, fmt.Errorf("upload id: %w", err)
	}
	if len(name) > 200 {
		name = name[:200]
	}
	j := Job{ID: "up_" + hex.EncodeToString(id), Merchant: merchant, FileHash: hex.EncodeToString(sum.Sum(nil)), FileName: name,
		Format: sh.Format, Mode: mode, Status: StatusValidating, Rows: len(sh.Rows), CreatedAt: now, UpdatedAt: now}
	stored, created, err := s.Store.CreateUpload(ctx, j)
	if err != nil {
		return Job{}, Sheet{}, false, err
	}
	if created {
		return stored, sh, true, nil
	}
	stored = s.live(stored)
	if stored.Status != StatusStale && stored.Status != StatusRejected && stored.Status != StatusFailed {
		return stored, sh, false, nil
	}
	// Interrupted, or stopped before storing everything: run it again under
	// its id (perhaps in another mode); rows stored before are replayed.
	stored.Status, stored.Done, stored.Errors, stored.Stored, stored.Replayed, stored.Message = StatusValidating, 0, 0, 0, 0, ""
	stored.Mode, stored.Rows, stored.UpdatedAt = mode, len(sh.Rows), now
	if err := s.Store.UpdateUpload(ctx, stored); err != nil {
		return Job{}, Sheet{}, false, err
	}
	return stored, sh, true, nil
}

// live returns j with this node's live counters if it runs it, and as
// interrupted if it is running nowhere.
func (s *Service) live(j Job) Job {
	s.mu.Lock()
	r, ok := s.running[j.ID]
	if ok {
		j = *r
		if j.Final() {
			j.Status = StatusStoring // until its row results are saved
		}
	}
	s.mu.Unlock()
	if !ok && !j.Final() && s.now().Sub(j.UpdatedAt) > StaleAfter {
		j.Status = StatusStale
	}
	return j
}

func (s *Service) track(j *Job) func() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running == nil {
		s.running = map[string]*Job{}
	}
	s.running[j.ID] = j
	return func() {
		s.mu.Lock()
		delete(s.running, j.ID)
		s.mu.Unlock()
	}
}

// Get returns a job the caller may see; other merchants' jobs are not_found.
func (s *Service) Get(ctx context.Context, who auth.Principal, id string) (Job, error) {
	j, err := s.Store.Upload(ctx, id)
	if err != nil {
		return Job{}, err
	}
	if !who.CanSeeMerchant(j.Merchant) {
		return Job{}, postal.Errorf(postal.CodeNotFound, "no upload %s", postal.Quote(id))
	}
	return s.live(j), nil
}

// Results returns a page of a job's row results after row number after.
func (s *Service) Results(ctx context.Context, who auth.Principal, id string, after, limit int) ([]RowResult, error) {
	if _, err := s.Get(ctx, who, id); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	return s.Store.UploadRows(ctx, id, after, limit)
}

// Shipments returns the shipments a job created or replayed, in the file's
// order (for its labels).
func (s *Service) Shipments(ctx context.Context, who auth.Principal, id string) ([]acceptance.Shipment, error) {
	j, err := s.Get(ctx, who, id)
	if err != nil {
		return nil, err
	}
	if !j.Final() {
		return nil, postal.Errorf(postal.CodeConflict, "upload %s is still %s (%d of %d rows); ask again when it is done", j.ID, j.Status, j.Done, j.Rows)
	}
	var out []acceptance.Shipment
	after := 0
	for {
		rows, err := s.Store.UploadRows(ctx, id, after, 5000)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if r.Shipment == "" {
				continue
			}
			sh, err := s.Acceptance.Get(ctx, who, r.Shipment)
			if err != nil {
				return nil, fmt.Errorf("upload %s row %d: %w", id, r.Row, err)
			}
			out = append(out, sh)
		}
		if len(rows) < 5000 {
			return out, nil
		}
		after = rows[len(rows)-1].Row
	}
}
