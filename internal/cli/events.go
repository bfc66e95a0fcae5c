package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/edi"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

var cliAdmin = auth.Principal{Role: auth.RoleAdmin, KeyID: "cli"}

func eventsCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "events", Short: "tracking events: import, timelines, stuck items, codes"}
	cmd.AddCommand(eventsImportCmd(o), eventsTimelineCmd(o), eventsItemsCmd(o), eventsCodesCmd(o), eventsProjectCmd(o))
	return cmd
}

// withTracking runs fn with the tracking service (with --bus, the events
// of imports go to the bus).
func (o *Options) withTracking(ctx context.Context, fn func(*app.App, *tracking.Service) error) error {
	return o.withApp(ctx, true, func(a *app.App) error { return fn(a, a.Tracking) })
}

// eventFormat tells the format of an events file by its name.
func eventFormat(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return "csv"
	case ".jsonl", ".ndjson", ".json":
		return "json"
	case ".evt", ".edi":
		return "evt"
	}
	return ""
}

// byteCounter counts what was read from a file, for the progress bar.
type byteCounter struct {
	r io.Reader
	n atomic.Int64
}

func (c *byteCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func eventsImportCmd(o *Options) *cobra.Command {
	var format string
	var batch int
	cmd := &cobra.Command{
		Use:   "import FILE.csv|FILE.jsonl|FILE.evt",
		Short: "import tracking events from a file",
		Long: `Validate and store tracking events from a file: CSV with the header
object,code,office,time,source,reason,next_office,signatory, JSON lines, or a partner
event message (.evt). Each event is checked on its own (code, item id, office, time at
most a day ahead); valid events are stored in batches, rejected ones are listed by line.
The same event imported twice is stored once, so a failed import can simply be re-run.
Events of items Interpost has no shipment for are stored and counted as unlinked.
With --bus the events go to the NATS stream and the nodes' persisters store them.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format == "" {
				format = eventFormat(args[0])
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
			return o.withTracking(cmd.Context(), func(_ *app.App, svc *tracking.Service) error {
				counter := &byteCounter{r: f}
				var dec tracking.Decoder
				switch format {
				case "csv":
					dec = tracking.NewCSVDecoder(counter)
				case "json":
					dec = tracking.NewJSONDecoder(counter)
				case "evt":
					m, err := edi.DecodeEvents(counter)
					if err != nil {
						return err
					}
					dec = m.Decoder()
				default:
					return postal.Invalid("unknown events format", postal.FieldError{Field: "--format", Message: "name the file .csv, .jsonl or .evt, or give --format csv|json|evt"})
				}
				bar := progress(o.errOut, "importing "+filepath.Base(args[0]))
				size := max(1, int(fi.Size()))
				started := time.Now()
				res, err := svc.IngestStream(cmd.Context(), cliAdmin, dec, tracking.StreamOptions{Batch: batch, Progress: func(int) {
					bar(min(size, int(counter.n.Load())), size)
				}})
				elapsed := time.Since(started)
				if err == nil {
					bar(size, size)
				}
				if o.JSON {
					if jerr := json.NewEncoder(o.out).Encode(res); jerr != nil {
						return jerr
					}
				} else {
					printIngest(o.out, res, elapsed)
				}
				return err
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "csv, json (JSON lines or an array) or evt (default: from the file name)")
	cmd.Flags().IntVar(&batch, "batch", 250_000, "events stored per transaction")
	return cmd
}

func printIngest(w io.Writer, r tracking.Result, elapsed time.Duration) {
	rate := float64(r.Received) / max(elapsed.Seconds(), 1e-9)
	fmt.Fprintf(w, "%d records in %.1fs (%.0f/s): %d accepted", r.Received, elapsed.Seconds(), rate, r.Accepted)
	if r.New != tracking.Unknown {
		fmt.Fprintf(w, " (%d new, %d duplicates)", r.New, r.Duplicates)
	} else {
		fmt.Fprintf(w, " and queued on the bus (%d duplicates within the file)", r.Duplicates)
	}
	fmt.Fprintf(w, ", %d rejected, %d unlinked (no shipment in Interpost)\n", r.RejectedCount, r.UnlinkedCount)
	for i, rj := range r.Rejected {
		if i == 20 {
			fmt.Fprintf(w, "  … %d more (use --json for all listed)\n", r.RejectedCount-20)
			break
		}
		where := fmt.Sprintf("record %d", rj.Index)
		if rj.Line > 0 {
			where = fmt.Sprintf("line %d", rj.Line)
		}
		fmt.Fprintf(w, "  %s: %s\n", where, rj.Reason)
	}
}

func eventsTimelineCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:     "timeline ID",
		Aliases: []string{"track"},
		Short:   "show an item's events in time order with its status",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withTracking(cmd.Context(), func(_ *app.App, svc *tracking.Service) error {
				tl, err := svc.Timeline(cmd.Context(), cliAdmin, args[0])
				if err != nil {
					return err
				}
				if o.JSON {
					return json.NewEncoder(o.out).Encode(tl)
				}
				return printTimeline(o.out, tl)
			})
		},
	}
}

func printTimeline(w io.Writer, tl tracking.Timeline) error {
	fmt.Fprintf(w, "%s  %s", tl.Object, tl.StatusLabel)
	if tl.Lane != nil {
		fmt.Fprintf(w, "  (%s)", tl.Lane)
	}
	switch {
	case tl.Declared:
		fmt.Fprint(w, "  [declared to customs; no shipment in Interpost]")
	case !tl.Linked && tl.Kind.Shipment():
		fmt.Fprint(w, "  [unlinked: no shipment in Interpost]")
	}
	fmt.Fprintln(w)
	if e := tl.EstimatedDelivery; e != nil {
		fmt.Fprintf(w, "estimated delivery %s (%s)\n", e.Date, e.Basis)
	}
	if tl.NoEstimate != "" {
		fmt.Fprintf(w, "estimated delivery: %s\n", tl.NoEstimate)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LOCAL TIME\tCODE\tEVENT\tOFFICE\tSOURCE\tDETAIL")
	for _, e := range tl.Events {
		var detail []string
		for _, d := range [][2]string{{"reason", e.Reason}, {"next", e.NextOffice}, {"signed", e.Signatory}} {
			if d[1] != "" {
				detail = append(detail, d[0]+" "+d[1])
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.LocalTime, e.Code, e.Meaning, e.Office, e.Source, strings.Join(detail, ", "))
	}
	return tw.Flush()
}

func eventsItemsCmd(o *Options) *cobra.Command {
	var status, lane string
	var stuckFor time.Duration
	var limit int
	cmd := &cobra.Command{
		Use:   "items",
		Short: "find items stuck at one step (by status, lane and time since their last event)",
		Example: `  interpost events items --status import_customs_held --stuck-for 72h
  interpost events items --lane CN-PL:parcel --stuck-for 120h`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.withTracking(cmd.Context(), func(_ *app.App, svc *tracking.Service) error {
				if _, err := svc.CatchUp(cmd.Context()); err != nil {
					return err
				}
				var statuses []string
				if status != "" {
					statuses = strings.Split(status, ",")
				}
				items, _, err := svc.Stuck(cmd.Context(), cliAdmin, statuses, lane, stuckFor, "", limit)
				if err != nil {
					return err
				}
				if o.JSON {
					return json.NewEncoder(o.out).Encode(items)
				}
				tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ITEM\tSTATUS\tSINCE\tLAST\tOFFICE\tLANE\tMERCHANT")
				for _, it := range items {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", it.Object, it.Status, it.LastTime.Format("2006-01-02 15:04Z"),
						it.LastCode, it.LastOffice, it.Lane(), it.Merchant)
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				fmt.Fprintf(o.errOut, "%d items\n", len(items))
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&status, "status", "", "comma-separated statuses, e.g. import_customs_held,arrived (interpost events codes lists them)")
	f.StringVar(&lane, "lane", "", "ORIGIN-DEST or ORIGIN-DEST:product, e.g. CN-PL:ems")
	f.DurationVar(&stuckFor, "stuck-for", 0, "only items whose last event is at least this old, e.g. 72h")
	f.IntVar(&limit, "limit", 100, "at most this many items, oldest last event first")
	return cmd
}

func eventsCodesCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "codes",
		Short: "list the UPU event codes and the item status each leads to",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if o.JSON {
				return json.NewEncoder(o.out).Encode(tracking.Codes())
			}
			tw := tabwriter.NewWriter(o.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "CODE\tPOS\tSTAGE\tSTATUS\tMEANING")
			for _, c := range tracking.Codes() {
				fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", c.Code, c.Position, c.Stage, c.Status, c.Meaning)
			}
			return tw.Flush()
		},
	}
}

func eventsProjectCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "project",
		Short: "bring the item read model (statuses, milestones, webhooks) up to date now",
		Long: `A running server does this continuously; run it after an import when no server
runs, or to measure how long projection takes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.withTracking(cmd.Context(), func(_ *app.App, svc *tracking.Service) error {
				last, done, err := svc.ProjectionLag(cmd.Context())
				if err != nil {
					return err
				}
				bar := progress(o.errOut, "projecting")
				total := max(1, int(last-done))
				started := time.Now()
				n := 0
				for {
					k, err := svc.Project(cmd.Context())
					if err != nil {
						return err
					}
					n += k
					bar(min(n, total), total)
					if k == 0 {
						break
					}
				}
				el := time.Since(started)
				fmt.Fprintf(o.out, "projected %d events in %.1fs (%.0f/s)\n", n, el.Seconds(), float64(n)/max(el.Seconds(), 1e-9))
				return nil
			})
		},
	}
}
