package warehouse

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
)

// Stock lists stock the caller may see.
func (s *Service) Stock(ctx context.Context, who auth.Principal, f StockFilter) ([]Stock, error) {
	var err error
	if f.Merchant, err = who.MerchantScope(f.Merchant, readRefusals); err != nil {
		return nil, err
	}
	return s.Store.Stock(ctx, f)
}

// Ledger lists stock movements the caller may see.
func (s *Service) Ledger(ctx context.Context, who auth.Principal, f MovementFilter, cursor string) ([]Movement, string, error) {
	var err error
	if f.Merchant, f.After, f.Limit, err = listPage(who, f.Merchant, cursor, f.Limit); err != nil {
		return nil, "", err
	}
	return s.Store.Movements(ctx, f)
}

// VerifyLedger recomputes every stock row from the ledger.
func (s *Service) VerifyLedger(ctx context.Context, who auth.Principal) ([]LedgerMismatch, error) {
	if !who.Is(auth.RoleAdmin, auth.RoleOperator) {
		return nil, postal.Errorf(postal.CodeForbidden, "role %s may not verify the stock ledger", who.Role)
	}
	return s.Store.VerifyLedger(ctx)
}

// CountRequest is a cycle count: what was found of each SKU.
type CountRequest struct {
	Lines []CountLine `json:"lines" minItems:"1" maxItems:"1000"`
	Note  string      `json:"note,omitempty" maxLength:"300"`
}

// RecordCount books a cycle count at a warehouse: each counted SKU's on hand
// becomes what was found, the difference a count movement.
func (s *Service) RecordCount(ctx context.Context, who auth.Principal, warehouse string, r CountRequest) (CycleCount, error) {
	if err := operate(who, warehouse, "record cycle counts", auth.RoleAdmin, auth.RoleOperator); err != nil {
		return CycleCount{}, err
	}
	if _, err := s.Store.Warehouse(ctx, warehouse); err != nil {
		return CycleCount{}, err
	}
	var fe postal.FieldList
	if len(r.Lines) == 0 || len(r.Lines) > 1000 {
		fe.Add("lines", "give 1 to 1000 lines, got %d", len(r.Lines))
	}
	if utf8.RuneCountInString(r.Note) > 300 {
		fe.Add("note", "longer than 300 characters")
	}
	seen := map[[2]string]int{}
	byMerchant := map[string][]string{}
	for i, l := range r.Lines {
		p := fmt.Sprintf("lines[%d].", i)
		if l.Merchant == "" {
			fe.Add(p+"merchant", "required: whose SKU was counted")
		}
		if !ValidSKUCode(l.SKU) {
			fe.Add(p+"sku", "%q is not a SKU code", l.SKU)
		}
		if j, dup := seen[[2]string{l.Merchant, l.SKU}]; dup {
			fe.Add(p+"sku", "%s/%s is already lines[%d]", l.Merchant, l.SKU, j)
		}
		seen[[2]string{l.Merchant, l.SKU}] = i
		if l.Counted < 0 {
			fe.Add(p+"counted", "must be 0 or more, got %d", l.Counted)
		}
		byMerchant[l.Merchant] = append(byMerchant[l.Merchant], l.SKU)
	}
	for m, codes := range byMerchant {
		if m == "" {
			continue
		}
		skus, err := s.skuMap(ctx, m, codes)
		if err != nil {
			return CycleCount{}, err
		}
		for i, l := range r.Lines {
			if _, ok := skus[l.SKU]; l.Merchant == m && !ok && ValidSKUCode(l.SKU) {
				fe.Add(fmt.Sprintf("lines[%d].sku", i), "merchant %s has no SKU %q", m, l.SKU)
			}
		}
	}
	if err := fe.Err("the count has invalid fields; nothing was booked"); err != nil {
		return CycleCount{}, err
	}
	c := CycleCount{ID: s.newID("CNT"), Warehouse: warehouse, Note: strings.TrimSpace(r.Note), By: who.KeyID, Lines: r.Lines, CountedAt: s.now()}
	return s.Store.RecordCount(ctx, c)
}

// ReplenishRequest asks for advice for a merchant (all merchants for admins
// and operators when empty) at a warehouse (all when empty).
type ReplenishRequest struct {
	Merchant, Warehouse string
	Priority            string // corridor choice: cost (default) or speed
	Policy
}

