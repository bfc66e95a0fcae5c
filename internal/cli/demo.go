package cli

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/demo"
	"github.com/interpost/interpost/postal"
)

func demoCmd(o *Options) *cobra.Command {
	var shipments int
	var noServe bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "seed the demo world and serve it",
		Long: `Seed the demo world into --data (or --db): the offices of a large post's international
network, five e-commerce merchants and a fortnight of their shipments; print an API key for
the demo merchant and one for an admin; then serve on --addr. Running it again reuses the
seeded data (it is idempotent) and prints fresh keys.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			st, err := o.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			var ln net.Listener
			if !noServe {
				// Listen first so a busy port fails before any work is done.
				if ln, err = net.Listen("tcp", o.Addr); err != nil {
					return postal.Errorf(postal.CodeUnavailable, "listen on %s: %w (is another interpost running? use --addr)", o.Addr, err)
				}
			}
			o.cebDemo = true
			a, err := o.newApp(ctx, st, o.logger(), !noServe)
			if err != nil {
				return err
			}
			defer a.Close() // serve closes it too; closing twice is harmless
			started := time.Now()
			res, err := demo.Seed(ctx, st, a.Acceptance, demo.Options{Shipments: shipments, Now: a.Now().UTC(), Progress: progress(o.errOut, "seeding shipments"), Customs: a.Customs, Inward: a.Inward, Inbound: a.Accounting.Inbound, Quality: a.Accounting.Quality, Inquiry: a.Inquiry,
				Returns: a.Returns, Outward: a.Dispatch})
			if err != nil {
				return err
			}
			fmt.Fprintf(o.out, "Demo world in %s (%s): %d offices, %d services, %d merchants, %d shipments created, %d already there (%.1fs).\n",
				where(o), st.Kind(), res.Offices, res.Services, res.Merchants, res.Shipments, res.Replayed, time.Since(started).Seconds())
			if err := o.printCustomsDemo(ctx, a, res.Customs); err != nil {
				return err
			}
			if a.CEB != nil {
				cr, err := demo.SeedCEB(ctx, a.CEB, a.Now().UTC())
				if err != nil {
					return err
				}
				if len(cr.Items) > 0 {
					fmt.Fprintf(o.out, "CEB (China Customs e-commerce; receipts from a SIMULATED customs responder): %d items from tmall-global and jd-worldwide, %d messages sent, %d receipts; "+
						"inspected then released %s, returned %s, flagged %s; see GET /v1/customs/items/%s/ceb or the console's customs item page.\n",
						len(cr.Items), cr.Sent, len(cr.Uploads), cr.Inspected, cr.Returned, cr.Flagged, cr.Inspected)
				}
				mr, err := demo.SeedCEBMatching(ctx, a.CEBMatch, a.Now().UTC())
				if err != nil {
					return err
				}
				fmt.Fprintf(o.out, "CEB three documents matched: %d orders with a SIMULATED platform's order and payment; %s mismatched (amount paid) and held; see GET /v1/customs/ceb/matching.\n",
					len(mr.Orders), mr.Mismatched)
			}
			fmt.Fprintf(o.out, "Tracking: %d scans (%d new), %d of them of partner-only items (unlinked); see interpost events items --stuck-for 72h, interpost report e2e.\n",
				res.Tracking.Events, res.Tracking.New, res.Tracking.Unlinked)
			fmt.Fprintf(o.out, "Inward: %d PREDES and %d CARDIT from JP, KR, US, DE, FR, PL, KZ, GB over %d days (%d already there): %d dispatches, %d receptacles, %d items advised, %d still on their way; see interpost inward list, console /console/inward.\n",
				res.Inward.Predes, res.Inward.Cardits, demo.InwardDays, res.Inward.Repeated, res.Inward.Dispatches, res.Inward.Receptacles, res.Inward.Items, res.Inward.Expected)
			if res.Inward.Received > 0 {
				fmt.Fprintf(o.out, "Inward receipt: %d dispatches received and verified, %d discrepancies on %d verification notes (CN 43)", res.Inward.Received,
					res.Inward.Discrepancies, res.Inward.Notes)
				if len(res.Inward.NoteDispatches) > 0 {
					fmt.Fprintf(o.out, "; e.g. GET /v1/inward/dispatches/%s/cn43.pdf", res.Inward.NoteDispatches[0])
				}
				fmt.Fprintln(o.out, ".")
			}
			if d := res.Inward.Delivery; d.Declared+d.Released+d.Held > 0 {
				fmt.Fprintf(o.out, "Import and delivery: %d inbound items declared to import customs (%d released, %d held, %d without data), %d delivered, %d attempted, %d returned to origin; %d events returned to JPPOST/KRPOST (GET /v1/inward/events).\n",
					d.Declared, d.Released, d.Held, d.NeedsData, d.Delivered, d.Attempted, d.Returned, d.EventsReturned)
			}
			if d := res.Inward.Delivery; d.PushPartner != "" {
				fmt.Fprintf(o.out, "Events pushed: %s has a push endpoint at %s (nothing listens there: its pushes fail and back off); see GET /v1/inward/partners/%s/endpoint.\n",
					d.PushPartner, d.PushURL, d.PushPartner)
			}
			if tr := res.Inward.Transit; tr.Forwarded > 0 {
				fmt.Fprintf(o.out, "Transit: KR→KZ dispatch %s, %d bags checked unopened at Urumqi and forwarded on %s via Khorgos, RESDIT %s to the airline; see GET /v1/inward/transit/%s.\n",
					tr.Dispatch, tr.Forwarded, tr.Service, tr.Resdit, tr.Dispatch)
				if tr.Onward != "" {
					fmt.Fprintf(o.out, "Onward consignment %s to the carrier, CARDIT %s; see GET /v1/inward/transit/%s/cardit.\n", tr.Onward, tr.OnwardRef, tr.Dispatch)
				}
			}
			if ot := res.Inward.OpenTransit; ot.Resorted > 0 {
				fmt.Fprintf(o.out, "Open transit: %d items of KR dispatch %s addressed to Germany re-sorted at Xiamen into %s; see GET /v1/inward/dispatches/%s/resort.\n",
					ot.Resorted, ot.Dispatch, ot.Stream, ot.Dispatch)
				if ot.Outward != "" {
					fmt.Fprintf(o.out, "They left in Xiamen's outward dispatch %s (%d items, EMB like our own); Korea Post owes the open-transit charge (GET /v1/ledger?kind=transit).\n",
						ot.Outward, ot.Dispatched)
				}
			}
			if r := res.Returns; r.Recalled+r.Charged+r.Abroad > 0 {
				fmt.Fprintf(o.out, "Returns: %d inbound returns charged to their origin post, %d scanned into the outward dispatch back to their origin, %d recalled by merchants (%d handed back, %d restocked after inspection), %d sent back by the destination post; GET /v1/returns (docs/inquiries.md \"Returns\").\n",
					r.Charged, r.Dispatched, r.Recalled, r.HandedBack, r.Restocked, r.Abroad)
			}
			if q := res.Inquiries; q.Inquiries > 0 {
				fmt.Fprintf(o.out, "Inquiries: %d opened (%d answered from the scans, %d routed to the post that last held the item), %d answered by partner posts, %d reminders, %d claims decided from the scans (%d overridden); e.g. GET /v1/inquiries/%s, /v1/inquiries/%s; console /console/inquiries (docs/inquiries.md).\n",
					q.Inquiries, q.Answered, q.Routed, q.PartnerAnswered, q.Reminded, q.Claims, q.Overrides, q.AnsweredID, q.RoutedID)
				if q.InsuredClaimID != "" {
					fmt.Fprintf(o.out, "Insured item lost: claim %s paid up to the insured value in the sender's currency (GET /v1/inquiries/%s).\n", q.InsuredClaimID, q.InsuredInquiryID)
				}
			}
			merchantKey, err := newDemoKey(ctx, a.Auth, auth.RoleMerchant, demo.Merchants[0].Code)
			if err != nil {
				return err
			}
			adminKey, err := newDemoKey(ctx, a.Auth, auth.RoleAdmin, "")
			if err != nil {
				return err
			}
			fmt.Fprintf(o.out, "Privacy: interpost privacy export --name NAME (or GET /v1/privacy/export) shows what is stored about a person; staff actions: interpost audit export --from DAY --to DAY (docs/privacy.md).\n")
			fmt.Fprintf(o.out, "\nAPI keys (shown once; new ones each run):\n  merchant %-9s %s\n  admin              %s\n", demo.Merchants[0].Code, merchantKey, adminKey)
			if noServe {
				return nil
			}
			return o.serve(ctx, a, ln, func(url string) {
				fmt.Fprintf(o.out, `
Interpost is running at %[1]s  (Ctrl-C stops it)
  operator console  %[1]s/console/  (sign in with one of the keys above)
  API description   %[1]s/v1/openapi.json
  products          %[1]s/v1/products
  offices           %[1]s/v1/offices
  check an S10 id   %[1]s/v1/s10/%[2]s
  public tracking   %[1]s/track/%[2]s  (in the browser's language; ?lang=zh-CN, ru, fr, es, de, pl, ja, ko, en)
  health, metrics   %[1]s/readyz  %[1]s/metrics
Try:
  curl -H "Authorization: Bearer %[3]s" %[1]s/v1/shipments?limit=5
  curl -H "Authorization: Bearer %[3]s" "%[1]s/v1/shipments?q=petrov&destination=RU&sort=-weight"   (Иван Петров, found by Latin letters)
  curl -H "Authorization: Bearer %[3]s" -o shipments.xlsx "%[1]s/v1/shipments/export?format=xlsx&stuck_days=3"
  curl -H "Authorization: Bearer %[3]s" -o label.pdf %[1]s/v1/shipments/%[2]s/label.pdf
  curl -H "Authorization: Bearer %[3]s" %[1]s/v1/items/%[2]s/events
  curl -H "Authorization: Bearer %[3]s" "%[1]s/v1/routes?from=CNXMNA&to=DEDUIA&ready=%[4]s&product=ems&pareto=true"
%[5]s`, url, res.SampleID, merchantKey, a.Now().UTC().Truncate(time.Minute).Format(time.RFC3339), backupHint(o))
			})
		},
	}
	cmd.Flags().IntVar(&shipments, "shipments", 400, "sample shipments to create")
	cmd.Flags().BoolVar(&noServe, "no-serve", false, "seed and print keys, then exit")
	drainFlag(cmd, o)
	return cmd
}

// backupHint shows how to back up the demo store while it is served.
func backupHint(o *Options) string {
	if o.DB != "" {
		return "Back up PostgreSQL with pg_dump -Fc (docs/operations.md).\n"
	}
	return fmt.Sprintf("Back up while it runs (docs/operations.md):\n  interpost --data %s backup ./interpost-backup\n", o.Data)
}

func where(o *Options) string {
	if o.DB != "" {
		return "PostgreSQL"
	}
	return o.Data
}

func newDemoKey(ctx context.Context, keys *auth.Service, role auth.Role, merchant string) (string, error) {
	_, secret, err := keys.CreateKey(ctx, cliPrincipal, auth.KeyRequest{Role: role, Merchant: merchant, Label: "demo"})
	return secret, err
}
