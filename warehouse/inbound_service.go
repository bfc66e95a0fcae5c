package warehouse

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

// InboundRequest is what a merchant sends to book an inbound shipment.
type InboundRequest struct {
	Merchant  string    `json:"merchant,omitempty" doc:"Merchant code; only admins and operators set it"`
	Reference string    `json:"reference,omitempty" maxLength:"64" doc:"The merchant's reference (e.g. purchase order), unique per merchant: a retried booking with the same reference is refused naming the first"`
	Origin    string    `json:"origin,omitempty" doc:"Office the goods leave from; default the merchant's office" example:"CNXMNA"`
	Warehouse string    `json:"warehouse" example:"BELGGW"`
	Priority  string    `json:"priority,omitempty" enum:"cost,speed" doc:"Corridor choice: cost (rail or sea, default) or speed (air)"`
	Mode      string    `json:"mode,omitempty" enum:"air,rail,road,sea" doc:"Force a transport mode instead of choosing by priority"`
	Packages  []Package `json:"packages" minItems:"1" maxItems:"500"`
}

// BookInbound validates and books an inbound consolidated shipment: the
// corridor is proposed by the planner and the bulk declaration prepared for
// a single customs clearance.
func (s *Service) BookInbound(ctx context.Context, who auth.Principal, r InboundRequest) (Inbound, error) {
	m, err := who.MerchantFor(r.Merchant, writeRefusals)
	if err != nil {
		return Inbound{}, err
	}
	merchant, err := s.Store.Merchant(ctx, m)
	if err != nil {
		return Inbound{}, err
	}
	if r.Origin == "" {
		r.Origin = merchant.Office
	}
	var fe postal.FieldList
	if utf8.RuneCountInString(r.Reference) > 64 {
		fe.Add("reference", "longer than 64 characters")
	}
	if r.Priority != "" && r.Priority != PriorityCost && r.Priority != PrioritySpeed {
		fe.Add("priority", "%q is not one of cost, speed", r.Priority)
	}
	if !who.InOffice(r.Warehouse) {
		return Inbound{}, postal.Errorf(postal.CodeForbidden, "this key is scoped to offices %s, not warehouse %s", strings.Join(who.Offices, ","), r.Warehouse)
	}
	w, err := s.Store.Warehouse(ctx, r.Warehouse)
	if postal.ErrorCode(err) == postal.CodeNotFound {
		fe.Add("warehouse", "no warehouse %q", r.Warehouse)
	} else if err != nil {
		return Inbound{}, err
	}
	origin, err := s.Store.Office(ctx, r.Origin)
	if postal.ErrorCode(err) == postal.CodeNotFound {
		fe.Add("origin", "no office %q", r.Origin)
	} else if err != nil {
		return Inbound{}, err
	}
	codes := validatePackages(&fe, r.Packages)
	skus, err := s.skuMap(ctx, m, codes)
	if err != nil {
		return Inbound{}, err
	}
	var missing postal.FieldList
	for i, p := range r.Packages {
		for j, l := range p.Lines {
			k, ok := skus[l.SKU]
			switch {
			case !ok && ValidSKUCode(l.SKU):
				missing.Add(fmt.Sprintf("packages[%d].lines[%d].sku", i, j), "merchant %s has no SKU %q; create it first", m, l.SKU)
			case ok && k.DangerousGoods && w.Code != "" && !hasZone(w, ZoneDangerous):
				fe.Add(fmt.Sprintf("packages[%d].lines[%d].sku", i, j), "%s contains dangerous goods and warehouse %s has no dangerous-goods zone", l.SKU, w.Code)
			}
		}
	}
	if len(missing) > 0 {
		return Inbound{}, &postal.Error{Code: postal.CodeNotFound, Message: "the inbound names unknown SKUs; nothing was booked", Fields: append(missing, fe...)}
	}
	if err := fe.Err("the inbound has invalid fields; nothing was booked"); err != nil {
		return Inbound{}, err
	}
	wo, err := s.Store.Office(ctx, w.Code)
	if err != nil {
		return Inbound{}, fmt.Errorf("office of warehouse %s: %w", w.Code, err)
	}
	corridors, err := s.planner().Corridors(ctx, origin, wo)
	if err != nil {
		return Inbound{}, fmt.Errorf("plan corridor %s → %s: %w", origin.Code, w.Code, err)
	}
	chosen, alts, err := Choose(corridors, r.Priority, r.Mode)
	if err != nil {
		return Inbound{}, postal.Invalid("no corridor", postal.FieldError{Field: "mode", Message: fmt.Sprintf("%s → %s: %v", origin.Code, w.Code, err)})
	}
	now := s.now()
	in := Inbound{
		ID: s.newID("INB"), Merchant: m, Reference: strings.TrimSpace(r.Reference), Origin: origin.Code, Warehouse: w.Code,
		Status: InboundBooked, CustomsRequired: origin.Country != w.Country, Packages: r.Packages,
		Corridor: chosen, Alternatives: alts, CreatedAt: now,
		ETA: now.Add(time.Duration(math.Ceil(chosen.TransitDays*24)) * time.Hour),
	}
	if in.Declaration, err = s.bulkDeclaration(in, skus); err != nil {
		return Inbound{}, err
	}
	if in.CustomsRequired && s.Customs != nil {
		ref, err := s.Customs.DeclareBulk(ctx, in)
		if err != nil {
			return Inbound{}, fmt.Errorf("lodge bulk declaration of %s: %w", in.ID, err)
		}
		in.Declaration.Reference = ref
	}
	if err := s.Store.CreateInbound(ctx, in); err != nil {
		return Inbound{}, err
	}
	return in, nil
}

