package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/document"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/internal/app"
)

// withDispatch runs fn with the exchange-operations service; its events
// go to tracking (and the bus with --bus).
func (o *Options) withDispatch(cmd *cobra.Command, fn func(*dispatch.Service, *app.App) error) error {
	return o.withApp(cmd.Context(), true, func(a *app.App) error { return fn(a.Dispatch, a) })
}

func dispatchCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dispatch",
		Short: "exchange operations: sort plans, receptacles, dispatches, consignments, delivery bills, EDI",
		Long: `Exchange operations at an office of exchange, acting as an administrator on --data/--db:
presort with the office's sort plan, scan items into receptacles (S9), close dispatches (S8),
consign them to a departure (CN 38/41/37), send PREDES/CARDIT, take carrier RESDIT responses,
and simulate a whole day in bulk. Formats: docs/formats.md, "Exchange operations".`,
	}
	sp := &cobra.Command{Use: "sortplan", Short: "an office's presort plan"}
	sp.AddCommand(sortPlanImportCmd(o), sortPlanExportCmd(o))
	rc := &cobra.Command{Use: "receptacle", Short: "open, close or reopen a receptacle"}
	rc.AddCommand(receptacleOpenCmd(o), receptacleCloseCmd(o), receptacleReopenCmd(o))
	cmd.AddCommand(sp, rc, sortCmd(o), dispatchOpenCmd(o), dispatchListCmd(o), dispatchShowCmd(o), scanCmd(o), unscanCmd(o),
		dispatchCloseCmd(o), dispatchCancelCmd(o), consignCmd(o), departCmd(o), billCmd(o), predesCmd(o), carditCmd(o),
		resditCmd(o), simulateCmd(o))
	return cmd
}

func (o *Options) print(v any, table func()) error {
	if o.JSON {
		enc := json.NewEncoder(o.out)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	table()
	return nil
}

func sortPlanImportCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "import OFFICE FILE.csv",
		Short: "replace an office's sort plan with a file",
		Long:  "Replace an office's sort plan, all or nothing: every bad line is reported (line and column), nothing is stored if any is bad.",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[1])
			if err != nil {
				return err
			}
			defer f.Close()
			rules, err := dispatch.ReadSortPlan(f)
			if err != nil {
				return err
			}
			return o.withDispatch(cmd, func(svc *dispatch.Service, _ *app.App) error {
				p, err := svc.PutSortPlan(cmd.Context(), cliAdmin, strings.ToUpper(args[0]), rules)
				if err != nil {
					return err
				}
				return o.print(p, func() {
					fmt.Fprintf(o.out, "sort plan of %s: version %d, %d rules\n", p.Office, p.Version, len(p.Rules))
				})
			})
		},
	}
}

func sortPlanExportCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "export OFFICE",
		Short: "write an office's sort plan as CSV",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withDispatch(cmd, func(svc *dispatch.Service, _ *app.App) error {
				p, err := svc.SortPlan(cmd.Context(), strings.ToUpper(args[0]))
				if err != nil {
					return err
				}
				if o.JSON {
					return o.print(p, nil)
				}
				return dispatch.WriteSortPlan(o.out, p.Rules)
			})
		},
	}
}

func sortCmd(o *Options) *cobra.Command {
	var category string
	cmd := &cobra.Command{
		Use:   "sort OFFICE ITEM",
		Short: "say where an item goes at an office",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withDispatch(cmd, func(svc *dispatch.Service, _ *app.App) error {
				r, err := svc.Sort(cmd.Context(), cliAdmin, strings.ToUpper(args[0]), args[1], category)
				if err != nil {
					return err
				}
				return o.print(r, func() {
					t := r.Target
					fmt.Fprintf(o.out, "%s (%s to %s %s): dispatch %s→%s category %s subclass %s, %s (rule %d)\n", r.Item.ID, r.Item.Product,
						r.Item.Country, r.Item.Postcode, strings.ToUpper(args[0]), t.Destination, t.Category, t.Subclass, t.Receptacle, t.Rule)
					switch {
					case r.Receptacle != "":
						fmt.Fprintf(o.out, "open receptacle: %s\n", r.Receptacle)
					case r.Dispatch != "":
						fmt.Fprintf(o.out, "open dispatch %s has no open %s\n", r.Dispatch, t.Receptacle)
					default:
						fmt.Fprintln(o.out, "no open dispatch for it yet")
					}
				})
			})
		},
	}
	cmd.Flags().StringVar(&category, "category", "", "mail category A–D (default: the product's)")
	return cmd
}

