package warehouse

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
)

// Items creates and reads postal items; *acceptance.Service is one.
type Items interface {
	Create(ctx context.Context, who auth.Principal, r acceptance.Request, key string) (acceptance.Shipment, bool, error)
	Get(ctx context.Context, who auth.Principal, id string) (acceptance.Shipment, error)
}

// Service runs the warehouses. Rules about who may do what live here:
// merchants see and act on their own SKUs, inbounds, stock and orders only
// (others' are not_found); operators work at the warehouses in their office
// scope; customs officers record clearances at theirs.
type Service struct {
	Store   Store
	Items   Items   // packs parcels into postal items (acceptance)
	Planner Planner // corridor proposals; nil = Estimate
	Customs Customs // bulk declarations; nil = officers record decisions
	Rates   postal.Rates
	Country string // country of the post running Interpost
	Now     func() time.Time
	// IDs makes the ids of new inbounds, orders, pick lists and counts;
	// nil is NewID (random). The demo passes a seeded one.
	IDs func(prefix string) string
}

func (s *Service) newID(prefix string) string {
	if s.IDs != nil {
		return s.IDs(prefix)
	}
	return NewID(prefix)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Microsecond)
	}
	return time.Now().UTC().Truncate(time.Microsecond)
}

func (s *Service) planner() Planner {
	if s.Planner == nil {
		return Estimate{}
	}
	return s.Planner
}

// The refusals of warehouse writes for a merchant (who.MerchantFor) and of
// reads limited to one (who.MerchantScope).
var (
	writeRefusals = auth.Refusals{Other: "a merchant key acts only for its own merchant %s", Role: "role %s cannot act for merchants"}
	readRefusals  = auth.Refusals{Other: "a merchant key sees only its own merchant %s", Role: "role %s cannot see warehouse data"}
)

// operate checks that who has one of roles and the warehouse in its scope.
func operate(who auth.Principal, warehouse, what string, roles ...auth.Role) error {
	if !who.Is(roles...) {
		return postal.Errorf(postal.CodeForbidden, "role %s may not %s", who.Role, what)
	}
	if !who.InOffice(warehouse) {
		return postal.Errorf(postal.CodeForbidden, "this key is scoped to offices %s, not warehouse %s", strings.Join(who.Offices, ","), warehouse)
	}
	return nil
}

func checkKey(key string) error {
	if len(key) > 255 {
		return postal.Invalid("bad Idempotency-Key", postal.FieldError{Field: "header.Idempotency-Key", Message: "longer than 255 characters"})
	}
	return nil
}

// PutWarehouse creates or replaces a warehouse on an office of kind warehouse.
func (s *Service) PutWarehouse(ctx context.Context, who auth.Principal, w Warehouse) (Warehouse, error) {
	if err := operate(who, w.Code, "configure warehouses", auth.RoleAdmin, auth.RoleOperator); err != nil {
		return Warehouse{}, err
	}
	o, err := s.Store.Office(ctx, w.Code)
	if postal.ErrorCode(err) == postal.CodeNotFound {
		return Warehouse{}, postal.Invalid("unknown office", postal.FieldError{Field: "code", Message: fmt.Sprintf("no office %q; import it first (offices.csv, kind warehouse)", w.Code)})
	}
	if err != nil {
		return Warehouse{}, err
	}
	if o.Kind != network.KindWarehouse {
		return Warehouse{}, postal.Invalid("not a warehouse", postal.FieldError{Field: "code", Message: fmt.Sprintf("office %s is of kind %s, not warehouse", o.Code, o.Kind)})
	}
	if err := w.Validate(s.Country); err != nil {
		return Warehouse{}, err
	}
	w.Name, w.Country, w.TZ, w.UpdatedAt = o.Name, o.Country, o.TZ, s.now()
	w.Address.Address, w.Address.City, w.Address.Postcode = strings.TrimSpace(w.Address.Address), strings.TrimSpace(w.Address.City), strings.TrimSpace(w.Address.Postcode)
	if err := s.Store.PutWarehouse(ctx, w); err != nil {
		return Warehouse{}, err
	}
	return s.Store.Warehouse(ctx, w.Code)
}

// Warehouse returns a warehouse.
func (s *Service) Warehouse(ctx context.Context, code string) (Warehouse, error) {
	return s.Store.Warehouse(ctx, code)
}

