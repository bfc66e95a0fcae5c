package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/network"
)

func merchantsCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "merchants", Short: "manage merchants"}
	var name, office, country string
	add := &cobra.Command{
		Use: "add CODE", Short: "create or update a merchant", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m := acceptance.Merchant{Code: args[0], Name: name, Office: office, Country: country}
			err := o.withApp(cmd.Context(), false, func(a *app.App) (err error) {
				m, err = a.Merchants.Put(cmd.Context(), cliPrincipal, m)
				return asFlags(err, map[string]string{"office": "--office", "name": "--name", "country": "--country-of"})
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(o.errOut, "merchant %s saved\n", m.Code)
			return nil
		},
	}
	add.Flags().StringVar(&name, "name", "", "merchant name")
	add.Flags().StringVar(&office, "office", "", "office of exchange its items leave from, e.g. CNXMNA")
	add.Flags().StringVar(&country, "country-of", "CN", "merchant's country")
	cmd.AddCommand(add)
	return cmd
}

func officesCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "offices", Short: "import and list offices"}
	imp := &cobra.Command{
		Use: "import offices.csv", Short: "import offices (all or nothing; see docs/formats.md)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			offices, err := network.ReadOffices(f)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			err = o.withApp(cmd.Context(), false, func(a *app.App) error { return a.Network.PutOffices(cmd.Context(), offices) })
			if err != nil {
				return err
			}
			fmt.Fprintf(o.errOut, "imported %d offices\n", len(offices))
			return nil
		},
	}
	list := &cobra.Command{
		Use: "list", Short: "list offices", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var offices []network.Office
			err := o.withApp(cmd.Context(), false, func(a *app.App) (err error) {
				offices, err = a.Network.Offices(cmd.Context())
				return err
			})
			if err != nil {
				return err
			}
			if o.JSON {
				return json.NewEncoder(o.out).Encode(offices)
			}
			tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "CODE\tNAME\tCOUNTRY\tKIND\tTZ\tCONNECT\tCUSTOMS")
			for _, of := range offices {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d min\t%v\n", of.Code, of.Name, of.Country, of.Kind, of.TZ, of.ConnectMin, of.Customs)
			}
			return tw.Flush()
		},
	}
	cmd.AddCommand(imp, list)
	return cmd
}
