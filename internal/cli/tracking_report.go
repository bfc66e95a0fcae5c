package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

func reportCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "report", Short: "performance reports: end-to-end per lane, delivery standards"}
	cmd.AddCommand(reportE2ECmd(o), reportStandardsCmd(o))
	return cmd
}

func reportE2ECmd(o *Options) *cobra.Command {
	var from, to, csvPath string
	cmd := &cobra.Command{
		Use:   "e2e",
		Short: "end-to-end performance per lane and week: volume, J+n, share within the standard, segments",
		Long: `For the items posted (EMA) from --from to --to, per lane (origin, destination,
product) and ISO week of posting: volume, items delivered, the J+n distribution (working
days from posting to delivery, UPU convention), the share delivered within the lane's
delivery standard, undelivered items already late, and the median hours of origin
handling (EMA→EMC), transport (EMC→EMD), destination customs (EMD→EMF) and last mile
(EMF→EMI). Prints a table (--json: JSON); --csv FILE also writes the rows as CSV
(--csv - prints CSV instead of the table).`,
		Example: `  interpost report e2e --from 2026-11-01 --to 2026-11-30`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.withTracking(cmd.Context(), func(a *app.App, svc *tracking.Service) error {
				today, err := postToday(cmd.Context(), a)
				if err != nil {
					return err
				}
				f, t, err := reportPeriod(from, to, today)
				if err != nil {
					return err
				}
				if _, err := svc.CatchUp(cmd.Context()); err != nil {
					return err
				}
				rep, err := svc.E2E(cmd.Context(), f, t)
				if err != nil {
					return err
				}
				if csvPath != "" && csvPath != "-" {
					if err := writeReportCSV(csvPath, rep); err != nil {
						return err
					}
					fmt.Fprintf(o.errOut, "wrote %s (%d rows)\n", csvPath, len(rep.Lanes))
				}
				if csvPath == "-" {
					return rep.WriteCSV(o.out)
				}
				if o.JSON {
					return json.NewEncoder(o.out).Encode(rep)
				}
				return printE2E(o.out, rep)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "first posting date YYYY-MM-DD (default: 30 days before --to)")
	f.StringVar(&to, "to", "", "last posting date YYYY-MM-DD (default: today where the post is)")
	f.StringVar(&csvPath, "csv", "", "also write the rows to this CSV file (- prints CSV instead of the table)")
	return cmd
}

// reportPeriod parses --from and --to; --to defaults to today, --from to
// 30 days before --to.
func reportPeriod(from, to string, today civil.Date) (time.Time, time.Time, error) {
	var fe postal.FieldList
	if to == "" {
		to = today.String()
	}
	t, err := time.Parse(time.DateOnly, to)
	if err != nil {
		fe.Add("--to", "%q is not a date YYYY-MM-DD", to)
	}
	if from == "" && err == nil {
		from = t.AddDate(0, 0, -30).Format(time.DateOnly)
	}
	f, err := time.Parse(time.DateOnly, from)
	if err != nil {
		fe.Add("--from", "%q is not a date YYYY-MM-DD", from)
	}
	if err := fe.Err("bad period"); err != nil {
		return time.Time{}, time.Time{}, err
	}
	return f, t, nil
}

func writeReportCSV(path string, rep tracking.Report) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := rep.WriteCSV(f); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

func printE2E(w io.Writer, rep tracking.Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LANE\tWEEK\tPOSTED\tDELIV\tSTD\tON TIME\tLATE*\tJ+n (0…9, 10+)\tORIGIN h\tTRANSPORT h\tCUSTOMS h\tLAST MILE h\t")
	for _, l := range rep.Lanes {
		jn := make([]string, len(l.JN))
		for i, n := range l.JN {
			jn[i] = strconv.Itoa(n)
		}
		share := "-"
		if l.Delivered > 0 {
			share = fmt.Sprintf("%.0f%%", 100*l.OnTimeShare)
		}
		seg := func(name string) string {
			st := l.Segments[name]
			if st.Count == 0 {
				return "-"
			}
			return fmt.Sprintf("%.0f", st.Median)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\tJ+%d\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t\n", l.Lane, l.Week, l.Volume, l.Delivered, l.StandardDays, share, l.Late,
			strings.Join(jn, " "), seg("origin_handling"), seg("transport"), seg("destination_customs"), seg("last_mile"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s … %s: ON TIME = delivered within the standard / delivered; LATE* = not delivered, already past the standard; segment hours are medians.\n", rep.From, rep.To)
	return nil
}

func reportStandardsCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "standards [set LANE DAYS]",
		Short: "list the lanes' J+n delivery standards, or set one",
		Example: `  interpost report standards
  interpost report standards set CN-PL:ems 5
  interpost report standards set CN-US 8`,
		Args: cobra.MaximumNArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withTracking(cmd.Context(), func(_ *app.App, svc *tracking.Service) error {
				if len(args) > 0 {
					if len(args) != 3 || args[0] != "set" {
						return postal.Invalid("usage", postal.FieldError{Message: "interpost report standards set ORIGIN-DEST[:product] DAYS"})
					}
					lane, err := tracking.ParseLane(args[1])
					if err != nil {
						return err
					}
					days, err := strconv.Atoi(args[2])
					if err != nil {
						return postal.Invalid("bad days", postal.FieldError{Field: "DAYS", Message: fmt.Sprintf("%q is not a number of working days", args[2])})
					}
					if err := svc.PutStandard(cmd.Context(), tracking.Standard{Origin: lane.Origin, Dest: lane.Dest, Product: lane.Product, Days: days}); err != nil {
						return err
					}
				}
				stds, err := svc.Standards(cmd.Context())
				if err != nil {
					return err
				}
				if o.JSON {
					return json.NewEncoder(o.out).Encode(stds)
				}
				tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ORIGIN\tDEST\tPRODUCT\tSTANDARD")
				for _, s := range stds {
					fmt.Fprintf(tw, "%s\t%s\t%s\tJ+%d\n", orAny(s.Origin), orAny(s.Dest), orAny(s.Product), s.Days)
				}
				fmt.Fprintf(tw, "(other lanes)\t\t\tJ+%d\n", tracking.DefaultStandardDays)
				return tw.Flush()
			})
		},
	}
	return cmd
}

func orAny(s string) string {
	if s == "" {
		return "*"
	}
	return s
}

func webhooksCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "webhooks", Short: "merchants' webhook subscriptions and their deliveries"}
	list := &cobra.Command{
		Use: "list", Short: "list subscriptions", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.withTracking(cmd.Context(), func(_ *app.App, svc *tracking.Service) error {
				subs, err := svc.Subscriptions(cmd.Context(), cliAdmin)
				if err != nil {
					return err
				}
				if o.JSON {
					return json.NewEncoder(o.out).Encode(subs)
				}
				tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tMERCHANT\tURL\tSTATUSES\tDISABLED")
				for _, s := range subs {
					sts := make([]string, len(s.Statuses))
					for i, st := range s.Statuses {
						sts[i] = string(st)
					}
					disabled := ""
					if !s.DisabledAt.IsZero() {
						disabled = s.DisabledAt.Format(time.DateOnly)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.ID, s.Merchant, s.URL, orAny(strings.Join(sts, ",")), disabled)
				}
				return tw.Flush()
			})
		},
	}
	var merchant, url, statuses string
	create := &cobra.Command{
		Use: "create", Short: "subscribe a merchant's endpoint to its items' status changes", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.withTracking(cmd.Context(), func(_ *app.App, svc *tracking.Service) error {
				var sts []string
				if statuses != "" {
					sts = strings.Split(statuses, ",")
				}
				sub, err := svc.Subscribe(cmd.Context(), auth.Principal{Role: auth.RoleAdmin}, merchant, url, sts)
				if err != nil {
					return err
				}
				if o.JSON {
					return json.NewEncoder(o.out).Encode(map[string]any{"subscription": sub, "secret": sub.Secret})
				}
				fmt.Fprintf(o.out, "subscription %s for %s → %s\nsecret (shown once): %s\n", sub.ID, sub.Merchant, sub.URL, sub.Secret)
				return nil
			})
		},
	}
	create.Flags().StringVar(&merchant, "merchant", "", "merchant code")
	create.Flags().StringVar(&url, "url", "", "endpoint URL")
	create.Flags().StringVar(&statuses, "statuses", "", "comma-separated statuses to notify (default: all)")
	deliveries := &cobra.Command{
		Use: "deliveries ID", Short: "list a subscription's deliveries, newest first", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withTracking(cmd.Context(), func(_ *app.App, svc *tracking.Service) error {
				ds, _, err := svc.Deliveries(cmd.Context(), cliAdmin, args[0], "", 100)
				if err != nil {
					return err
				}
				if o.JSON {
					return json.NewEncoder(o.out).Encode(ds)
				}
				tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "DELIVERY\tITEM\tSTATUS\tSTATE\tATTEMPTS\tLAST\tNEXT")
				for _, d := range ds {
					last := d.LastError
					if d.LastStatus != 0 && last == "" {
						last = strconv.Itoa(d.LastStatus)
					}
					next := ""
					if !d.NextAttempt.IsZero() {
						next = d.NextAttempt.Format(time.RFC3339)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", d.ID, d.Object, d.Status, d.State, d.Attempts, last, next)
				}
				return tw.Flush()
			})
		},
	}
	remove := &cobra.Command{
		Use: "delete ID", Short: "stop a subscription", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withTracking(cmd.Context(), func(_ *app.App, svc *tracking.Service) error {
				return svc.Unsubscribe(cmd.Context(), cliAdmin, args[0])
			})
		},
	}
	cmd.AddCommand(list, create, deliveries, remove)
	return cmd
}
