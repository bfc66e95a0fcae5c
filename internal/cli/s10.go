package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/postal"
)

func s10Cmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "s10", Short: "check and allocate UPU S10 item ids"}
	check := &cobra.Command{
		Use:   "check ID...",
		Short: "validate S10 ids and explain their parts",
		Long:  "Validate UPU S10 ids (e.g. EE123456785CN). Exits 2 if any id is invalid, naming the wrong part.",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			bad := 0
			var out []map[string]any
			for _, a := range args {
				id, err := postal.ParseS10(a)
				if err != nil {
					bad++
					if o.JSON {
						out = append(out, map[string]any{"id": a, "valid": false, "problem": err.Error()})
					} else {
						fmt.Fprintf(o.out, "%s\tinvalid: %v\n", a, err)
					}
					continue
				}
				svc, _ := postal.ServiceIndicatorClass(id.ServiceIndicator())
				cn, _ := postal.CountryName(id.Country())
				if o.JSON {
					out = append(out, map[string]any{"id": id, "valid": true, "service_indicator": id.ServiceIndicator(),
						"service": svc, "serial": string(id)[2:10], "check_digit": id.CheckDigit(), "country": id.Country(), "country_name": cn})
					continue
				}
				fmt.Fprintf(o.out, "%s\tvalid\tservice %s (%s)\tserial %s\tcheck digit %d\tcountry %s (%s)\n",
					id, id.ServiceIndicator(), svc, string(id)[2:10], id.CheckDigit(), id.Country(), cn)
			}
			if o.JSON {
				if err := json.NewEncoder(o.out).Encode(out); err != nil {
					return err
				}
			}
			if bad > 0 {
				return postal.Errorf(postal.CodeInvalid, "%d of %d ids are invalid", bad, len(args))
			}
			return nil
		},
	}
	var product string
	var count int
	next := &cobra.Command{
		Use:   "next",
		Short: "allocate the next S10 ids of a product's range",
		Long:  "Allocate (reserve) the next S10 ids from the product's serial ranges in the store, e.g. for pre-printed labels. Safe beside a running server.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.withApp(cmd.Context(), false, func(a *app.App) error {
				ids, err := a.Acceptance.AllocateS10(cmd.Context(), cliPrincipal, product, count)
				for _, id := range ids {
					fmt.Fprintln(o.out, id)
				}
				return asFlags(err, map[string]string{"product": "--product", "country": "--country", "count": "--count"})
			})
		},
	}
	next.Flags().StringVar(&product, "product", "", "product code: ems, parcel, registered-small-packet, small-packet, e-packet")
	next.Flags().IntVarP(&count, "count", "n", 1, "how many ids")
	_ = next.MarkFlagRequired("product")
	cmd.AddCommand(check, next)
	return cmd
}
