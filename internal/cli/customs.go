package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/postal"
)

// rates reads the --rates table, or returns the built-in one.
func (o *Options) rates() (postal.Rates, error) {
	if o.Rates == "" {
		return postal.DefaultRates(), nil
	}
	f, err := os.Open(o.Rates)
	if err != nil {
		return postal.Rates{}, postal.Errorf(postal.CodeInvalid, "rates table: %w", err)
	}
	defer f.Close()
	r, err := customs.ReadRates(f)
	if err != nil {
		return postal.Rates{}, fmt.Errorf("%s: %w", o.Rates, err)
	}
	return r, nil
}

func customsCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "customs", Short: "customs supervision: manifests, rules, queues, decisions"}
	cmd.AddCommand(customsImportCmd(o), customsRulesCmd(o), customsQueueCmd(o), customsShowCmd(o), customsDecideCmd(o), customsSyncCmd(o), customsCEBCmd(o), customsListsCmd(o))
	return cmd
}

// countingReader reports progress through a file.
type countingReader struct {
	r        io.Reader
	done     int
	all      int
	progress func(done, all int)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.done += n
	c.progress(c.done, c.all)
	return n, err
}

func customsImportCmd(o *Options) *cobra.Command {
	var atomic, dryRun bool
	var format, report string
	cmd := &cobra.Command{
		Use:   "import manifest.csv|manifest.jsonl",
		Short: "import a manifest of declarations (CSV or JSON lines)",
		Long: `Validate, screen and store a manifest of customs declarations (docs/formats.md,
"Customs manifests"). By default every valid declaration is stored and the rejected
ones are listed by line, field and reason; with --atomic one rejected declaration
stores nothing. Either way the import is one transaction: an interrupted import
stores nothing. --dry-run screens without storing.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format == "" {
				format = customs.FormatOf(args[0])
			}
			if format == "" {
				return postal.Invalid("unknown manifest format", postal.FieldError{Field: "--format", Message: "name the file .csv or .jsonl, or give --format csv|jsonl"})
			}
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			fi, err := f.Stat()
			if err != nil {
				return err
			}
			return o.withCustoms(cmd.Context(), func(svc *customs.Service, _ *app.App) error {
				opts := customs.ImportOptions{Format: format, Atomic: atomic, DryRun: dryRun, Name: filepath.Base(args[0])}
				if report != "" {
					opts.MaxListed = 1 << 30
				}
				r := &countingReader{r: f, all: int(fi.Size()), progress: progress(o.errOut, "importing "+filepath.Base(args[0]))}
				rep, err := svc.ImportManifest(cmd.Context(), auth.Principal{Role: auth.RoleAdmin}, r, opts)
				if err != nil {
					return err
				}
				if report != "" {
					if err := writeJSONFile(report, rep); err != nil {
						return err
					}
				}
				if o.JSON {
					if err := json.NewEncoder(o.out).Encode(rep); err != nil {
						return err
					}
				} else {
					printReport(o.out, rep, report)
				}
				if !rep.Stored && !dryRun {
					return postal.Errorf(postal.CodeInvalid, "nothing stored: %d of %d declarations rejected", rep.Rejected, rep.Declarations)
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&atomic, "atomic", false, "store nothing if any declaration is rejected")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "validate and screen only")
	cmd.Flags().StringVar(&format, "format", "", "csv or jsonl (default: from the file name)")
	cmd.Flags().StringVar(&report, "report", "", "write the full report (every error and flagged item) as JSON to this file")
	return cmd
}

func writeJSONFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// printReport prints a manifest report for people: counts, then up to 20
// errors and 20 flagged items.
func printReport(w io.Writer, rep customs.ImportReport, reportFile string) {
	state := "stored as manifest " + rep.Manifest
	switch {
	case rep.DryRun:
		state = "dry run, nothing stored"
	case !rep.Stored:
		state = "NOTHING STORED"
	}
	fmt.Fprintf(w, "%s: %d lines, %d declarations: %d accepted, %d rejected (%s; rules %s)\n",
		rep.Name, rep.Lines, rep.Declarations, rep.Accepted, rep.Rejected, state, rep.RulesVersion)
	var acts []string
	for _, a := range risk.Actions {
		if n := rep.Actions[a]; n > 0 {
			acts = append(acts, fmt.Sprintf("%s %d", a, n))
		}
	}
	fmt.Fprintf(w, "proposed actions: %s\n", strings.Join(acts, ", "))
	more := func(shown, total int, what string) {
		if total > shown {
			hint := ""
			if reportFile == "" {
				hint = " (--report FILE lists them all)"
			} else {
				hint = " (all in " + reportFile + ")"
			}
			fmt.Fprintf(w, "  … %d more %s%s\n", total-shown, what, hint)
		}
	}
	if len(rep.Errors) > 0 {
		fmt.Fprintln(w, "\nrejected:")
		for _, e := range rep.Errors[:min(20, len(rep.Errors))] {
			fmt.Fprintln(w, "  "+e.String())
		}
		more(min(20, len(rep.Errors)), len(rep.Errors)+rep.ErrorsOmitted, "errors")
	}
	if len(rep.Flagged) > 0 {
		fmt.Fprintln(w, "\nnot released (line, item, score, proposed action, reasons):")
		for _, f := range rep.Flagged[:min(20, len(rep.Flagged))] {
			fmt.Fprintf(w, "  line %d  %s  score %d  %s\n", f.Line, f.ItemID, f.Score, f.Action)
			for _, r := range f.Reasons {
				fmt.Fprintf(w, "      - %s\n", r)
			}
		}
		more(min(20, len(rep.Flagged)), len(rep.Flagged)+rep.FlaggedOmitted, "flagged items")
	}
}

func customsRulesCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "rules", Short: "check customs rules files"}
	cmd.AddCommand(&cobra.Command{
		Use:   "check FILE",
		Short: "check a rules file: every problem with its line and key",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			rates, err := o.rates()
			if err != nil {
				return err
			}
			e, err := risk.LoadRules(args[0], rates)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if o.JSON {
				return json.NewEncoder(o.out).Encode(map[string]any{"version": e.Version, "counts": e.Counts, "reference_currency": e.Money().Reference})
			}
			fmt.Fprintf(o.out, "%s: rules version %s OK: %d rules, %d watch-list names, %d duty tables (reference currency %s)\n",
				args[0], e.Version, e.Counts.Rules, e.Counts.Watchlist, e.Counts.Duties, e.Money().Reference)
			return nil
		},
	})
	return cmd
}

func customsQueueCmd(o *Options) *cobra.Command {
	var q customs.QueueQuery
	cmd := &cobra.Command{
		Use: "queue --office CODE", Short: "list an office's customs queue, riskiest and longest-waiting first", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.withCustoms(cmd.Context(), func(svc *customs.Service, _ *app.App) error {
				page, err := svc.FindQueue(cmd.Context(), auth.Principal{Role: auth.RoleAdmin}, q)
				if err != nil {
					return err
				}
				q := page.Items
				if o.JSON {
					return json.NewEncoder(o.out).Encode(q)
				}
				tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ITEM\tSTREAM\tDIR\tSTATUS\tSCORE\tPROPOSED\tWAITING\tCLAIMED BY\tFIRST REASON")
				for _, e := range q {
					first := ""
					if len(e.Reasons) > 0 {
						first = e.Reasons[0]
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%dm\t%s\t%s\n", e.ItemID, e.Stream, e.Direction, e.Status, e.Score, e.Action, e.WaitingMinutes, e.ClaimedBy, first)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().StringVar(&q.Office, "office", "", "office of exchange, e.g. CNSHAA")
	cmd.Flags().StringVar(&q.Status, "status", "", "pending or held (default both)")
	cmd.Flags().StringVar(&q.Stream, "stream", "", "postal, express or ecommerce (default all)")
	cmd.Flags().StringVar(&q.Direction, "direction", "", "import or export (default both)")
	cmd.Flags().StringVar(&q.Search, "q", "", "prefix of the item id or of the sender's or addressee's name (pinyin finds Chinese names)")
	cmd.Flags().StringVar(&q.Sort, "sort", customs.SortPriority, "priority, declared or score; a leading - sorts descending")
	cmd.Flags().IntVar(&q.Limit, "limit", 50, "items to list (1-500)")
	return cmd
}

func (o *Options) withCustoms(ctx context.Context, fn func(*customs.Service, *app.App) error) error {
	return o.withApp(ctx, false, func(a *app.App) error { return fn(a.Customs, a) })
}

func customsShowCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use: "show ITEM", Short: "show a customs item: declaration, screening, decisions, events", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withCustoms(cmd.Context(), func(svc *customs.Service, _ *app.App) error {
				v, err := svc.Get(cmd.Context(), auth.Principal{Role: auth.RoleAdmin}, strings.ToUpper(args[0]))
				if err != nil {
					return err
				}
				if o.JSON {
					return json.NewEncoder(o.out).Encode(v)
				}
				printItem(o.out, v)
				return nil
			})
		},
	}
}

func printItem(w io.Writer, v customs.ItemView) {
	d := v.Declaration
	fmt.Fprintf(w, "%s  %s %s at %s  status %s", d.ID, d.Stream, d.Direction, d.Office, v.Status)
	if v.Hold != "" {
		fmt.Fprintf(w, " (%s)", v.Hold)
	}
	fmt.Fprintf(w, "\n  %s (%s) → %s (%s), %s %s = %s %s, %d g net\n", d.Sender.Name, d.Sender.Country, d.Addressee.Name, d.Addressee.Country,
		d.TotalValue, d.Currency, d.ReferenceValue, d.ReferenceCurrency, d.TotalNetWeightG)
	for i, ln := range d.Lines {
		fmt.Fprintf(w, "  %d. %s ×%d, HS %s, %s %s, origin %s\n", i+1, ln.Description, ln.Quantity, ln.HSCode, ln.Value, d.Currency, ln.OriginCountry)
	}
	fmt.Fprintf(w, "screening (rules %s): score %d, proposed %s\n", v.Screening.RulesVersion, v.Screening.Score, v.Screening.Action)
	for _, h := range v.Screening.Hits {
		fmt.Fprintf(w, "  +%d %s: %s\n", h.Score, h.Rule, h.Reason)
	}
	if du := v.Duties; du != nil {
		fmt.Fprintf(w, "duties (%s, %s): value %s, duty %s, VAT %s, total %s %s, paid by %s\n", du.Kind, du.Country, du.CustomsValue, du.Duty, du.VAT, du.Total, du.Currency, du.PaidBy)
		for _, n := range du.Notes {
			fmt.Fprintf(w, "  - %s\n", n)
		}
	}
	for _, a := range v.Audit {
		fmt.Fprintf(w, "%s  %-8s %s → %s by %s: %s", a.At.Format("2006-01-02 15:04"), a.Action, a.FromStatus, a.ToStatus, a.Officer, a.Reason)
		if a.Result != "" {
			fmt.Fprintf(w, " [%s %s: %s]", a.Check, a.Result, a.Findings)
		}
		if len(a.Events) > 0 {
			fmt.Fprintf(w, " → events %s", strings.Join(a.Events, ", "))
		}
		fmt.Fprintln(w)
	}
	for _, e := range v.Events {
		fmt.Fprintf(w, "event %s %s at %s: %s %s\n", e.Code, e.At.Format("2006-01-02 15:04"), e.Office, e.Reason, e.Retention)
	}
}

func customsDecideCmd(o *Options) *cobra.Command {
	var d customs.Decision
	var action, check, key string
	cmd := &cobra.Command{
		Use:   "decide ITEM --action ACTION --reason WHY --key ipk_…",
		Short: "decide on a customs item as the officer whose key is given",
		Long: `Claim, unclaim, hold (--check document_check|xray|physical_inspection), inspect
(--result clear|discrepancy|prohibited --findings …), release, seize or return an item.
Decisions are made by a customs officer: --key (or INTERPOST_KEY) is their API key, which
must include the item's office.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d.Action, d.Check = customs.DecisionAction(action), risk.Action(check)
			return o.withCustoms(cmd.Context(), func(svc *customs.Service, a *app.App) error {
				who, err := a.Auth.Authenticate(cmd.Context(), "", key)
				if err != nil {
					return err
				}
				v, err := svc.Decide(cmd.Context(), who, strings.ToUpper(args[0]), d)
				if err != nil {
					return err
				}
				if o.JSON {
					return json.NewEncoder(o.out).Encode(v)
				}
				printItem(o.out, v)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&action, "action", "", "claim, unclaim, hold, inspect, release, seize or return")
	cmd.Flags().StringVar(&d.Reason, "reason", "", "why (audited)")
	cmd.Flags().StringVar(&check, "check", "", "hold/inspect: document_check, xray or physical_inspection")
	cmd.Flags().StringVar(&d.Result, "result", "", "inspect: clear, discrepancy or prohibited")
	cmd.Flags().StringVar(&d.Findings, "findings", "", "inspect: what the check found")
	cmd.Flags().StringVar(&key, "key", os.Getenv("INTERPOST_KEY"), "the officer's API key (INTERPOST_KEY)")
	return cmd
}

func customsSyncCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use: "sync", Short: "declare every shipment that has no customs declaration yet", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.withCustoms(cmd.Context(), func(svc *customs.Service, a *app.App) error {
				n, err := svc.Sync(cmd.Context(), cliPrincipal, a.Acceptance)
				if err != nil {
					return err
				}
				fmt.Fprintf(o.errOut, "declared %d shipments\n", n)
				return nil
			})
		},
	}
}

