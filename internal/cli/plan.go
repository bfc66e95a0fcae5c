package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/dispatch"
	"github.com/interpost/interpost/dispatch/alloc"
	"github.com/interpost/interpost/dispatch/sim"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

func planCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "plan", Short: "capacity planning: allocate a day's mail to departures"}
	cmd.AddCommand(planDayCmd(o))
	return cmd
}

func planDayCmd(o *Options) *cobra.Command {
	var date, forecast string
	var baseline, all bool
	var rounds int
	cmd := &cobra.Command{
		Use:   "day [--date YYYY-MM-DD] [--forecast FILE.csv]",
		Short: "allocate a day's mail to capacity-limited departures",
		Long: `Allocate a planning day's mail to departures as a min-cost flow over the time-expanded
network: each lane (origin office → destination office, mail category) goes on the cheapest
departures that keep within every departure's capacity (less what is already consigned),
paying a lateness penalty per kg and day past the lane's standard.

--date defaults to today where the post is (the clock of --now, in the zone of the
post's own offices). The volumes are the items accepted on the date (local date at their origin), sorted by each
origin's sort plan, or a forecast file (CSV origin,destination,category,kg,items[,ready];
docs/formats.md). Prints per departure the allocated kg and utilisation, per lane the share
meeting its standard, the spill list (mail that lost its preferred departure) and what
consolidating several origins' mail on shared departures saves in cost and CO2.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return o.withApp(ctx, false, func(a *app.App) error {
				if date == "" {
					today, err := postToday(ctx, a)
					if err != nil {
						return err
					}
					date = today.String()
				}
				req := alloc.DayRequest{Date: date, Options: alloc.Options{Baseline: baseline, Rounds: rounds, Progress: progress(o.errOut, "allocating")}}
				if forecast != "" {
					offices, err := a.Network.Offices(ctx)
					if err != nil {
						return err
					}
					f, err := os.Open(forecast)
					if err != nil {
						return err
					}
					defer f.Close()
					if req.Forecast, err = alloc.ReadForecast(f, network.OfficeMap(offices)); err != nil {
						return err
					}
				}
				p, err := a.Planner.PlanDay(ctx, req)
				if err != nil {
					return err
				}
				if o.JSON {
					enc := json.NewEncoder(o.out)
					enc.SetIndent("", "  ")
					return enc.Encode(p)
				}
				printPlan(o.out, p, all)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&date, "date", "", "planning date YYYY-MM-DD (default: today where the post is)")
	cmd.Flags().StringVar(&forecast, "forecast", "", "forecast CSV instead of the accepted items")
	cmd.Flags().BoolVar(&baseline, "baseline", false, "solve with plain successive shortest paths (Bellman-Ford) to compare")
	cmd.Flags().IntVar(&rounds, "rounds", 0, "price-refinement rounds (default 8; -1 for the priority pass alone)")
	cmd.Flags().BoolVar(&all, "all", false, "list every lane and departure (default: the 25 largest of each)")
	return cmd
}

// printPlan writes the plan as tables.
func printPlan(w io.Writer, p alloc.DayPlan, all bool) {
	origins, dests := map[string]bool{}, map[string]bool{}
	for _, l := range p.Lanes {
		origins[l.Origin], dests[l.Destination] = true, true
	}
	fmt.Fprintf(w, "Plan for %s from %s: %s items, %s kg in %d lanes (%d origins → %d destinations)\n", p.Date, p.Source,
		thousands(p.Totals.Items), kgf(p.Totals.Kg), len(p.Lanes), len(origins), len(dests))
	s := p.Solver
	cur := cmp.Or(p.Totals.Currency, network.CostCurrency)
	fmt.Fprintf(w, "Cost %s %s + lateness penalty %s %s; %.1f%% of kg on time; %s kg CO2e; unserved %s kg\n",
		moneyf(p.Totals.Cost), cur, moneyf(p.Totals.LatePenalty), cur, 100*p.Totals.OnTimeShare, kgf(p.Totals.CO2Kg), kgf(p.Totals.UnservedKg))
	fmt.Fprintf(w, "Solver: min-cost flow over %s dated departures (%s nodes), %d commodities, %d solves, %s shortest paths, %d price rounds; ",
		thousands(s.Departures), thousands(s.Nodes), s.Commodities, s.Solves, thousands(s.Augmentations), s.Rounds)
	if s.LowerBound > 0 {
		fmt.Fprintf(w, "lower bound %s %s (gap ≤ %.2f%%); ", moneyf(s.LowerBound), cur, 100*s.Gap)
	}
	fmt.Fprintf(w, "%.0f ms\n\n", s.Millis)

	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "SERVICE\tFROM→TO\tMODE\tDEPARTS (UTC)\tCAPACITY KG\tCONSIGNED KG\tALLOCATED KG\tUTILISATION\tLANES\t")
	deps := p.Departures
	if !all && len(deps) > 25 {
		deps = topDepartures(deps, 25)
	}
	for _, d := range deps {
		fmt.Fprintf(tw, "%s\t%s→%s\t%s\t%s\t%s\t%s\t%s\t%.1f%%\t%d\t\n", d.Service, d.From, d.To, d.Mode, d.Departs.Format("2006-01-02 15:04"),
			kgf(d.CapacityKg), kgf(d.ConsignedKg), kgf(d.AllocatedKg), 100*d.Utilisation, d.Lanes)
	}
	tw.Flush()
	if len(deps) < len(p.Departures) {
		fmt.Fprintf(w, "… %d more departures (--all lists them)\n", len(p.Departures)-len(deps))
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "LANE\tCAT\tKG\tITEMS\tSTANDARD\tON TIME\tCOST "+cur+"\tCO2 KG\tUNSERVED KG\tFIRST DEPARTURE\t")
	lanes := p.Lanes
	if !all && len(lanes) > 25 {
		lanes = topLanes(lanes, 25)
	}
	for _, l := range lanes {
		first := "–"
		if len(l.Routes) > 0 {
			lg := l.Routes[0].Legs[0]
			first = lg.Service + " " + lg.Departs.Format("01-02 15:04")
		}
		fmt.Fprintf(tw, "%s→%s\t%s\t%s\t%s\tJ+%d\t%.1f%%\t%s\t%s\t%s\t%s\t\n", l.Origin, l.Destination, l.Category, kgf(l.Kg), thousands(l.Items),
			l.StandardDays, 100*l.OnTimeShare, moneyf(l.Cost), kgf(l.CO2Kg), kgf(l.UnservedKg), first)
	}
	tw.Flush()
	if len(lanes) < len(p.Lanes) {
		fmt.Fprintf(w, "… %d more lanes (--all lists them)\n", len(p.Lanes)-len(lanes))
	}
	if len(p.Spill) > 0 {
		fmt.Fprintf(w, "\nSpill (%d):\n", len(p.Spill))
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "LANE\tCAT\tKG\tPREFERRED\tTOOK\tLATER BY")
		for i, sp := range p.Spill {
			if !all && i == 25 {
				fmt.Fprintf(tw, "… %d more\t\t\t\t\t\n", len(p.Spill)-25)
				break
			}
			took, delay := sp.Took, fmt.Sprintf("%.1f h", sp.DelayHours)
			if took == "" {
				took, delay = "nothing in the horizon (unserved)", "–"
			}
			fmt.Fprintf(tw, "%s→%s\t%s\t%s\t%s\t%s\t%s\n", sp.Origin, sp.Destination, sp.Category, kgf(sp.Kg), sp.Preferred, took, delay)
		}
		tw.Flush()
	}
	c := p.Consolidation
	if len(c.Groups) > 0 {
		pct := 0.0
		if c.SeparateCost > 0 {
			pct = 100 * c.SavedCost / c.SeparateCost
		}
		fmt.Fprintf(w, "\nConsolidation of several origins on shared departures (%d groups): shipping separately %s and %s kg CO2e, consolidated %s and %s kg CO2e: saves %s (%.1f%%), %s kg CO2e, %d receptacles, %d dispatches\n",
			len(c.Groups), moneyf(c.SeparateCost), kgf(c.SeparateCO2Kg), moneyf(c.ConsolidatedCost), kgf(c.ConsolidatedCO2Kg),
			moneyf(c.SavedCost), pct, kgf(c.SavedCO2Kg), c.SavedReceptacles, c.SavedDispatches)
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "HUB\tSERVICE\tDEPARTS (UTC)\tTO\tCAT\tORIGINS\tKG\tDISPATCHES\tRECEPTACLES\tSAVED\tCO2 SAVED KG")
		for i, g := range c.Groups {
			if !all && i == 15 {
				fmt.Fprintf(tw, "… %d more\t\t\t\t\t\t\t\t\t\t\n", len(c.Groups)-15)
				break
			}
			var os []string
			for _, x := range g.Origins {
				os = append(os, fmt.Sprintf("%s %s", x.Origin, kgf(x.Kg)))
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d→1\t%d→%d\t%s\t%s\n", g.Hub, g.Service, g.Departs.Format("2006-01-02 15:04"), g.Destination, g.Category,
				strings.Join(os, ", "), kgf(g.Kg), g.SeparateDispatches, g.SeparateReceptacles, g.ConsolidatedReceptacles, moneyf(g.SavedCost), kgf(g.SavedCO2Kg))
		}
		tw.Flush()
		fmt.Fprintf(w, "Model: %s.\n", c.Model)
	}
	if len(p.Unsorted) > 0 {
		fmt.Fprintf(w, "\n%d accepted items were left out (no sort-plan rule or no sort plan), e.g. %s at %s: %s\n",
			len(p.Unsorted), p.Unsorted[0].Item, p.Unsorted[0].Origin, p.Unsorted[0].Reason)
	}
}

// topDepartures keeps the n departures carrying most, in time order.
func topDepartures(ds []alloc.Departure, n int) []alloc.Departure {
	out := slices.Clone(ds)
	slices.SortStableFunc(out, func(a, b alloc.Departure) int { return cmpFloat(b.AllocatedKg, a.AllocatedKg) })
	out = out[:n]
	slices.SortStableFunc(out, func(a, b alloc.Departure) int { return a.Departs.Compare(b.Departs) })
	return out
}

// topLanes keeps the n heaviest lanes.
func topLanes(ls []alloc.Lane, n int) []alloc.Lane {
	out := slices.Clone(ls)
	slices.SortStableFunc(out, func(a, b alloc.Lane) int { return cmpFloat(b.Kg, a.Kg) })
	return out[:n]
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// kgf formats kilograms with one decimal and thousands separators.
func kgf(kg float64) string {
	neg := kg < 0
	if neg {
		kg = -kg
	}
	s := fmt.Sprintf("%.1f", kg)
	whole, frac, _ := strings.Cut(s, ".")
	out := thousandsText(whole) + "." + frac
	if neg {
		return "-" + out
	}
	return out
}

// moneyf formats an amount with two decimals and thousands separators.
func moneyf(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	out := thousandsText(whole) + "." + frac
	if neg {
		return "-" + out
	}
	return out
}

func thousands(n int) string { return thousandsText(fmt.Sprint(n)) }

func thousandsText(s string) string {
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// parseDateFlag checks a --date flag.
func parseDateFlag(s string) (civil.Date, error) {
	d, err := civil.ParseDate(s)
	if err != nil || d.IsZero() {
		return civil.Date{}, postal.Invalid("bad --date", postal.FieldError{Field: "--date", Message: fmt.Sprintf("%q is not a date YYYY-MM-DD", s)})
	}
	return d, nil
}

func simulateCmd(o *Options) *cobra.Command {
	var date, bills string
	var offices []string
	var synthetic int
	var depart bool
	cmd := &cobra.Command{
		Use:   "simulate --date YYYY-MM-DD [--office O]... [--synthetic N] [--bills DIR] [--depart]",
		Short: "run a whole day of exchange operations in bulk",
		Long: `Run a day at one or more offices of exchange in bulk: presort the day's items with each
office's sort plan, allocate the lanes to departures (as plan day), pack receptacles and
dispatches per planned departure, store them, consign each departure (with the capacity check)
and, with --bills, write every consignment's delivery bill as PDF into DIR.

The items are those accepted on the date (local date at the office); --synthetic N adds N
made-up items per office, spread over the countries of its sort plan.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := parseDateFlag(date)
			if err != nil {
				return err
			}
			return o.withDispatch(cmd, func(svc *dispatch.Service, a *app.App) error {
				ctx := cmd.Context()
				if len(offices) == 0 {
					return fmt.Errorf("name at least one --office: %w", errUsage)
				}
				day := sim.Day{Date: d, Items: map[string][]dispatch.Item{}}
				for i, off := range offices {
					off = strings.ToUpper(off)
					items, err := officeItems(ctx, a, off, d)
					if err != nil {
						return err
					}
					if synthetic > 0 {
						plan, err := svc.SortPlan(ctx, off)
						if err != nil {
							return err
						}
						items = append(items, sim.Generate(&plan, synthetic, nil, rand.New(rand.NewPCG(uint64(i+1), 7)), uint32(9_000_000+i*100_000), "CN")...)
					}
					day.Items[off] = items
				}
				r := &sim.Runner{Service: svc, Progress: func(stage string, done, all int) { progress(o.errOut, stage)(done, all) }}
				if depart {
					r.DepartBefore = time.Now().Add(100 * 365 * 24 * time.Hour)
				}
				rep, err := r.Run(ctx, day)
				if err != nil {
					return err
				}
				if bills != "" {
					if err := os.MkdirAll(bills, 0o750); err != nil {
						return err
					}
					for _, id := range rep.Consignments {
						b, err := svc.DeliveryBill(ctx, id)
						if err != nil {
							return err
						}
						if err := writeBill(filepath.Join(bills, b.Name()+".pdf"), b); err != nil {
							return err
						}
					}
				}
				return o.print(rep, func() { printSimulation(o, rep, bills) })
			})
		},
	}
	cmd.Flags().StringVar(&date, "date", "", "the day, YYYY-MM-DD")
	cmd.Flags().StringSliceVar(&offices, "office", nil, "office of exchange (repeat or comma-separate for several)")
	cmd.Flags().IntVar(&synthetic, "synthetic", 0, "made-up items to add per office")
	cmd.Flags().StringVar(&bills, "bills", "", "directory to write the delivery bills (PDF) into")
	cmd.Flags().BoolVar(&depart, "depart", false, "also record every consignment's departure")
	return cmd
}

