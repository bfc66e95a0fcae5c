package bulk

import (
	"context"
	"errors"
	"fmt"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// run validates every row, stores what the mode allows and records the
// row results; the job is saved at each step so other nodes see progress.
func (s *Service) run(ctx context.Context, who auth.Principal, j Job, sh Sheet, progress func(done, all int)) (Job, error) {
	live := &j
	defer s.track(live)()
	update := func(f func(*Job)) {
		s.mu.Lock()
		f(live)
		live.UpdatedAt = s.now()
		s.mu.Unlock()
		if progress != nil {
			progress(live.Done, live.Rows)
		}
	}
	save := func() error {
		s.mu.Lock()
		cur := *live
		s.mu.Unlock()
		return s.Store.UpdateUpload(ctx, cur)
	}

	results := make([]RowResult, len(sh.Rows))
	reqs := make([]acceptance.Request, 0, len(sh.Rows))
	idx := make([]int, 0, len(sh.Rows)) // reqs[k] is row idx[k]
	for i, r := range sh.Rows {
		req, ps := sh.Request(r, j.Merchant)
		results[i] = RowResult{Row: r.Number, MerchantRef: req.MerchantRef, Problems: ps}
		if len(ps) == 0 {
			reqs = append(reqs, req)
			idx = append(idx, i)
		}
	}
	ns, errs, err := s.Acceptance.Prepare(ctx, who, reqs)
	if err != nil {
		return s.fail(ctx, live, results, err)
	}
	var valid []acceptance.NewShipment
	var validIdx []int
	for k, i := range idx {
		if errs[k] != nil {
			results[i].Problems = Problems(errs[k])
			continue
		}
		valid = append(valid, ns[k])
		validIdx = append(validIdx, i)
	}
	invalid := len(sh.Rows) - len(valid)
	for i := range results {
		if len(results[i].Problems) > 0 {
			results[i].Status = RowInvalid
		} else {
			results[i].Status = RowNotStored
		}
	}
	if invalid > 0 && j.Mode == ModeAll {
		update(func(j *Job) {
			j.Status, j.Errors, j.Done = StatusRejected, invalid, len(sh.Rows)
			j.Message = fmt.Sprintf("%d of %d rows are invalid; nothing was stored (mode all). Fix them, or upload with mode valid to store the others.", invalid, len(sh.Rows))
		})
		return s.finish(ctx, live, results)
	}
	update(func(j *Job) { j.Status, j.Errors, j.Done = StatusStoring, invalid, invalid })
	if err := save(); err != nil {
		return s.fail(ctx, live, results, err)
	}

	size := len(valid) // all mode: one transaction, nothing half-stored
	if j.Mode == ModeValid {
		size = chunk
	}
	for from := 0; from < len(valid); from += size {
		to := min(from+size, len(valid))
		base := live.Done
		res, err := s.Acceptance.StoreBatch(ctx, valid[from:to], func(done int) {
			update(func(j *Job) { j.Done = base + done })
		})
		for k, r := range res {
			i := validIdx[from+k]
			switch {
			case r.Err != nil:
				results[i].Status, results[i].Problems = RowInvalid, []Problem{{Column: "merchant_ref", Reason: reason(r.Err)}}
				update(func(j *Job) { j.Errors++ })
			case r.Created:
				results[i].Status, results[i].Shipment = RowCreated, string(r.Shipment.ID)
				update(func(j *Job) { j.Stored++ })
			default:
				results[i].Status, results[i].Shipment = RowReplayed, string(r.Shipment.ID)
				update(func(j *Job) { j.Replayed++ })
			}
		}
		if err != nil {
			return s.fail(ctx, live, results, err)
		}
		update(func(j *Job) { j.Done = base + (to - from) })
		if err := save(); err != nil {
			return s.fail(ctx, live, results, err)
		}
	}
	update(func(j *Job) {
		j.Status = StatusDone
		j.Message = fmt.Sprintf("%d shipments created, %d replayed by merchant_ref, %d rows invalid", j.Stored, j.Replayed, j.Errors)
	})
	return s.finish(ctx, live, results)
}

func reason(err error) string {
	if errors.Is(err, acceptance.ErrIdempotencyMismatch) {
		return "this merchant_ref is already used by a shipment with other data; give the row a new merchant_ref"
	}
	if postal.ErrorCode(err) == postal.CodeInternal {
		return "internal error (logged on the server)"
	}
	return Problems(err)[0].Reason
}

func (s *Service) finish(ctx context.Context, j *Job, results []RowResult) (Job, error) {
	if err := s.Store.PutUploadRows(ctx, j.ID, results); err != nil {
		return s.fail(ctx, j, nil, err)
	}
	s.mu.Lock()
	j.UpdatedAt = s.now()
	out := *j
	s.mu.Unlock()
	return out, s.Store.UpdateUpload(ctx, out)
}

// fail records a job that could not complete. results (nil = keep) are
// saved so the rows that were stored are still listed.
func (s *Service) fail(ctx context.Context, j *Job, results []RowResult, cause error) (Job, error) {
	s.mu.Lock()
	j.Status = StatusFailed
	j.Message = "the upload stopped: " + reason(cause)
	if j.Stored == 0 && j.Replayed == 0 {
		j.Message += "; nothing was stored"
	}
	j.UpdatedAt = s.now()
	out := *j
	s.mu.Unlock()
	if results != nil {
		if err := s.Store.PutUploadRows(ctx, j.ID, results); err != nil {
			return out, fmt.Errorf("upload %s: %w (and saving its rows: %v)", j.ID, cause, err)
		}
	}
	if err := s.Store.UpdateUpload(ctx, out); err != nil {
		return out, fmt.Errorf("upload %s: %w (and saving its state: %v)", j.ID, cause, err)
	}
	return out, cause
}
