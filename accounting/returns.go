package accounting

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// BasisReturned marks the charge for sending an item back (package returns).
const BasisReturned = "returned"

// ReturnKinds are the kinds of return returns.csv rates (package returns
// names them; accounting only checks the column).
var ReturnKinds = []string{"undeliverable", "customs_import", "customs_export", "merchant", "abroad"}

// ErrNoReturnRate is wrapped by PostReturn when the tariff in force has no
// returns.csv row for the return: nothing is posted, the caller may post
// again once a tariff with one is imported.
var ErrNoReturnRate = errors.New("no return charge in the tariff")

// ReturnFact is an item sent back, as the ledger charges it.
type ReturnFact struct {
	Return   string // the return's id
	Item     string // S10
	Kind     string // one of ReturnKinds
	Product  string // the item's product (ems, parcel, …)
	WeightG  int
	At       time.Time // when the return was decided
	Debtor   Party     // who pays: the merchant, or the origin post
	Merchant string
	Origin   string // country the item came from
	Dest     string // country it goes back to
}

// PostReturn posts the return charge of f from the tariff in force on
// f.At: Debtor owes our post per item and per kg of returns.csv. Posting
// the same return again posts nothing and returns the entry already
// posted, so a retried call is harmless.
func (s *Service) PostReturn(ctx context.Context, f ReturnFact) (Entry, error) {
	key := "ret/" + f.Item
	existing, err := s.allEntries(ctx, EntryFilter{Item: f.Item, Kind: KindReturn, Key: key})
	if err != nil {
		return Entry{}, fmt.Errorf("return charge of %s: %w", f.Item, err)
	}
	if len(existing) > 0 {
		return existing[0], nil
	}
	set, err := s.Tariff(ctx, "")
	if err != nil {
		return Entry{}, fmt.Errorf("return charge of %s: %w", f.Item, err)
	}
	row := set.ReturnFor(f.Kind, f.Product, day(f.At))
	if row == nil {
		return Entry{}, fmt.Errorf("return charge of %s (%s, %s) on %s: %w in %s of tariff %s", f.Item, f.Kind, f.Product, day(f.At), ErrNoReturnRate, ReturnsFile, set.Version)
	}
	c := Charge{Key: key, Kind: KindReturn, Category: f.Kind, At: f.At.UTC(), Debtor: f.Debtor, Creditor: s.Home(),
		Amount: Round(row.For(1, f.WeightG), row.Currency), Currency: row.Currency, Items: 1, WeightG: f.WeightG,
		Basis: BasisReturned, Item: f.Item, Merchant: f.Merchant, Origin: f.Origin, Dest: f.Dest, Product: f.Product,
		TariffVersion: set.Version, TariffRow: row.Ref(),
		Rate: fmt.Sprintf("%s + %s × %s kg (return %s, %s)", row.PerItem, row.PerKg, kg(f.WeightG).StringFixed(3), f.Return, f.Kind)}
	posted, err := s.Store.AppendEntries(ctx, []Entry{{Charge: c, PostedAt: s.now()}})
	if err != nil {
		return Entry{}, fmt.Errorf("return charge of %s: %w", f.Item, err)
	}
	return posted[0], nil
}