// officeItems returns the items accepted at office on date d.
func officeItems(ctx context.Context, a *app.App, office string, d civil.Date) ([]dispatch.Item, error) {
	o, err := a.Network.Office(ctx, office)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(o.TZ)
	if err != nil {
		return nil, err
	}
	vols, _, err := itemsOn(ctx, a.Acceptance, office, d, loc)
	return vols, err
}

func printSimulation(o *Options, rep sim.Report, bills string) {
	fmt.Fprintf(o.out, "Day %s: %s items → %s receptacles in %d dispatches, %d consignments", rep.Date, thousands(rep.Items), thousands(rep.Receptacles),
		rep.Dispatches, len(rep.Consignments))
	if rep.UnplacedItems > 0 {
		fmt.Fprintf(o.out, "; %s items packed but without a departure in the horizon", thousands(rep.UnplacedItems))
	}
	fmt.Fprintln(o.out)
	tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "OFFICE\tITEMS\tUNSORTED\tRECEPTACLES\tDISPATCHES\tCONSIGNMENTS\tGROSS KG\t")
	for _, r := range rep.Offices {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\t%d\t%s\t\n", r.Office, thousands(r.Items), len(r.Unsorted), thousands(r.Receptacles), r.Dispatches, r.Consignments, kgf(r.GrossKg))
	}
	tw.Flush()
	fmt.Fprintf(o.out, "Timings: presort %.0f ms, allocate %.0f ms, pack/store/consign %.0f ms\n", rep.Timings["presort"], rep.Timings["allocate"], rep.Timings["pack, store, consign"])
	if bills != "" {
		fmt.Fprintf(o.out, "Delivery bills in %s\n", bills)
	}
	fmt.Fprintln(o.out)
	printPlan(o.out, planOf(rep), false)
}

// itemsOn lists the shipments accepted at office on local date d.
func itemsOn(ctx context.Context, items *acceptance.Service, office string, d civil.Date, loc *time.Location) ([]dispatch.Item, int, error) {
	var out []dispatch.Item
	cursor := ""
	seen := 0
	for {
		page, next, err := items.List(ctx, cliPrincipal, "", civil.LocalTime(loc, d, 0), 500, cursor)
		if err != nil {
			return nil, 0, err
		}
		for _, sh := range page {
			seen++
			if sh.OriginOffice == office && civil.DateOf(sh.CreatedAt.In(loc)) == d {
				out = append(out, dispatch.ItemOf(sh))
			}
		}
		if next == "" {
			return out, seen, nil
		}
		cursor = next
	}
}

func planOf(rep sim.Report) alloc.DayPlan {
	return alloc.DayPlan{Plan: rep.Plan, Source: "the simulated items", Unsorted: []alloc.Unsorted{}}
}