func hasZone(w Warehouse, k ZoneKind) bool {
	return slices.ContainsFunc(w.Zones, func(z Zone) bool { return z.Kind == k })
}

func validatePackages(fe *postal.FieldList, ps []Package) []string {
	if len(ps) == 0 {
		fe.Add("packages", "at least one pallet or carton")
	}
	if len(ps) > 500 {
		fe.Add("packages", "at most 500 packages, got %d", len(ps))
	}
	refs := map[string]int{}
	var codes []string
	for i, p := range ps {
		pp := fmt.Sprintf("packages[%d].", i)
		switch n := utf8.RuneCountInString(strings.TrimSpace(p.Ref)); {
		case n == 0:
			fe.Add(pp+"ref", "required: the label on the pallet or carton")
		case n > 40:
			fe.Add(pp+"ref", "longer than 40 characters")
		}
		if j, dup := refs[p.Ref]; dup && p.Ref != "" {
			fe.Add(pp+"ref", "%s is already packages[%d]", p.Ref, j)
		}
		refs[p.Ref] = i
		if p.Kind != "pallet" && p.Kind != "carton" {
			fe.Add(pp+"kind", "%q is not one of pallet, carton", p.Kind)
		}
		if len(p.Lines) == 0 {
			fe.Add(pp+"lines", "at least one SKU line")
		}
		seen := map[string]bool{}
		for j, l := range p.Lines {
			lp := fmt.Sprintf("%slines[%d].", pp, j)
			if !ValidSKUCode(l.SKU) {
				fe.Add(lp+"sku", "%q is not a SKU code", l.SKU)
			} else if seen[l.SKU] {
				fe.Add(lp+"sku", "%s is listed twice in this package", l.SKU)
			}
			seen[l.SKU] = true
			if l.Quantity < 1 || l.Quantity > 1_000_000 {
				fe.Add(lp+"quantity", "must be 1 to 1000000, got %d", l.Quantity)
			}
			codes = append(codes, l.SKU)
		}
	}
	return codes
}

// bulkDeclaration is the B2B declaration of an inbound: one line per SKU,
// values in the currency of the first SKU.
func (s *Service) bulkDeclaration(in Inbound, skus map[string]SKU) (*BulkDeclaration, error) {
	advised := in.Advised()
	codes := sortedKeys(advised)
	d := &BulkDeclaration{Category: "sale_of_goods", Importer: in.Merchant, Currency: skus[codes[0]].Currency}
	total := decimal.Zero
	for _, c := range codes {
		k, q := skus[c], advised[c]
		v, err := s.lineValue(k, q, d.Currency)
		if err != nil {
			return nil, err
		}
		total = total.Add(v)
		d.Lines = append(d.Lines, BulkLine{SKU: c, Description: k.Description, HSCode: k.HSCode, OriginCountry: k.OriginCountry,
			Quantity: q, NetWeightG: q * k.UnitWeightG, Value: v.StringFixed(minor(d.Currency))})
		d.TotalNetWeightG += q * k.UnitWeightG
	}
	d.TotalValue = total.StringFixed(minor(d.Currency))
	sdr, err := s.Rates.ToSDR(total, d.Currency)
	if err != nil {
		return nil, err
	}
	d.TotalValueSDR = sdr.StringFixed(2)
	return d, nil
}

