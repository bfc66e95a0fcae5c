package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/routing"
)

func routeCmd(o *Options) *cobra.Command {
	var (
		dir, from, to, ready, product, avoid string
		weightKg                             float64
		surface, dg, pareto                  bool
		maxLegs, horizonDays                 int
	)
	cmd := &cobra.Command{
		Use:   "route --from CODE --to CODE --ready TIME",
		Short: "plan an item's way over the timetable",
		Long: `Plan the way of an item ready at --from at --ready to --to over the scheduled
services: the earliest arrival (ties: fewer legs, then lower cost) and, with --pareto,
every itinerary no other beats on arrival, cost and CO2 together.

The network comes from --network DIR (offices.csv and services.csv, see docs/formats.md)
without any server or database, or else from the store (--data / --db).

--ready is RFC 3339 with a zone, e.g. 2026-11-23T10:00:00+08:00. --product limits the
modes: EMS and letter-post items (e-packet, small packets) go by air and road, parcels by
any mode; --surface drops air; --dg keeps to services that accept dangerous goods;
--avoid lists countries the item must not pass through in transit.

Exit status: 0 with "earliest": null when there is no route; 2 for bad input.`,
		Example: `  interpost route --network demo --from CNXMNA --to DEDUIA --ready 2026-11-23T10:00:00+08:00 --product ems
  interpost route --network demo --from CNXMNA --to DEDUIA --ready 2026-11-23T10:00:00+08:00 --product parcel --surface --pareto
  interpost route --from CNCKGA --to DEDUIA --ready 2026-11-23T09:00:00+08:00 --avoid BY,RU --horizon-days 30 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q := routing.Query{From: strings.ToUpper(from), To: strings.ToUpper(to), Product: postal.Product(product),
				Surface: surface, DG: dg, MaxLegs: maxLegs, Pareto: pareto, Horizon: time.Duration(horizonDays) * 24 * time.Hour}
			var fe postal.FieldList
			var err error
			if ready == "" {
				q.Ready = time.Now()
			} else if q.Ready, err = routing.ParseReady(ready); err != nil {
				fe.Add("--ready", "%v", err)
			}
			if weightKg <= 0 || math.IsNaN(weightKg) || weightKg > 100_000 {
				fe.Add("--weight-kg", "%v must be more than 0 and at most 100000", weightKg)
			}
			q.WeightG = int(math.Round(weightKg * 1000))
			if avoid != "" {
				q.Avoid = strings.Split(avoid, ",")
			}
			if err := fe.Err("bad route query"); err != nil {
				return err
			}
			offices, services, err := o.loadNetwork(cmd.Context(), dir)
			if err != nil {
				return err
			}
			p, err := routing.New(offices, services)
			if err != nil {
				return err
			}
			res, err := p.Plan(cmd.Context(), q)
			if err != nil {
				return flagNames(err)
			}
			if o.JSON {
				enc := json.NewEncoder(o.out)
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			return printRoute(o.out, p, q, res)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "network", "", "directory with offices.csv and services.csv (default: the store)")
	f.StringVar(&from, "from", "", "office where the item is ready, e.g. CNXMNA")
	f.StringVar(&to, "to", "", "destination office, e.g. DEDUIA")
	f.StringVar(&ready, "ready", "", "when the item is ready at --from, RFC 3339 with a zone (default: now)")
	f.Float64Var(&weightKg, "weight-kg", 1, "item weight in kg (cost and CO2 scale with it; services too small are skipped)")
	f.StringVar(&product, "product", "", "product: ems, e-packet, registered-small-packet, small-packet or parcel (default: any mode)")
	f.BoolVar(&surface, "surface", false, "no air legs")
	f.BoolVar(&dg, "dg", false, "dangerous goods (lithium batteries): only services that accept them")
	f.StringVar(&avoid, "avoid", "", "countries not to pass through in transit, e.g. BY,RU")
	f.IntVar(&maxLegs, "max-legs", routing.DefaultMaxLegs, "at most this many legs")
	f.IntVar(&horizonDays, "horizon-days", int(routing.DefaultHorizon/(24*time.Hour)), "arrive within this many days of --ready")
	f.BoolVar(&pareto, "pareto", false, "also list the Pareto set over arrival, cost and CO2")
	return cmd
}

// flagNames renames the planner's query fields to the flags that set them.
func flagNames(err error) error {
	pe, ok := err.(*postal.Error)
	if !ok {
		return err
	}
	names := map[string]string{"weight_g": "--weight-kg", "max_legs": "--max-legs", "horizon": "--horizon-days"}
	out := *pe
	out.Fields = make([]postal.FieldError, len(pe.Fields))
	for i, f := range pe.Fields {
		if n, ok := names[f.Field]; ok {
			f.Field = n
		} else {
			f.Field = "--" + f.Field
		}
		out.Fields[i] = f
	}
	return &out
}

// loadNetwork reads the network from dir, or from the store when dir is
// empty.
func (o *Options) loadNetwork(ctx context.Context, dir string) ([]network.Office, []network.Leg, error) {
	if dir != "" {
		n, err := network.ReadDir(os.DirFS(dir), nil)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", dir, err)
		}
		return n.Offices, n.Services, nil
	}
	var offices []network.Office
	var services []network.Leg
	err := o.withApp(ctx, false, func(a *app.App) (err error) {
		if offices, err = a.Network.Offices(ctx); err != nil {
			return err
		}
		services, err = a.Network.Legs(ctx)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	if len(services) == 0 {
		return nil, nil, postal.Errorf(postal.CodeNotFound, "the store has no services: run interpost network import DIR (or interpost demo), or pass --network DIR")
	}
	return offices, services, nil
}

func printRoute(w io.Writer, p *routing.Planner, q routing.Query, res routing.Result) error {
	from, _ := p.Office(q.From)
	to, _ := p.Office(q.To)
	modes, _ := routing.AllowedModes(q.Product, q.Surface)
	var ms []string
	for _, m := range modes {
		ms = append(ms, string(m))
	}
	horizon := q.Horizon
	if horizon == 0 {
		horizon = routing.DefaultHorizon
	}
	fmt.Fprintf(w, "%s %s → %s %s\n", from.Code, from.Name, to.Code, to.Name)
	fmt.Fprintf(w, "ready %s, %.3g kg, modes %s", localTime(p, q.From, q.Ready), float64(q.WeightG)/1000, strings.Join(ms, "+"))
	if q.DG {
		fmt.Fprint(w, ", dangerous goods")
	}
	if len(q.Avoid) > 0 {
		fmt.Fprintf(w, ", avoiding %s in transit", strings.ToUpper(strings.Join(q.Avoid, ",")))
	}
	fmt.Fprintf(w, ", arriving within %d days\n\n", int(horizon/(24*time.Hour)))
	if res.Earliest == nil {
		fmt.Fprintln(w, "No route within the horizon. Try --horizon-days, --max-legs, or fewer constraints.")
		return nil
	}
	e := res.Earliest
	fmt.Fprintf(w, "Earliest arrival %s (%s after ready), %d legs, cost %s %s, CO2 %.2f kg\n",
		localTime(p, q.To, e.Arrive), span(e.Arrive.Sub(q.Ready)), len(e.Legs), e.CostAmount, e.Currency, e.CO2Kg)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  SERVICE\tMODE\tCARRIER\tFROM\tDEPARTS (local)\tTO\tARRIVES (local)")
	for _, l := range e.Legs {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", l.Service, l.Mode, l.Carrier, l.From, localTime(p, l.From, l.Depart), l.To, localTime(p, l.To, l.Arrive))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !q.Pareto {
		return nil
	}
	fmt.Fprintf(w, "\nPareto set over arrival, cost and CO2 (%d):\n", len(res.Pareto))
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  ARRIVES (local)\tAFTER\tLEGS\tCOST "+network.CostCurrency+"\tCO2 kg\tVIA")
	for _, it := range res.Pareto {
		var via []string
		for _, l := range it.Legs {
			via = append(via, fmt.Sprintf("%s %s %s", l.Service, l.Mode, l.To))
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\t%.2f\t%s\n", localTime(p, q.To, it.Arrive), span(it.Arrive.Sub(q.Ready)), len(it.Legs), it.CostAmount, it.CO2Kg, strings.Join(via, " > "))
	}
	return tw.Flush()
}

// localTime shows t in the zone of office code.
func localTime(p *routing.Planner, code string, t time.Time) string {
	if o, ok := p.Office(code); ok {
		if loc, err := time.LoadLocation(o.TZ); err == nil {
			t = t.In(loc)
		}
	}
	return t.Format("Mon 02 Jan 15:04 -07:00")
}

// span renders a duration as days and hours.
func span(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	days, h, mins := m/1440, m%1440/60, m%60
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %02dh%02d", days, h, mins)
	default:
		return fmt.Sprintf("%dh%02d", h, mins)
	}
}

func networkCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "network", Short: "import and export the network (offices.csv, services.csv)"}
	imp := &cobra.Command{
		Use:   "import DIR",
		Short: "import DIR/offices.csv and DIR/services.csv (all or nothing)",
		Long: `Import a network directory: offices.csv (optional when the offices are already
stored) and services.csv, in the formats of docs/formats.md. Offices are created or
updated; the timetable is replaced as a whole. Every error names its file, line and
column, and a directory with any error imports nothing.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var n network.Network
			err := o.withApp(cmd.Context(), false, func(a *app.App) error {
				known, err := a.Network.Offices(cmd.Context())
				if err != nil {
					return err
				}
				if n, err = network.ReadDir(os.DirFS(args[0]), known); err != nil {
					return fmt.Errorf("%s: %w", args[0], err)
				}
				return a.Network.Replace(cmd.Context(), n)
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(o.errOut, "imported %d offices and %d services from %s\n", len(n.Offices), len(n.Services), args[0])
			return nil
		},
	}
	exp := &cobra.Command{
		Use:   "export DIR",
		Short: "write the stored network to DIR/offices.csv and DIR/services.csv",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var n network.Network
			err := o.withApp(cmd.Context(), false, func(a *app.App) (err error) {
				if n.Offices, err = a.Network.Offices(cmd.Context()); err != nil {
					return err
				}
				n.Services, err = a.Network.Legs(cmd.Context())
				return err
			})
			if err != nil {
				return err
			}
			if err := network.WriteDir(args[0], n); err != nil {
				return fmt.Errorf("export to %s: %w", args[0], err)
			}
			fmt.Fprintf(o.errOut, "exported %d offices and %d services to %s\n", len(n.Offices), len(n.Services), args[0])
			return nil
		},
	}
	cmd.AddCommand(imp, exp)
	return cmd
}