func dispatchOpenCmd(o *Options) *cobra.Command {
	var r dispatch.OpenDispatchRequest
	cmd := &cobra.Command{
		Use:   "open --origin O --destination D --category A --subclass UN",
		Short: "open a dispatch (takes its S8 serial)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.withDispatch(cmd, func(svc *dispatch.Service, _ *app.App) error {
				r.Origin, r.Destination, r.Category, r.Subclass = strings.ToUpper(r.Origin), strings.ToUpper(r.Destination), strings.ToUpper(r.Category), strings.ToUpper(r.Subclass)
				d, err := svc.OpenDispatch(cmd.Context(), cliAdmin, r)
				if err != nil {
					return err
				}
				return o.print(d, func() { fmt.Fprintf(o.out, "dispatch %s opened (%s)\n", d.ID, d.Form) })
			})
		},
	}
	cmd.Flags().StringVar(&r.Origin, "origin", "", "origin office of exchange")
	cmd.Flags().StringVar(&r.Destination, "destination", "", "destination office of exchange")
	cmd.Flags().StringVar(&r.Category, "category", "A", "mail category A, B, C or D")
	cmd.Flags().StringVar(&r.Subclass, "subclass", "UN", "mail subclass, e.g. UN, UR, CN, EN")
	return cmd
}

func dispatchListCmd(o *Options) *cobra.Command {
	var f dispatch.DispatchFilter
	var status string
	cmd := &cobra.Command{
		Use:   "list [--origin O] [--destination D] [--status S]",
		Short: "list dispatches, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.withDispatch(cmd, func(svc *dispatch.Service, _ *app.App) error {
				f.Origin, f.Destination, f.Status = strings.ToUpper(f.Origin), strings.ToUpper(f.Destination), dispatch.Status(status)
				ds, err := svc.Dispatches(cmd.Context(), f)
				if err != nil {
					return err
				}
				return o.print(ds, func() {
					tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', 0)
					fmt.Fprintln(tw, "DISPATCH\tSTATUS\tFORM\tRECEPTACLES\tITEMS\tGROSS KG\tCONSIGNMENT\tOPENED")
					for _, d := range ds {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", d.ID, d.Status, d.Form, d.Receptacles, d.Items,
							kgf(float64(d.GrossWeightG)/1000), d.Consignment, d.OpenedAt.Format("2006-01-02 15:04Z"))
					}
					tw.Flush()
				})
			})
		},
	}
	cmd.Flags().StringVar(&f.Origin, "origin", "", "origin office")
	cmd.Flags().StringVar(&f.Destination, "destination", "", "destination office")
	cmd.Flags().StringVar(&status, "status", "", "open, closed, consigned, departed or cancelled")
	cmd.Flags().IntVar(&f.Limit, "limit", 100, "at most this many")
	return cmd
}

func dispatchShowCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "show DISPATCH",
		Short: "show a dispatch and its receptacles",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withDispatch(cmd, func(svc *dispatch.Service, _ *app.App) error {
				v, err := svc.View(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				return o.print(v, func() { printDispatch(o, v) })
			})
		},
	}
}