// printCustomsDemo prints what the demo's customs seed did and a key for
// the Shanghai officer.
func (o *Options) printCustomsDemo(ctx context.Context, a *app.App, res demo.CustomsResult) error {
	if res.List.Ref != "" {
		fmt.Fprintf(o.out, "Customs: official list %s in force (OFAC SDN excerpt, %d entries, %d aliases; interpost customs lists show).\n",
			res.List.Ref, res.List.Entries, res.List.Aliases)
	}
	if res.Report.Declarations > 0 {
		var acts []string
		for _, a := range risk.Actions {
			if n := res.Report.Actions[a]; n > 0 {
				acts = append(acts, fmt.Sprintf("%s %d", a, n))
			}
		}
		fmt.Fprintf(o.out, "Customs: inbound manifest of %d declarations screened (%s); officer decisions %d: %s seized, %s released after X-ray, %s held.\n",
			res.Report.Declarations, strings.Join(acts, ", "), res.Decisions, res.Seized, res.Released, res.Held)
	}
	_, secret, err := a.Auth.CreateKey(ctx, cliPrincipal, auth.KeyRequest{Role: auth.RoleCustoms, Offices: demo.CustomsOfficer.Offices, Label: "demo customs officer"})
	if err != nil {
		return err
	}
	fmt.Fprintf(o.out, "Customs officer key for CNSHAA (shown once): %s\n  interpost customs queue --office CNSHAA;  GET /v1/customs/queue?office=CNSHAA\n", secret)
	return nil
}