// Inbound returns an inbound the caller may see.
func (s *Service) Inbound(ctx context.Context, who auth.Principal, id string) (Inbound, error) {
	in, err := s.Store.Inbound(ctx, id)
	if err != nil {
		return Inbound{}, err
	}
	if !who.CanSeeMerchant(in.Merchant) {
		return Inbound{}, postal.Errorf(postal.CodeNotFound, "no inbound %s", id)
	}
	return in, nil
}

// Inbounds lists inbounds the caller may see.
func (s *Service) Inbounds(ctx context.Context, who auth.Principal, f InboundFilter, cursor string) ([]Inbound, string, error) {
	var err error
	if f.Merchant, f.After, f.Limit, err = listPage(who, f.Merchant, cursor, f.Limit); err != nil {
		return nil, "", err
	}
	return s.Store.Inbounds(ctx, f)
}

// RecordClearance records customs' decision on an inbound import. Released
// goods may be received; held goods wait for a later decision. Recording the
// same release again returns the inbound unchanged.
func (s *Service) RecordClearance(ctx context.Context, who auth.Principal, id string, c Clearance) (Inbound, error) {
	in, err := s.Inbound(ctx, who, id)
	if err != nil {
		return Inbound{}, err
	}
	if err := operate(who, in.Warehouse, "record customs clearances", auth.RoleAdmin, auth.RoleCustoms); err != nil {
		return Inbound{}, err
	}
	var fe postal.FieldList
	if c.Decision != "released" && c.Decision != "held" {
		fe.Add("decision", "%q is not one of released, held", c.Decision)
	}
	if utf8.RuneCountInString(c.Reference) > 60 {
		fe.Add("reference", "longer than 60 characters")
	}
	if utf8.RuneCountInString(c.Note) > 300 {
		fe.Add("note", "longer than 300 characters")
	}
	if err := fe.Err("the clearance has invalid fields"); err != nil {
		return Inbound{}, err
	}
	c.By, c.At = who.KeyID, s.now()
	return s.Store.UpdateInbound(ctx, id, func(in *Inbound) error {
		switch {
		case !in.CustomsRequired:
			return postal.Errorf(postal.CodeConflict, "inbound %s does not cross a border (%s → %s): no customs clearance is needed", in.ID, in.Origin, in.Warehouse)
		case in.Status == InboundCleared && c.Decision == "released":
			return nil // replay
		case in.Status != InboundBooked:
			return postal.Errorf(postal.CodeConflict, "inbound %s is %s; customs decisions are recorded before receipt", in.ID, in.Status)
		}
		in.Clearance = &c
		if c.Decision == "released" {
			in.Status = InboundCleared
		}
		return nil
	})
}

// ReceiptRequest is what the warehouse counted in.
type ReceiptRequest struct {
	Lines []ReceiptLine `json:"lines" maxItems:"1000" doc:"One line per SKU found; advised SKUs not listed count as 0 (short)"`
	Note  string        `json:"note,omitempty" maxLength:"300"`
}

// Receive records the receipt of an inbound: counted units go on hand,
// differences from the advice become the discrepancy report the merchant
// sees on the inbound. Sending the same receipt again returns the inbound.
func (s *Service) Receive(ctx context.Context, who auth.Principal, id string, r ReceiptRequest) (Inbound, error) {
	in, err := s.Store.Inbound(ctx, id)
	if postal.ErrorCode(err) == postal.CodeNotFound {
		return Inbound{}, postal.Errorf(postal.CodeNotFound, "inbound %s was never booked; the merchant books it first (POST /v1/inbounds)", id)
	}
	if err != nil {
		return Inbound{}, err
	}
	if err := operate(who, in.Warehouse, "receive inbound shipments", auth.RoleAdmin, auth.RoleOperator); err != nil {
		return Inbound{}, err
	}
	w, err := s.Store.Warehouse(ctx, in.Warehouse)
	if err != nil {
		return Inbound{}, err
	}
	lines, err := s.receiptLines(ctx, in, w, r)
	if err != nil {
		return Inbound{}, err
	}
	at := s.now()
	return s.Store.ReceiveInbound(ctx, id, at, func(cur *Inbound) (bool, error) {
		if cur.Status == InboundReceived && sameCounts(cur.Receipt.Lines, lines) {
			return false, nil // replay of the same receipt
		}
		if err := notReceivable(*cur); err != nil {
			return false, postal.Errorf(postal.CodeConflict, "%w", err)
		}
		cur.Receipt = &Receipt{Lines: lines, Discrepancies: Discrepancies(cur.Advised(), lines), Note: strings.TrimSpace(r.Note), By: who.KeyID, ReceivedAt: at}
		cur.Status = InboundReceived
		return true, nil
	})
}