func printDispatch(o *Options, v dispatch.DispatchView) {
	fmt.Fprintf(o.out, "%s %s → %s, category %s, subclass %s, %s, %s: %d receptacles, %d items, %s kg gross\n", v.ID, v.Origin, v.Destination,
		v.Category, v.Subclass, v.Form, v.Status, v.Receptacles, v.Items, kgf(float64(v.GrossWeightG)/1000))
	tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RECEPTACLE\tS9\tTYPE\tSTATUS\tITEMS\tGROSS KG\tREGISTERED\tLAST")
	for _, r := range v.ReceptacleList {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%v\t%v\n", r.Number, r.ID, r.Type, r.Status, r.Items, kgf(float64(r.GrossWeightG)/1000), r.Registered, r.Last)
	}
	tw.Flush()
	if len(v.Legs) > 0 {
		tw = tabwriter.NewWriter(o.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "LEG	CONSIGNMENT	SERVICE	FROM	TO	DEPARTURE	GROSS KG	DEPARTED")
		for _, l := range v.Legs {
			departed := "-"
			if l.DepartedAt != nil {
				departed = l.DepartedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", l.Leg, l.Consignment, l.Service, l.From, l.To,
				l.Departure.UTC().Format(time.RFC3339), kgf(float64(l.GrossWeightG)/1000), departed)
		}
		tw.Flush()
	}
	if len(v.Relabelled) > 0 {
		fmt.Fprintf(o.out, "print new labels for %s (the last-receptacle flag moved)\n", strings.Join(v.Relabelled, ", "))
	}
}

func receptacleOpenCmd(o *Options) *cobra.Command {
	var typ string
	cmd := &cobra.Command{
		Use:   "open DISPATCH [--type bag|tray|pallet]",
		Short: "open a receptacle in a dispatch",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withDispatch(cmd, func(svc *dispatch.Service, _ *app.App) error {
				r, err := svc.OpenReceptacle(cmd.Context(), cliAdmin, args[0], dispatch.ReceptacleType(typ))
				if err != nil {
					return err
				}
				return o.print(r, func() { fmt.Fprintf(o.out, "receptacle %s (%s) opened\n", r.Number, r.Type) })
			})
		},
	}
	cmd.Flags().StringVar(&typ, "type", "bag", "bag, tray or pallet")
	return cmd
}

func receptacleCloseCmd(o *Options) *cobra.Command {
	var req dispatch.CloseReceptacleRequest
	cmd := &cobra.Command{
		Use:   "close RECEPTACLE [--weight-g G] [--last]",
		Short: "close a receptacle (gives its S9 id)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withDispatch(cmd, func(svc *dispatch.Service, _ *app.App) error {
				r, err := svc.CloseReceptacle(cmd.Context(), cliAdmin, args[0], req)
				if err != nil {
					return err
				}
				return o.print(r, func() {
					fmt.Fprintf(o.out, "receptacle %s closed: %s, %d items, %s kg\n", r.Number, r.ID, r.Items, kgf(float64(r.GrossWeightG)/1000))
				})
			})
		},
	}
	cmd.Flags().IntVar(&req.GrossWeightG, "weight-g", 0, "weighed gross weight in grams (default items + tare)")
	cmd.Flags().BoolVar(&req.Last, "last", false, "the dispatch's last receptacle")
	return cmd
}

func receptacleReopenCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "reopen RECEPTACLE",
		Short: "reopen a closed receptacle of an open dispatch",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withDispatch(cmd, func(svc *dispatch.Service, _ *app.App) error {
				r, err := svc.ReopenReceptacle(cmd.Context(), cliAdmin, args[0])
				if err != nil {
					return err
				}
				return o.print(r, func() { fmt.Fprintf(o.out, "receptacle %s is open again (its label is void)\n", r.Number) })
			})
		},
	}
}