// Replenishment advises, per SKU and warehouse, how many days the stock
// lasts at the last weeks' rate of orders and how much to book inbound now,
// given the transit time of the corridor from the merchant's office.
// Reorders come first, then the shortest cover.
func (s *Service) Replenishment(ctx context.Context, who auth.Principal, r ReplenishRequest) ([]Advice, error) {
	m, err := who.MerchantScope(r.Merchant, readRefusals)
	if err != nil {
		return nil, err
	}
	if r.Weeks < 0 || r.Weeks > 52 {
		return nil, postal.Invalid("bad window", postal.FieldError{Field: "query.weeks", Message: fmt.Sprintf("must be 1 to 52, got %d", r.Weeks)})
	}
	if r.Priority != "" && r.Priority != PriorityCost && r.Priority != PrioritySpeed {
		return nil, postal.Invalid("bad priority", postal.FieldError{Field: "query.priority", Message: fmt.Sprintf("%q is not one of cost, speed", r.Priority)})
	}
	p := r.Policy.withDefaults()
	type key struct{ w, m, sku string }
	rows := map[key]Stock{}
	st, err := s.Store.Stock(ctx, StockFilter{Warehouse: r.Warehouse, Merchant: m})
	if err != nil {
		return nil, err
	}
	for _, x := range st {
		rows[key{x.Warehouse, x.Merchant, x.SKU}] = x
	}
	sold := map[key]int{}
	demand, err := s.Store.Demand(ctx, m, s.now().AddDate(0, 0, -7*p.Weeks))
	if err != nil {
		return nil, err
	}
	for _, d := range demand {
		if r.Warehouse == "" || d.Warehouse == r.Warehouse {
			k := key{d.Warehouse, d.Merchant, d.SKU}
			sold[k] = d.Units
			if _, ok := rows[k]; !ok {
				rows[k] = Stock{Warehouse: d.Warehouse, Merchant: d.Merchant, SKU: d.SKU}
			}
		}
	}
	transit := map[key]int{}
	for _, status := range []InboundStatus{InboundBooked, InboundCleared} {
		f := InboundFilter{Merchant: m, Warehouse: r.Warehouse, Status: status, Limit: 500}
		for {
			page, next, err := s.Store.Inbounds(ctx, f)
			if err != nil {
				return nil, err
			}
			for _, in := range page {
				for sku, q := range in.Advised() {
					k := key{in.Warehouse, in.Merchant, sku}
					transit[k] += q
					if _, ok := rows[k]; !ok {
						rows[k] = Stock{Warehouse: in.Warehouse, Merchant: in.Merchant, SKU: sku}
					}
				}
			}
			if next == "" {
				break
			}
			if f.After, err = paging.DecodeCursor(next); err != nil {
				return nil, err
			}
		}
	}
	corridors := map[[2]string]Corridor{}
	out := make([]Advice, 0, len(rows))
	for k, x := range rows {
		c, err := s.replenishCorridor(ctx, corridors, k.m, k.w, r.Priority)
		if err != nil {
			return nil, err
		}
		out = append(out, Advise(x, sold[k], transit[k], c, p))
	}
	slices.SortFunc(out, func(a, b Advice) int {
		if a.Reorder != b.Reorder {
			if a.Reorder {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(cover(a), cover(b)), cmp.Compare(a.Warehouse, b.Warehouse), cmp.Compare(a.Merchant, b.Merchant), cmp.Compare(a.SKU, b.SKU))
	})
	return out, nil
}

func cover(a Advice) float64 {
	if a.DaysOfCover == nil {
		return 1e18
	}
	return *a.DaysOfCover
}

// replenishCorridor is the corridor from the merchant's office to the
// warehouse, memoised in seen.
func (s *Service) replenishCorridor(ctx context.Context, seen map[[2]string]Corridor, merchant, warehouse, priority string) (Corridor, error) {
	if c, ok := seen[[2]string{merchant, warehouse}]; ok {
		return c, nil
	}
	m, err := s.Store.Merchant(ctx, merchant)
	if err != nil {
		return Corridor{}, err
	}
	from, err := s.Store.Office(ctx, m.Office)
	if err != nil {
		return Corridor{}, fmt.Errorf("office of merchant %s: %w", merchant, err)
	}
	to, err := s.Store.Office(ctx, warehouse)
	if err != nil {
		return Corridor{}, fmt.Errorf("office of warehouse %s: %w", warehouse, err)
	}
	cs, err := s.planner().Corridors(ctx, from, to)
	if err != nil {
		return Corridor{}, fmt.Errorf("plan corridor %s → %s: %w", from.Code, to.Code, err)
	}
	c, _, err := Choose(cs, priority, "")
	if err != nil {
		return Corridor{}, postal.Errorf(postal.CodeUnavailable, "no corridor from %s to %s for replenishment: %w", from.Code, to.Code, err)
	}
	seen[[2]string{merchant, warehouse}] = c
	return c, nil
}
