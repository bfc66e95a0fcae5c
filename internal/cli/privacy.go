package cli

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/privacy"
)

// parseRetention reads --retention: purpose=months pairs, comma-separated.
func parseRetention(s string) (privacy.Retention, error) {
	var r privacy.Retention
	if strings.TrimSpace(s) == "" {
		return r, nil
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n <= 0 || n > 1200 {
			return r, postal.Invalid("bad --retention", postal.FieldError{Field: "--retention",
				Message: fmt.Sprintf("%s: want purpose=months with months 1..1200, e.g. shipments=24,customs=36", postal.Quote(kv))})
		}
		switch k {
		case "shipments":
			r.Shipments = n
		case "orders":
			r.Orders = n
		case "customs":
			r.Customs = n
		case "audit":
			r.Audit = n
		default:
			return r, postal.Invalid("bad --retention", postal.FieldError{Field: "--retention",
				Message: fmt.Sprintf("unknown purpose %s: shipments, orders, customs or audit", postal.Quote(k))})
		}
	}
	return r, nil
}

// parseMoment reads a day (YYYY-MM-DD, midnight UTC) or an RFC 3339 time.
func parseMoment(flag, s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, postal.Invalid("bad "+flag, postal.FieldError{Field: flag, Message: postal.Quote(s) + ": give a day YYYY-MM-DD or an RFC 3339 time"})
	}
	return t, nil
}

func privacyCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "privacy", Short: "erase personal data past its retention; export what is stored about a person",
		Long: "Personal data (names, addresses, phones, e-mails of senders, addressees and buyers) is kept for --retention\n" +
			"and then erased; `serve` does it by itself every 6 hours. See docs/privacy.md."}
	var before string
	erase := &cobra.Command{
		Use: "erase", Short: "erase personal data past its retention now (or all of it older than --before)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var at time.Time
			if before != "" {
				var err error
				if at, err = parseMoment("--before", before); err != nil {
					return err
				}
			}
			var run privacy.Run
			err := o.withApp(cmd.Context(), false, func(a *app.App) (err error) {
				run, err = a.Privacy.Erase(cmd.Context(), "cli", at)
				return asFlags(err, map[string]string{"before": "--before"})
			})
			if err != nil {
				return err
			}
			if o.JSON {
				return json.NewEncoder(o.out).Encode(run)
			}
			for _, k := range privacy.Kinds {
				fmt.Fprintf(o.out, "%-13s %7d erased (data before %s)\n", k, run.Erased[k], run.Cutoffs[k].Format(time.RFC3339))
			}
			return nil
		},
	}
	erase.Flags().StringVar(&before, "before", "", "erase every purpose's personal data from before this day or time instead of its retention")

	var q privacy.Query
	export := &cobra.Command{
		Use: "export", Short: "print everything stored about a person as JSON", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var ex privacy.Export
			err := o.withApp(cmd.Context(), false, func(a *app.App) (err error) {
				ex, err = a.Privacy.Export(cmd.Context(), cliPrincipal, q)
				return err
			})
			if err != nil {
				return err
			}
			enc := json.NewEncoder(o.out)
			enc.SetIndent("", "  ")
			return enc.Encode(ex)
		},
	}
	f := export.Flags()
	f.StringVar(&q.Name, "name", "", "full name (ignoring case)")
	f.StringVar(&q.Email, "email", "", "e-mail address (ignoring case)")
	f.StringVar(&q.Phone, "phone", "", "phone number (compared by its digits)")
	cmd.AddCommand(erase, export)
	return cmd
}

func auditCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "the staff audit log"}
	var from, to string
	export := &cobra.Command{
		Use: "export", Short: "print the audit log between --from and --to as CSV", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := parseMoment("--from", from)
			if err != nil {
				return err
			}
			t, err := parseMoment("--to", to)
			if err != nil {
				return err
			}
			return o.withApp(cmd.Context(), false, func(a *app.App) error {
				_, err := a.Audit.WriteCSV(cmd.Context(), cliPrincipal, f, t, o.out)
				return err
			})
		},
	}
	export.Flags().StringVar(&from, "from", "", "start day or time, inclusive (required)")
	export.Flags().StringVar(&to, "to", "", "end day or time, exclusive (required)")
	_ = export.MarkFlagRequired("from")
	_ = export.MarkFlagRequired("to")
	cmd.AddCommand(export)
	return cmd
}