func scanCmd(o *Options) *cobra.Command {
	var category string
	cmd := &cobra.Command{
		Use:   "scan RECEPTACLE ITEM...",
		Short: "scan items into an open receptacle",
		Long:  "Scan items into an open receptacle. An item for another destination is refused naming the receptacle it belongs in; an item scanned twice is reported and changes nothing.",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withDispatch(cmd, func(svc *dispatch.Service, _ *app.App) error {
				var results []dispatch.ScanResult
				for _, item := range args[1:] {
					r, err := svc.Scan(cmd.Context(), cliAdmin, args[0], item, category)
					if err != nil {
						return fmt.Errorf("%s: %w", item, err)
					}
					results = append(results, r)
					if !o.JSON {
						note := ""
						if r.Duplicate {
							note = " (already in it: nothing changed)"
						}
						fmt.Fprintf(o.out, "%s into %s%s: %d items, %s kg\n", item, r.Receptacle.Number, note, r.Receptacle.Items, kgf(float64(r.Receptacle.NetWeightG)/1000))
					}
				}
				if o.JSON {
					return o.print(results, nil)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&category, "category", "", "mail category A–D (default: the product's)")
	return cmd
}

func unscanCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "unscan RECEPTACLE ITEM",
		Short: "take an item out of an open receptacle",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withDispatch(cmd, func(svc *dispatch.Service, _ *app.App) error {
				r, err := svc.Unscan(cmd.Context(), cliAdmin, args[0], args[1])
				if err != nil {
					return err
				}
				return o.print(r, func() { fmt.Fprintf(o.out, "%s taken out of %s: %d items left\n", args[1], r.Number, r.Items) })
			})
		},
	}
}

func dispatchCloseCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "close DISPATCH",
		Short: "close a dispatch whose receptacles are closed",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withDispatch(cmd, func(svc *dispatch.Service, _ *app.App) error {
				v, err := svc.CloseDispatch(cmd.Context(), cliAdmin, args[0])
				if err != nil {
					return err
				}
				return o.print(v, func() { printDispatch(o, v) })
			})
		},
	}
}

func dispatchCancelCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "cancel DISPATCH",
		Short: "cancel an open dispatch without items (its serial stays used)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withDispatch(cmd, func(svc *dispatch.Service, _ *app.App) error {
				d, err := svc.CancelDispatch(cmd.Context(), cliAdmin, args[0])
				if err != nil {
					return err
				}
				return o.print(d, func() { fmt.Fprintf(o.out, "dispatch %s cancelled\n", d.ID) })
			})
		},
	}
}

func consignCmd(o *Options) *cobra.Command {
	var r dispatch.ConsignRequest
	cmd := &cobra.Command{
		Use:   "consign --office O --service S --date YYYY-MM-DD DISPATCH...",
		Short: "hand closed dispatches to a departure (CN 38/41/37)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withDispatch(cmd, func(svc *dispatch.Service, _ *app.App) error {
				r.Office, r.Dispatches = strings.ToUpper(r.Office), args
				c, err := svc.Consign(cmd.Context(), cliAdmin, r)
				if err != nil {
					return err
				}
				return o.print(c, func() {
					fmt.Fprintf(o.out, "consignment %s (%s): %d dispatches, %d receptacles, %s kg on %s departing %s; departure load %s of %s kg\n",
						c.ID, c.Form, len(c.Dispatches), c.Receptacles, kgf(float64(c.GrossWeightG)/1000), c.Service,
						c.Departure.Format("2006-01-02 15:04Z"), kgf(float64(c.LoadedG)/1000), kgf(c.CapacityKg))
				})
			})
		},
	}
	cmd.Flags().StringVar(&r.Office, "office", "", "office handing over")
	cmd.Flags().StringVar(&r.Service, "service", "", "service id (flight number, train, truck line)")
	cmd.Flags().StringVar(&r.Date, "date", "", "local departure date YYYY-MM-DD")
	return cmd
}

