package warehouse

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// reserveAttempts bounds re-planning when a reservation finds the stock
// snapshot it was planned on already taken by concurrent orders.
const reserveAttempts = 3

// PlaceOrder validates a B2C order, chooses its warehouses (see Plan) and
// reserves its stock all or none. With an Idempotency-Key a retry returns
// the first order (created=false).
func (s *Service) PlaceOrder(ctx context.Context, who auth.Principal, r OrderRequest, key string) (Order, bool, error) {
	m, err := who.MerchantFor(r.Merchant, writeRefusals)
	if err != nil {
		return Order{}, false, err
	}
	if err := checkKey(key); err != nil {
		return Order{}, false, err
	}
	r.Merchant = m
	r.MerchantOrderID = strings.TrimSpace(r.MerchantOrderID)
	if r.ServiceLevel == "" {
		r.ServiceLevel = LevelStandard
	}
	hash := hashOrder(r)
	if key != "" {
		o, h, err := s.Store.OrderByKey(ctx, m, key)
		switch {
		case err == nil && h == hash:
			return o, false, nil
		case err == nil:
			return Order{}, false, ErrOrderKeyMismatch
		case postal.ErrorCode(err) != postal.CodeNotFound:
			return Order{}, false, err
		}
	}
	if err := validateOrder(r); err != nil {
		return Order{}, false, err
	}
	if who.Role != auth.RoleMerchant { // a merchant key's merchant exists
		if _, err := s.Store.Merchant(ctx, m); err != nil {
			return Order{}, false, err
		}
	}
	serving, err := s.serving(ctx, r.Buyer.Country)
	if err != nil {
		return Order{}, false, err
	}
	codes := make([]string, len(r.Lines))
	for i, l := range r.Lines {
		codes[i] = l.SKU
	}
	skus, err := s.skuMap(ctx, m, codes)
	if err != nil {
		return Order{}, false, err
	}
	var missing postal.FieldList
	for i, l := range r.Lines {
		if _, ok := skus[l.SKU]; !ok {
			missing.Add(fmt.Sprintf("lines[%d].sku", i), "merchant %s has no SKU %q", m, l.SKU)
		}
	}
	if len(missing) > 0 {
		return Order{}, false, &postal.Error{Code: postal.CodeNotFound, Message: "the order names unknown SKUs; nothing was reserved", Fields: missing}
	}
	var last error
	for range reserveAttempts {
		cands, err := s.candidates(ctx, m, codes, serving)
		if err != nil {
			return Order{}, false, err
		}
		parcels, err := Plan(r.Lines, cands)
		if err != nil {
			return Order{}, false, err
		}
		now := s.now()
		for i := range parcels {
			parcels[i].UpdatedAt = now
		}
		o := Order{ID: s.newID("ORD"), Merchant: m, MerchantOrderID: r.MerchantOrderID, Status: OrderReserved,
			ServiceLevel: r.ServiceLevel, Buyer: trimParty(r.Buyer), Lines: r.Lines, Parcels: parcels, CreatedAt: now}
		o, created, err := s.Store.CreateOrder(ctx, NewOrder{Order: o, IdempotencyKey: key, RequestHash: hash})
		if !errors.Is(err, ErrInsufficientStock) {
			return o, created, err
		}
		last = err // the snapshot was stale: plan again on fresh stock
	}
	return Order{}, false, last
}

// serving returns the warehouses that deliver to country with their days.
func (s *Service) serving(ctx context.Context, country string) ([]Candidate, error) {
	if country == s.Country {
		return nil, postal.Invalid("domestic buyer", postal.FieldError{Field: "buyer.country", Message: fmt.Sprintf("%s is the post's own country; its overseas and border warehouses serve buyers abroad", country)})
	}
	ws, err := s.Store.Warehouses(ctx)
	if err != nil {
		return nil, err
	}
	var out []Candidate
	served := map[string]bool{}
	for _, w := range ws {
		for _, c := range w.Serves {
			served[c.Country] = true
		}
		if d, ok := w.Days(country); ok {
			out = append(out, Candidate{Warehouse: w.Code, Days: d})
		}
	}
	if len(out) == 0 {
		name, _ := postal.CountryName(country)
		list := sortedKeys(served)
		if len(list) == 0 {
			list = []string{"none yet"}
		}
		return nil, postal.Invalid("no warehouse serves the buyer's country", postal.FieldError{Field: "buyer.country",
			Message: fmt.Sprintf("no warehouse serves %s (%s); countries served: %s", country, name, strings.Join(list, ", "))})
	}
	return out, nil
}

