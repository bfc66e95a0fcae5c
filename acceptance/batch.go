package acceptance

import (
	"context"
	"fmt"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// MaxBatch is the most shipments one batch call may create.
const MaxBatch = 1000

// BatchResult is the outcome of one shipment of a batch, in the batch's order.
type BatchResult struct {
	Shipment Shipment
	Created  bool  // false with a nil Err: replayed by its merchant reference
	Err      error // why it was not stored (invalid, forbidden, conflict)
}

// BatchStore stores many shipments at once (a part of Store).
type BatchStore interface {
	// CreateShipments stores ns in one transaction, each as CreateShipment
	// would (S10 allocation, idempotency key). A key reused with another
	// request hash fails only that item (its Err is ErrIdempotencyMismatch);
	// any other error stores nothing. progress, if set, is called with the
	// number of items done so far.
	CreateShipments(ctx context.Context, ns []NewShipment, progress func(done int)) ([]BatchResult, error)
}

// RefKey is the idempotency key under which a batch or an upload stores a
// shipment with a merchant reference, so the same reference sent again is
// replayed, not created twice. A single POST using the same key replays
// it too.
func RefKey(merchantRef string) string {
	if merchantRef == "" {
		return ""
	}
	return "merchant_ref:" + merchantRef
}

// Prepare validates rs for who, as Create does, without storing anything:
// the i-th result is ready to store when errs[i] is nil. Shipments with a
// merchant reference get RefKey as their idempotency key.
func (s *Service) Prepare(ctx context.Context, who auth.Principal, rs []Request) (ns []NewShipment, errs []error, err error) {
	merchants := map[string]Merchant{}
	ns = make([]NewShipment, len(rs))
	errs = make([]error, len(rs))
	for i, r := range rs {
		ns[i], _, errs[i] = s.prepare(ctx, who, r, RefKey(r.MerchantRef), merchants)
		if c := postal.ErrorCode(errs[i]); c == postal.CodeInternal || c == postal.CodeUnavailable {
			return nil, nil, errs[i]
		}
	}
	return ns, errs, nil
}

// StoreBatch stores prepared shipments in one transaction (see
// BatchStore.CreateShipments) and records their customs declarations.
func (s *Service) StoreBatch(ctx context.Context, ns []NewShipment, progress func(done int)) ([]BatchResult, error) {
	res, err := s.Store.CreateShipments(ctx, ns, progress)
	if err != nil {
		return nil, err
	}
	var stored []Shipment
	for _, r := range res {
		if r.Err == nil {
			stored = append(stored, r.Shipment)
		}
	}
	if err := s.declare(ctx, stored); err != nil {
		return res, postal.Errorf(postal.CodeUnavailable,
			"%d shipments were accepted but their customs declarations were not recorded; send the same items again (replayed by merchant_ref) or run `interpost customs sync`: %w", len(stored), err)
	}
	return res, nil
}

func (s *Service) declare(ctx context.Context, shs []Shipment) error {
	switch {
	case len(shs) == 0:
		return nil
	case s.DeclaredBatch != nil:
		return s.DeclaredBatch(ctx, shs)
	case s.Declared != nil:
		for _, sh := range shs {
			if err := s.Declared(ctx, sh); err != nil {
				return fmt.Errorf("shipment %s: %w", sh.ID, err)
			}
		}
	}
	return nil
}

// CreateBatch validates and stores up to MaxBatch shipments: the valid ones
// are stored (in one transaction), the others get their error.
func (s *Service) CreateBatch(ctx context.Context, who auth.Principal, rs []Request) ([]BatchResult, error) {
	if len(rs) > MaxBatch {
		return nil, postal.Invalid("too many shipments", postal.FieldError{Field: "items",
			Message: fmt.Sprintf("%d shipments; at most %d per call (use an upload for more)", len(rs), MaxBatch)})
	}
	ns, errs, err := s.Prepare(ctx, who, rs)
	if err != nil {
		return nil, err
	}
	var valid []NewShipment
	for i := range ns {
		if errs[i] == nil {
			valid = append(valid, ns[i])
		}
	}
	stored, err := s.StoreBatch(ctx, valid, nil)
	if stored == nil && err != nil {
		return nil, err
	}
	out := make([]BatchResult, len(rs))
	j := 0
	for i := range rs {
		if errs[i] != nil {
			out[i] = BatchResult{Err: errs[i]}
			continue
		}
		if j < len(stored) {
			out[i] = stored[j]
		}
		j++
	}
	return out, err
}
