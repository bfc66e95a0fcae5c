package cli

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/postal"
)

func cebMatchCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "match FILE…",
		Short: "match orders, payments, waybills and inventories (三单对碰) before the inventory is sent",
		Long: `Read CEB311 orders, CEB411 payments, CEB511 waybills and CEB621 inventories (plain or in a
DxpMsg envelope; any number per file), group them by order number and compare each order's
documents the way customs does (docs/formats.md, "Three documents matched"): amounts, buyer and
payer identity, consignee, waybill number, weights, goods lines. Prints each order as MATCHED,
WAITING (documents missing) or MISMATCH with every differing field and each document's value
(identity numbers and phones masked). Exit status 0 when every order matched, 2 otherwise.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sets := map[string]*ceb.Documents{}
			var order []string
			for _, name := range args {
				f := readCEB(name, true)
				if !f.Valid {
					for _, p := range f.Problems {
						fmt.Fprintf(o.out, "%s: %s: %s\n", f.Name, p.Path, p.Reason)
					}
					return postal.Errorf(postal.CodeInvalid, "%s is not a valid CEB message", name)
				}
				es, nos := ceb.Entities(f.msg)
				if es == nil {
					return postal.Errorf(postal.CodeInvalid, "%s: a %s takes no part in matching (CEB311, CEB411, CEB511, CEB621 do)", name, f.Type)
				}
				for i, e := range es {
					d := sets[nos[i]]
					if d == nil {
						d = &ceb.Documents{}
						sets[nos[i]] = d
						order = append(order, nos[i])
					}
					slot := map[string]**ceb.Element{"CEB311": &d.Order, "CEB411": &d.Payment, "CEB511": &d.Waybill, "CEB621": &d.Inventory}[f.Type]
					if *slot != nil {
						return postal.Errorf(postal.CodeInvalid, "%s: order %s has a second %s", name, nos[i], f.Type)
					}
					*slot = e
				}
			}
			slices.Sort(order)
			var results []ceb.MatchResult
			unmatched := 0
			for _, no := range order {
				r := ceb.Match(*sets[no])
				if !r.Matched() {
					unmatched++
				}
				results = append(results, r)
			}
			if o.JSON {
				enc := json.NewEncoder(o.out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(results); err != nil {
					return err
				}
			} else {
				for _, r := range results {
					switch {
					case len(r.Mismatches) > 0:
						fmt.Fprintf(o.out, "%s MISMATCH (%d)\n", r.OrderNo, len(r.Mismatches))
					case len(r.Missing) > 0:
						fmt.Fprintf(o.out, "%s WAITING for %v\n", r.OrderNo, r.Missing)
					default:
						fmt.Fprintf(o.out, "%s MATCHED\n", r.OrderNo)
					}
					for _, m := range r.Mismatches {
						fmt.Fprintf(o.out, "  %s\n", m.Check)
						for _, v := range m.Values {
							fmt.Fprintf(o.out, "    %s %-32s %s\n", v.Doc, v.Path, v.Value)
						}
					}
				}
			}
			if unmatched > 0 {
				return postal.Errorf(postal.CodeInvalid, "%d of %d orders not matched", unmatched, len(results))
			}
			return nil
		},
	}
}