// candidates fills the serving warehouses' available stock of the SKUs.
func (s *Service) candidates(ctx context.Context, merchant string, codes []string, serving []Candidate) ([]Candidate, error) {
	rows, err := s.Store.Stock(ctx, StockFilter{Merchant: merchant}, codes...)
	if err != nil {
		return nil, err
	}
	out := make([]Candidate, len(serving))
	idx := map[string]int{}
	for i, c := range serving {
		out[i] = Candidate{Warehouse: c.Warehouse, Days: c.Days, Available: map[string]int{}}
		idx[c.Warehouse] = i
	}
	for _, r := range rows {
		if i, ok := idx[r.Warehouse]; ok {
			out[i].Available[r.SKU] = r.Available
		}
	}
	return out, nil
}

func hashOrder(r OrderRequest) string {
	b, _ := json.Marshal(r) // strings, ints and slices cannot fail to marshal
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func trimParty(p acceptance.Party) acceptance.Party {
	for _, f := range []*string{&p.Name, &p.Company, &p.Address, &p.City, &p.State, &p.Postcode, &p.Phone, &p.Email, &p.TaxID} {
		*f = strings.TrimSpace(*f)
	}
	return p
}

// Order returns an order the caller may see.
func (s *Service) Order(ctx context.Context, who auth.Principal, id string) (Order, error) {
	o, err := s.Store.Order(ctx, id)
	if err != nil {
		return Order{}, err
	}
	if !who.CanSeeMerchant(o.Merchant) {
		return Order{}, postal.Errorf(postal.CodeNotFound, "no order %s", id)
	}
	return o, nil
}

// Orders lists orders the caller may see.
func (s *Service) Orders(ctx context.Context, who auth.Principal, f OrderFilter, cursor string) ([]Order, string, error) {
	var err error
	if f.Merchant, f.After, f.Limit, err = listPage(who, f.Merchant, cursor, f.Limit); err != nil {
		return nil, "", err
	}
	return s.Store.Orders(ctx, f)
}

// CancelOrder cancels an order before it is picked and releases its stock.
// Cancelling a cancelled order returns it unchanged.
func (s *Service) CancelOrder(ctx context.Context, who auth.Principal, id string) (Order, error) {
	if !who.Is(auth.RoleAdmin, auth.RoleOperator, auth.RoleMerchant) {
		return Order{}, postal.Errorf(postal.CodeForbidden, "role %s may not cancel orders", who.Role)
	}
	o, err := s.Order(ctx, who, id)
	if err != nil {
		return Order{}, err
	}
	// An operator cancels only orders reserved at its own warehouses:
	// cancelling releases their stock.
	for _, p := range o.Parcels {
		if !who.InOffice(p.Warehouse) {
			return Order{}, postal.Errorf(postal.CodeForbidden, "order %s is reserved at warehouse %s, outside the offices of this key", id, p.Warehouse)
		}
	}
	return s.Store.CancelOrder(ctx, id, s.now())
}

// CreatePickList puts up to max reserved parcels of a warehouse, oldest
// first, on a pick list whose lines follow the bins in order.
func (s *Service) CreatePickList(ctx context.Context, who auth.Principal, warehouse string, max int) (PickList, error) {
	if err := operate(who, warehouse, "create pick lists", auth.RoleAdmin, auth.RoleOperator); err != nil {
		return PickList{}, err
	}
	if _, err := s.Store.Warehouse(ctx, warehouse); err != nil {
		return PickList{}, err
	}
	if max == 0 {
		max = 50
	}
	if max < 1 || max > 500 {
		return PickList{}, postal.Invalid("bad size", postal.FieldError{Field: "max_parcels", Message: fmt.Sprintf("must be 1 to 500, got %d", max)})
	}
	id := s.newID("PCK")
	return s.Store.CreatePickList(ctx, warehouse, max, s.now(), func(ps []PickParcel) PickList {
		return BuildPickList(id, warehouse, ps)
	})
}

// BuildPickList makes a pick list of parcels: one line per parcel and SKU,
// sorted by bin (the picker's walk), then SKU, then order.
func BuildPickList(id, warehouse string, ps []PickParcel) PickList {
	pl := PickList{ID: id, Warehouse: warehouse, Parcels: len(ps)}
	for _, p := range ps {
		for _, l := range p.Parcel.Lines {
			pl.Lines = append(pl.Lines, PickLine{Bin: p.Bins[l.SKU], Merchant: p.Merchant, SKU: l.SKU, Quantity: l.Quantity, Order: p.Order, Parcel: p.Parcel.No})
		}
	}
	slices.SortFunc(pl.Lines, func(a, b PickLine) int {
		return cmp.Or(cmp.Compare(a.Bin, b.Bin), cmp.Compare(a.Merchant, b.Merchant), cmp.Compare(a.SKU, b.SKU), cmp.Compare(a.Order, b.Order))
	})
	return pl
}

// PickList returns a pick list.
func (s *Service) PickList(ctx context.Context, who auth.Principal, id string) (PickList, error) {
	pl, err := s.Store.PickList(ctx, id)
	if err != nil {
		return PickList{}, err
	}
	if err := operate(who, pl.Warehouse, "read pick lists", auth.RoleAdmin, auth.RoleOperator); err != nil {
		return PickList{}, err
	}
	return pl, nil
}

// PackRequest is what the packer weighs and measures; zero values take
// defaults from the SKUs (net weight + 10 %, at least 50 g, of packaging).
type PackRequest struct {
	WeightG      int   `json:"weight_g,omitempty" doc:"Gross weight in grams; default net weight of the contents + packaging"`
	DimensionsMM []int `json:"dimensions_mm,omitempty" doc:"Length, width, height in mm; default 250×180×100 up to 2 kg, else 400×300×200"`
}

// Pack turns a picked parcel into a postal item through acceptance: S10 id,
// CN 22/CN 23 declaration from the SKUs, label. Then its stock is shipped.
// Retrying returns the same item (the acceptance Idempotency-Key is the
// parcel's), so a failure between the two steps is repaired by a retry.
func (s *Service) Pack(ctx context.Context, who auth.Principal, orderID string, no int, r PackRequest) (Order, acceptance.Shipment, error) {
	o, err := s.Order(ctx, who, orderID)
	if err != nil {
		return Order{}, acceptance.Shipment{}, err
	}
	if no < 1 || no > len(o.Parcels) {
		return Order{}, acceptance.Shipment{}, postal.Errorf(postal.CodeNotFound, "order %s has no parcel %d", orderID, no)
	}
	p := o.Parcels[no-1]
	if err := operate(who, p.Warehouse, "pack parcels", auth.RoleAdmin, auth.RoleOperator); err != nil {
		return Order{}, acceptance.Shipment{}, err
	}
	switch p.Status {
	case ParcelPacked:
		sh, err := s.Items.Get(ctx, who, string(p.ItemID))
		return o, sh, err
	case ParcelReserved:
		return Order{}, acceptance.Shipment{}, postal.Errorf(postal.CodeConflict, "parcel %d of order %s is not picked yet; put it on a pick list first", no, orderID)
	case ParcelCancelled:
		return Order{}, acceptance.Shipment{}, postal.Errorf(postal.CodeConflict, "order %s was cancelled", orderID)
	}
	req, err := s.itemRequest(ctx, o, p, r)
	if err != nil {
		return Order{}, acceptance.Shipment{}, err
	}
	sh, _, err := s.Items.Create(ctx, who, req, fmt.Sprintf("warehouse-parcel:%s/%d", o.ID, p.No))
	if err != nil {
		return Order{}, acceptance.Shipment{}, fmt.Errorf("parcel %d of order %s as a postal item: %w", no, orderID, err)
	}
	o, err = s.Store.PackParcel(ctx, o.ID, p.No, string(sh.ID), s.now())
	return o, sh, err
}

// itemRequest is the acceptance request of a parcel: sender the merchant
// care of the warehouse, addressee the buyer, declaration from the SKUs.
func (s *Service) itemRequest(ctx context.Context, o Order, p Parcel, r PackRequest) (acceptance.Request, error) {
	w, err := s.Store.Warehouse(ctx, p.Warehouse)
	if err != nil {
		return acceptance.Request{}, err
	}
	m, err := s.Store.Merchant(ctx, o.Merchant)
	if err != nil {
		return acceptance.Request{}, err
	}
	codes := make([]string, len(p.Lines))
	for i, l := range p.Lines {
		codes[i] = l.SKU
	}
	skus, err := s.skuMap(ctx, o.Merchant, codes)
	if err != nil {
		return acceptance.Request{}, err
	}
	d := &acceptance.Declaration{Category: "sale_of_goods", Currency: skus[codes[0]].Currency, Invoice: o.MerchantOrderID}
	net := 0
	total := decimal.Zero
	for _, l := range p.Lines {
		k := skus[l.SKU]
		v, err := s.lineValue(k, l.Quantity, d.Currency)
		if err != nil {
			return acceptance.Request{}, err
		}
		total = total.Add(v)
		net += k.UnitWeightG * l.Quantity
		d.Lines = append(d.Lines, acceptance.Line{Description: k.Description, Quantity: l.Quantity, NetWeightG: k.UnitWeightG * l.Quantity,
			Value: v.StringFixed(minor(d.Currency)), HSCode: k.HSCode, OriginCountry: k.OriginCountry})
	}
	weight := r.WeightG
	if weight == 0 {
		weight = net + max(50, net/10)
	}
	dims := r.DimensionsMM
	if len(dims) == 0 {
		dims = []int{250, 180, 100}
		if weight > 2000 {
			dims = []int{400, 300, 200}
		}
	}
	sdr, err := s.Rates.ToSDR(total, d.Currency)
	if err != nil {
		return acceptance.Request{}, err
	}
	ref := o.MerchantOrderID
	if len(o.Parcels) > 1 {
		ref = fmt.Sprintf("%s/%d", ref, p.No)
	}
	return acceptance.Request{
		Product:      string(o.ServiceLevel.Product(weight, sdr.InexactFloat64())),
		MerchantRef:  ref,
		Merchant:     o.Merchant,
		OriginOffice: p.Warehouse,
		Sender: acceptance.Party{Name: m.Name, Company: "c/o " + w.Name, Address: w.Address.Address, City: w.Address.City,
			Postcode: w.Address.Postcode, Country: w.Country},
		Addressee:    o.Buyer,
		WeightG:      weight,
		DimensionsMM: dims,
		Declaration:  d,
	}, nil
}

// ParcelItem returns the postal item of a packed parcel and its warehouse
// (whose name the label shows as the dispatching office).
func (s *Service) ParcelItem(ctx context.Context, who auth.Principal, orderID string, no int) (acceptance.Shipment, Warehouse, error) {
	o, err := s.Order(ctx, who, orderID)
	if err != nil {
		return acceptance.Shipment{}, Warehouse{}, err
	}
	if no < 1 || no > len(o.Parcels) {
		return acceptance.Shipment{}, Warehouse{}, postal.Errorf(postal.CodeNotFound, "order %s has no parcel %d", orderID, no)
	}
	p := o.Parcels[no-1]
	if p.ItemID == "" {
		return acceptance.Shipment{}, Warehouse{}, postal.Errorf(postal.CodeConflict, "parcel %d of order %s is %s; it has a label once packed", no, orderID, p.Status)
	}
	sh, err := s.Items.Get(ctx, who, string(p.ItemID))
	if err != nil {
		return acceptance.Shipment{}, Warehouse{}, err
	}
	w, err := s.Store.Warehouse(ctx, p.Warehouse)
	return sh, w, err
}
