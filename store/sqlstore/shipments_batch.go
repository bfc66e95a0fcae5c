package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/postal"
)

// CreateShipments implements acceptance.BatchStore. Idempotency keys are
// looked up first; the items that need an id then take their S10 serials in
// one block per range (one UPDATE for a whole upload, not one per item).
func (s *Store) CreateShipments(ctx context.Context, ns []acceptance.NewShipment, progress func(done int)) ([]acceptance.BatchResult, error) {
	out := make([]acceptance.BatchResult, len(ns))
	err := s.tx(ctx, func(tx *sql.Tx) error {
		clear(out)
		fresh, same, err := s.replays(ctx, tx, ns, out)
		if err != nil {
			return err
		}
		ids, err := s.allocateBlocks(ctx, tx, ns, fresh)
		if err != nil {
			return err
		}
		insShip, err := tx.PrepareContext(ctx, s.q(insertShipment))
		if err != nil {
			return s.wrap(err, "prepare shipment insert")
		}
		defer insShip.Close()
		var terms []termRow
		insKey, err := tx.PrepareContext(ctx, s.q(`INSERT INTO idempotency_keys (merchant, key, request_hash, shipment_id, created_at)
			VALUES (?, ?, ?, ?, ?)`))
		if err != nil {
			return s.wrap(err, "prepare idempotency insert")
		}
		defer insKey.Close()
		for k, i := range fresh {
			n := ns[i]
			sh := n.Shipment
			sh.ID = ids[k]
			body, err := json.Marshal(sh)
			if err != nil {
				return fmt.Errorf("encode shipment %s: %w", sh.ID, err)
			}
			var seq int64
			if err := insShip.QueryRowContext(ctx, string(sh.ID), sh.Merchant, sh.MerchantRef, sh.Product, sh.Status, sh.OriginOffice,
				sh.Addressee.Country, sh.WeightG, s.t(sh.CreatedAt), s.t(sh.CreatedAt), string(body)).Scan(&seq); err != nil {
				return s.wrap(err, "insert shipment "+string(sh.ID))
			}
			terms = appendTerms(terms, seq, sh)
			if n.IdempotencyKey != "" {
				if _, err := insKey.ExecContext(ctx, sh.Merchant, n.IdempotencyKey, n.RequestHash, string(sh.ID), s.t(sh.CreatedAt)); err != nil {
					return s.wrap(err, "record idempotency key")
				}
			}
			out[i] = acceptance.BatchResult{Shipment: sh, Created: true}
			if progress != nil && (k+1)%500 == 0 {
				progress(len(ns) - len(fresh) + k + 1)
			}
		}
		for i, f := range same {
			out[i] = acceptance.BatchResult{Shipment: out[f].Shipment, Err: out[f].Err}
		}
		return s.insertTerms(ctx, tx, terms)
	})
	if err != nil {
		return nil, err
	}
	if progress != nil {
		progress(len(ns))
	}
	return out, nil
}

// replays fills out for the items whose idempotency key is already used (in
// the store or earlier in ns) and returns the indexes of the others, and
// of the items repeating an earlier one of ns (item → earlier item).
func (s *Store) replays(ctx context.Context, tx *sql.Tx, ns []acceptance.NewShipment, out []acceptance.BatchResult) ([]int, map[int]int, error) {
	look, err := tx.PrepareContext(ctx, s.q(`SELECT request_hash, shipment_id FROM idempotency_keys WHERE merchant = ? AND key = ?`))
	if err != nil {
		return nil, nil, s.wrap(err, "prepare idempotency look-up")
	}
	defer look.Close()
	type first struct {
		index int
		hash  string
	}
	inBatch := map[[2]string]first{}
	fresh := make([]int, 0, len(ns))
	same := map[int]int{}
	for i, n := range ns {
		if n.IdempotencyKey == "" {
			fresh = append(fresh, i)
			continue
		}
		k := [2]string{n.Shipment.Merchant, n.IdempotencyKey}
		if f, ok := inBatch[k]; ok {
			if f.hash != n.RequestHash {
				out[i].Err = acceptance.ErrIdempotencyMismatch
			} else {
				same[i] = f.index
			}
			continue
		}
		inBatch[k] = first{i, n.RequestHash}
		var hash, id string
		err := look.QueryRowContext(ctx, n.Shipment.Merchant, n.IdempotencyKey).Scan(&hash, &id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			fresh = append(fresh, i)
		case err != nil:
			return nil, nil, s.wrap(err, "look up idempotency key")
		case hash != n.RequestHash:
			out[i].Err = acceptance.ErrIdempotencyMismatch
		default:
			sh, err := s.shipment(ctx, tx, id)
			if err != nil {
				return nil, nil, err
			}
			out[i] = acceptance.BatchResult{Shipment: sh}
		}
	}
	return fresh, same, nil
}

// allocateBlocks returns one new S10 id for each of ns[fresh], in order.
func (s *Store) allocateBlocks(ctx context.Context, tx *sql.Tx, ns []acceptance.NewShipment, fresh []int) ([]postal.S10, error) {
	ids := make([]postal.S10, len(fresh))
	groups := map[string][]int{} // ranges+country → positions in fresh
	var order []string
	for k, i := range fresh {
		g := strings.Join(ns[i].Indicators, ",") + "|" + ns[i].Country
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], k)
	}
	for _, g := range order {
		pos := groups[g]
		n := ns[fresh[pos[0]]]
		for _, ind := range n.Indicators {
			if len(pos) == 0 {
				break
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO s10_series (indicator, country, next_serial) VALUES (?, ?, 0)
				ON CONFLICT (indicator, country) DO NOTHING`), ind, n.Country); err != nil {
				return nil, s.wrap(err, "open S10 range")
			}
			var first int64
			err := tx.QueryRowContext(ctx, s.q(`UPDATE s10_series SET next_serial = next_serial + ?
				WHERE indicator = ? AND country = ? AND next_serial + ? - 1 <= ? RETURNING next_serial - ?`),
				len(pos), ind, n.Country, len(pos), acceptance.MaxSerial, len(pos)).Scan(&first)
			if errors.Is(err, sql.ErrNoRows) {
				continue // not room for the whole block: the items below take what is left one by one
			}
			if err != nil {
				return nil, s.wrap(err, "bump S10 serials")
			}
			for j, k := range pos {
				id, err := postal.NewS10(ind, uint32(first)+uint32(j), n.Country)
				if err != nil {
					return nil, err
				}
				ids[k] = id
			}
			pos = nil
		}
		for _, k := range pos {
			id, err := s.allocate(ctx, tx, n.Indicators, n.Country)
			if err != nil {
				return nil, err
			}
			ids[k] = id
		}
	}
	return ids, nil
}