// Warehouses lists warehouses.
func (s *Service) Warehouses(ctx context.Context) ([]Warehouse, error) {
	return s.Store.Warehouses(ctx)
}

// PutSKUs creates or updates a merchant's SKUs, all or none.
func (s *Service) PutSKUs(ctx context.Context, who auth.Principal, merchant string, skus []SKU) ([]SKU, error) {
	m, err := who.MerchantFor(merchant, writeRefusals)
	if err != nil {
		return nil, err
	}
	if len(skus) == 0 || len(skus) > 1000 {
		return nil, postal.Invalid("bad SKU list", postal.FieldError{Field: "skus", Message: fmt.Sprintf("give 1 to 1000 SKUs, got %d", len(skus))})
	}
	if _, err := s.Store.Merchant(ctx, m); err != nil {
		return nil, err
	}
	var fe postal.FieldList
	seen := map[string]int{}
	out := make([]SKU, 0, len(skus))
	for i, k := range skus {
		p := fmt.Sprintf("skus[%d].", i)
		if k.Merchant != "" && k.Merchant != m {
			fe.Add(p+"merchant", "%q differs from the merchant %s the SKUs are put for", k.Merchant, m)
		}
		k.Merchant = m
		n, errs := k.Normalize(p, s.Rates)
		fe = append(fe, errs...)
		if j, dup := seen[k.Code]; dup {
			fe.Add(p+"sku", "%s is already at skus[%d]", k.Code, j)
		}
		seen[k.Code] = i
		n.UpdatedAt = s.now()
		out = append(out, n)
	}
	if err := fe.Err("the SKUs have invalid fields; none was saved"); err != nil {
		return nil, err
	}
	if err := s.Store.PutSKUs(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// SKUs lists a merchant's SKUs.
func (s *Service) SKUs(ctx context.Context, who auth.Principal, merchant string) ([]SKU, error) {
	m, err := who.MerchantScope(merchant, readRefusals)
	if err != nil {
		return nil, err
	}
	if m == "" {
		return nil, postal.Invalid("merchant missing", postal.FieldError{Field: "query.merchant", Message: "required when the key is not a merchant key"})
	}
	return s.Store.SKUs(ctx, m)
}

// skuMap loads the merchant's SKUs with the given codes.
func (s *Service) skuMap(ctx context.Context, merchant string, codes []string) (map[string]SKU, error) {
	skus, err := s.Store.SKUs(ctx, merchant, codes...)
	if err != nil {
		return nil, err
	}
	m := make(map[string]SKU, len(skus))
	for _, k := range skus {
		m[k.Code] = k
	}
	return m, nil
}

// convert converts a money amount between currencies through SDR, rounded
// to the target currency's decimals.
func (s *Service) convert(v decimal.Decimal, from, to string) (decimal.Decimal, error) {
	if from == to {
		return v, nil
	}
	sdr, err := s.Rates.ToSDR(v, from)
	if err != nil {
		return decimal.Decimal{}, err
	}
	per, ok := s.Rates.PerSDR[to]
	if !ok {
		return decimal.Decimal{}, postal.Errorf(postal.CodeInvalid, "no exchange rate for %s", to)
	}
	return sdr.Mul(per).Round(minor(to)), nil
}

// lineValue is the value of qty units of k in currency.
func (s *Service) lineValue(k SKU, qty int, currency string) (decimal.Decimal, error) {
	unit, err := decimal.NewFromString(k.UnitValue)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("SKU %s/%s has a bad stored value %q: %w", k.Merchant, k.Code, k.UnitValue, err)
	}
	return s.convert(unit.Mul(decimal.NewFromInt(int64(qty))), k.Currency, currency)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// listPage checks a list request the warehouse lists share: the merchant
// the caller may list (its own for a merchant key), the position after the
// cursor and the page size (default 50, at most paging.Max).
func listPage(who auth.Principal, merchant, cursor string, limit int) (string, int64, int, error) {
	m, err := who.MerchantScope(merchant, readRefusals)
	if err != nil {
		return "", 0, 0, err
	}
	after, err := paging.DecodeCursor(cursor)
	if err != nil {
		return "", 0, 0, err
	}
	if limit, err = paging.Limit(limit, 50, "query.limit"); err != nil {
		return "", 0, 0, err
	}
	return m, after, limit, nil
}
