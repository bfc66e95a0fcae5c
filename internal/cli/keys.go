package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/internal/app"
)

func keysCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "keys", Short: "create, list and revoke API keys"}
	var role, merchant, partner, offices, label string
	create := &cobra.Command{
		Use:   "create",
		Short: "create an API key and print it once",
		Long:  "Create an API key. The key is printed once and stored only as a hash; it works against a running server on the same --data or --db.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var scope []string
			if offices != "" {
				scope = strings.Split(offices, ",")
			}
			var k auth.Key
			var secret string
			err := o.withApp(cmd.Context(), false, func(a *app.App) (err error) {
				k, secret, err = a.Auth.CreateKey(cmd.Context(), cliPrincipal, auth.KeyRequest{Role: auth.Role(role), Merchant: merchant,
					Partner: partner, Offices: scope, Label: label})
				return asFlags(err, map[string]string{"role": "--role", "merchant": "--merchant", "partner": "--partner", "offices": "--offices"})
			})
			if err != nil {
				return err
			}
			if o.JSON {
				return json.NewEncoder(o.out).Encode(map[string]string{"key": secret, "id": k.ID, "role": string(k.Role)})
			}
			fmt.Fprintf(o.out, "%s\n", secret)
			fmt.Fprintf(o.errOut, "created key %s (role %s). It is shown only now; store it safely.\n", k.ID, k.Role)
			return nil
		},
	}
	f := create.Flags()
	f.StringVar(&role, "role", "", "admin, operator, customs, merchant or partner (required)")
	f.StringVar(&merchant, "merchant", "", "merchant code (role merchant)")
	f.StringVar(&partner, "partner", "", "partner post or carrier code (role partner)")
	f.StringVar(&offices, "offices", "", "comma-separated office codes in scope (operator, customs)")
	f.StringVar(&label, "label", "", "a note saying what the key is for")
	_ = create.MarkFlagRequired("role")

	list := &cobra.Command{
		Use: "list", Short: "list keys (never their secrets)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var keys []auth.Key
			err := o.withApp(cmd.Context(), false, func(a *app.App) (err error) {
				keys, err = a.Auth.Keys(cmd.Context(), cliPrincipal)
				return err
			})
			if err != nil {
				return err
			}
			if o.JSON {
				return json.NewEncoder(o.out).Encode(keys)
			}
			tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tROLE\tSCOPE\tLABEL\tCREATED\tREVOKED")
			for _, k := range keys {
				scope := k.Merchant + k.Partner + strings.Join(k.Offices, ",")
				revoked := ""
				if !k.RevokedAt.IsZero() {
					revoked = k.RevokedAt.Format(time.DateTime)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Role, scope, k.Label, k.CreatedAt.Format(time.DateTime), revoked)
			}
			return tw.Flush()
		},
	}
	revoke := &cobra.Command{
		Use: "revoke ID", Short: "revoke a key", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			err := o.withApp(cmd.Context(), false, func(a *app.App) error {
				return a.Auth.RevokeKey(cmd.Context(), cliPrincipal, args[0])
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(o.errOut, "revoked key %s\n", args[0])
			return nil
		},
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}