func departCmd(o *Options) *cobra.Command {
	var at string
	cmd := &cobra.Command{
		Use:   "depart CONSIGNMENT [--at RFC3339]",
		Short: "record a consignment's departure (EMC for its dispatches, receptacles and items)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var t time.Time
			if at != "" {
				var err error
				if t, err = time.Parse(time.RFC3339, at); err != nil {
					return fmt.Errorf("--at %q: want RFC 3339 with a zone: %w", at, errUsage)
				}
			}
			return o.withDispatch(cmd, func(svc *dispatch.Service, _ *app.App) error {
				c, err := svc.Depart(cmd.Context(), cliAdmin, args[0], t)
				if err != nil {
					return err
				}
				return o.print(c, func() { fmt.Fprintf(o.out, "consignment %s departed at %s\n", c.ID, c.DepartedAt.Format(time.RFC3339)) })
			})
		},
	}
	cmd.Flags().StringVar(&at, "at", "", "actual departure time (default now)")
	return cmd
}

func billCmd(o *Options) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "bill CONSIGNMENT -o FILE.pdf|FILE.csv",
		Short: "write a consignment's delivery bill (CN 38, CN 41 or CN 37) as PDF or CSV",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withDispatch(cmd, func(svc *dispatch.Service, _ *app.App) error {
				b, err := svc.DeliveryBill(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				if out == "" {
					out = b.Name() + ".pdf"
				}
				if err := writeBill(out, b); err != nil {
					return err
				}
				fmt.Fprintf(o.out, "%s %s written to %s\n", b.Consignment.Form, b.Consignment.ID, out)
				return nil
			})
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write; .csv for CSV, else PDF (default FORM-NUMBER.pdf)")
	return cmd
}

func writeBill(path string, b dispatch.Bill) error {
	var buf bytes.Buffer
	var err error
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		err = dispatch.WriteBillCSV(&buf, b)
	} else {
		err = document.WriteDeliveryBill(&buf, document.ConsignmentBill(b))
	}
	if err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

func predesCmd(o *Options) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "predes DISPATCH [--format json|edifact]",
		Short: "print a closed dispatch's pre-advice (PREDES)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withDispatch(cmd, func(svc *dispatch.Service, _ *app.App) error {
				p, err := svc.Predes(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				return writeMessage(o, format, p.JSON, p.MarshalEDI)
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "edifact", "json or edifact")
	return cmd
}

func carditCmd(o *Options) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "cardit CONSIGNMENT [--format json|edifact]",
		Short: "print a consignment's message to the carrier (CARDIT)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withDispatch(cmd, func(svc *dispatch.Service, _ *app.App) error {
				c, err := svc.Cardit(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				return writeMessage(o, format, c.JSON, c.MarshalEDI)
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "edifact", "json or edifact")
	return cmd
}

func writeMessage(o *Options, format string, js func() ([]byte, error), text func() []byte) error {
	switch format {
	case "json":
		b, err := js()
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(o.out, string(b))
		return err
	case "edifact":
		_, err := o.out.Write(text())
		return err
	}
	return fmt.Errorf("--format %q: want json or edifact: %w", format, errUsage)
}

func resditCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "resdit FILE",
		Short: "take a carrier's response (RESDIT, JSON or EDIFACT-style text)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			m, err := edi.DecodeResdit(b)
			if err != nil {
				return err
			}
			return o.withDispatch(cmd, func(svc *dispatch.Service, _ *app.App) error {
				rep, err := svc.IngestResdit(cmd.Context(), cliAdmin, m)
				if err != nil {
					return err
				}
				return o.print(rep, func() {
					fmt.Fprintf(o.out, "%s: %d receptacle events, %d stored, %d already stored, %d rejected\n", rep.Message, rep.Events, rep.Stored, rep.Repeated, len(rep.Rejected))
					for _, r := range rep.Rejected {
						fmt.Fprintf(o.out, "  %s\n", r.Error())
					}
				})
			})
		},
	}
}