// receiptLines validates the counted lines and completes them: advised
// units, a line for every advised SKU, and the bin each SKU goes to.
func (s *Service) receiptLines(ctx context.Context, in Inbound, w Warehouse, r ReceiptRequest) ([]ReceiptLine, error) {
	var fe postal.FieldList
	if utf8.RuneCountInString(r.Note) > 300 {
		fe.Add("note", "longer than 300 characters")
	}
	codes := []string{}
	seen := map[string]int{}
	for i, l := range r.Lines {
		p := fmt.Sprintf("lines[%d].", i)
		if !ValidSKUCode(l.SKU) {
			fe.Add(p+"sku", "%q is not a SKU code", l.SKU)
		} else if j, dup := seen[l.SKU]; dup {
			fe.Add(p+"sku", "%s is already lines[%d]", l.SKU, j)
		}
		seen[l.SKU] = i
		if l.Counted < 0 {
			fe.Add(p+"counted", "must be 0 or more, got %d", l.Counted)
		}
		if l.Damaged < 0 {
			fe.Add(p+"damaged", "must be 0 or more, got %d", l.Damaged)
		}
		codes = append(codes, l.SKU)
	}
	advised := in.Advised()
	codes = append(codes, sortedKeys(advised)...)
	skus, err := s.skuMap(ctx, in.Merchant, codes)
	if err != nil {
		return nil, err
	}
	bins, err := s.binsInUse(ctx, w.Code)
	if err != nil {
		return nil, err
	}
	out := make([]ReceiptLine, 0, len(r.Lines)+len(advised))
	for i, l := range r.Lines {
		p := fmt.Sprintf("lines[%d].", i)
		k, ok := skus[l.SKU]
		if !ok {
			if ValidSKUCode(l.SKU) {
				fe.Add(p+"sku", "merchant %s has no SKU %q", in.Merchant, l.SKU)
			}
			continue
		}
		l.Advised = advised[l.SKU]
		if l.Bin != "" {
			z, ok := w.ZoneOf(l.Bin)
			switch {
			case !ok:
				fe.Add(p+"bin", "%q is not a bin of warehouse %s", l.Bin, w.Code)
			case (z.Kind == ZoneDangerous) != k.DangerousGoods:
				fe.Add(p+"bin", "%s is in a %s zone; %s %s dangerous goods", l.Bin, z.Kind, l.SKU, map[bool]string{true: "contains", false: "has no"}[k.DangerousGoods])
			}
		} else if l.Counted > 0 {
			l.Bin = bins.assign(w, in.Merchant, k)
		}
		out = append(out, l)
	}
	for _, c := range sortedKeys(advised) {
		if _, listed := seen[c]; !listed {
			out = append(out, ReceiptLine{SKU: c, Advised: advised[c]})
		}
	}
	if err := fe.Err("the receipt has invalid fields; nothing was booked"); err != nil {
		return nil, err
	}
	return out, nil
}

func sameCounts(a, b []ReceiptLine) bool {
	return slices.EqualFunc(a, b, func(x, y ReceiptLine) bool {
		return x.SKU == y.SKU && x.Counted == y.Counted && x.Damaged == y.Damaged
	})
}

// binUse knows which bins hold what at a warehouse.
type binUse struct {
	of   map[[2]string]string // merchant, SKU → bin
	used map[string]bool
}

func (s *Service) binsInUse(ctx context.Context, warehouse string) (binUse, error) {
	rows, err := s.Store.Stock(ctx, StockFilter{Warehouse: warehouse})
	if err != nil {
		return binUse{}, err
	}
	b := binUse{of: map[[2]string]string{}, used: map[string]bool{}}
	for _, r := range rows {
		if r.Bin != "" {
			b.of[[2]string{r.Merchant, r.SKU}] = r.Bin
			b.used[r.Bin] = true
		}
	}
	return b, nil
}

// assign returns the SKU's bin: the one it is already kept in, else the
// first empty bin of a fitting zone (dangerous goods to dangerous zones,
// everything else elsewhere), else the first bin of a fitting zone (shared).
func (b binUse) assign(w Warehouse, merchant string, k SKU) string {
	if bin, ok := b.of[[2]string{merchant, k.Code}]; ok {
		return bin
	}
	first := ""
	for _, z := range w.Zones {
		if (z.Kind == ZoneDangerous) != k.DangerousGoods {
			continue
		}
		for _, bin := range z.BinCodes() {
			if first == "" {
				first = bin
			}
			if !b.used[bin] {
				b.used[bin] = true
				b.of[[2]string{merchant, k.Code}] = bin
				return bin
			}
		}
	}
	return first
}
