package customs

import (
	"context"
	"fmt"
	"strings"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// DeclareMany is Declare for many declarations at once (an inward office
// of exchange clearing a received dispatch with its pre-advised item
// data): the same checks, screening and storage as Declare, validated and
// screened on every core and stored in one transaction, without a
// manifest file in between. items[i] is the stored item of ds[i] when
// errs[i] is nil; errs[i] is what Declare would have answered for it
// alone: invalid or forbidden fields, or a conflict when the item is
// already declared (stored before, or earlier in ds). Storage failures
// are the returned error and store nothing.
func (s *Service) DeclareMany(ctx context.Context, who auth.Principal, ds []Declaration) (items []Item, errs []error, err error) {
	e, err := s.rules()
	if err != nil {
		return nil, nil, err
	}
	items, errs = make([]Item, len(ds)), make([]error, len(ds))
	if len(ds) == 0 {
		return items, errs, nil
	}
	offices := map[string]*officeLookup{}
	for i := range ds {
		code := normOffice(ds[i].Office)
		if _, ok := offices[code]; ok {
			continue
		}
		o, err := s.Offices.Office(ctx, code)
		switch {
		case err == nil:
			offices[code] = &officeLookup{o: o, found: true}
		case postal.ErrorCode(err) == postal.CodeNotFound:
			offices[code] = &officeLookup{}
		default:
			return nil, nil, err
		}
	}
	valid := make([]Declaration, len(ds))
	if err := parallel(len(ds), func(i int) error {
		if err := mayDeclare(who, ds[i].Direction); err != nil {
			errs[i] = err
			return nil
		}
		v, err := Validate(ds[i], e.Money())
		if err != nil {
			errs[i] = err
			return nil
		}
		ol := offices[v.Office]
		if ol == nil {
			ol = &officeLookup{}
		}
		if fe, forbidden := checkOffice(who, &v, ol.o, ol.found); len(fe) > 0 {
			if forbidden {
				errs[i] = &postal.Error{Code: postal.CodeForbidden, Message: fmt.Sprintf("you may not declare items at office %s", v.Office), Fields: fe}
			} else {
				errs[i] = fe.Err("the declaration has invalid fields")
			}
			return nil
		}
		valid[i] = v
		return nil
	}); err != nil {
		return nil, nil, err
	}
	var idx []int
	var batch []Declaration
	seen := make(map[string]bool, len(ds))
	for i := range ds {
		switch {
		case errs[i] != nil:
		case seen[valid[i].ID]:
			errs[i] = postal.Errorf(postal.CodeConflict, "item %s is already declared", valid[i].ID)
		default:
			seen[valid[i].ID] = true
			idx, batch = append(idx, i), append(batch, valid[i])
		}
	}
	if len(batch) == 0 {
		return items, errs, nil
	}
	err = s.Store.ImportItems(ctx, func(tx ImportTx) error {
		stored, err := s.screenBatch(ctx, tx, e, batch, "", s.now())
		if err != nil {
			return err
		}
		dups, err := tx.InsertItems(ctx, stored)
		if err != nil {
			return err
		}
		dup := make(map[int]bool, len(dups))
		for _, j := range dups {
			dup[j] = true
		}
		for j, i := range idx {
			if dup[j] {
				errs[i] = postal.Errorf(postal.CodeConflict, "item %s is already declared", batch[j].ID)
			} else {
				items[i] = stored[j]
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return items, errs, nil
}

type officeLookup struct {
	o     network.Office
	found bool
}

func normOffice(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }
