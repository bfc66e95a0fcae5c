// Package cli is the interpost command line: it parses flags and
// environment, opens the store and runs a sub-command. main only calls Main,
// so tests run the CLI in-process.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/inward"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/store/postgres"
	"github.com/interpost/interpost/store/sqlite"
)

// Version is set at build time with -ldflags "-X github.com/interpost/interpost/internal/cli.Version=…".
var Version = "dev"

// Options are the flags every sub-command shares.
type Options struct {
	Addr    string
	Data    string
	DB      string
	Country string
	JSON    bool
	// CustomsRules and Rates name the customs rules file and the SDR rates
	// table; empty means the demo rules and postal.DefaultRates.
	CustomsRules string
	Rates        string
	// Bus is the NATS URL of the multi-node event bus; empty keeps events
	// in process (stored before the request is answered).
	Bus string
	// WebhookAllowPrivate lets webhook deliveries reach internal addresses.
	WebhookAllowPrivate bool
	// SMTP is the SMTP server URL for buyers' e-mail notifications.
	SMTP string
	// PublicURL is the tracking page's public address, for links in e-mails.
	PublicURL string
	// EDIProfiles names a directory of partner exchange profiles (*.json,
	// docs/formats.md); empty: every partner uses ours.
	EDIProfiles string
	// CEBProfiles names the JSON file of the post's CEB configuration per office (China Customs'
	// cross-border e-commerce messages); the demo uses demo/ceb-profile.json when empty.
	CEBProfiles string
	// CEBExchange is the single-window client's exchange directory (--ceb-exchange).
	CEBExchange string
	cebDemo     bool
	// Now, when set (RFC 3339), is the moment every service takes as now.
	Now string
	// Retention is --retention: months per purpose (docs/privacy.md).
	Retention string
	// Drain is how long a stopping server lets requests in flight finish
	// (serve and demo: --drain).
	Drain time.Duration
	// PartnerPushEvery is how often waiting events are pushed to partner
	// posts' endpoints (--partner-push-every).
	PartnerPushEvery time.Duration
	// DrainDelay is how long /readyz answers 503 before the drain
	// (--drain-delay).
	DrainDelay time.Duration
	out        io.Writer
	errOut     io.Writer
}

// exit codes by error code, so scripts can branch on them.
var exitCodes = map[postal.Code]int{
	postal.CodeInvalid:         2,
	postal.CodeNotFound:        3,
	postal.CodeConflict:        4,
	postal.CodeForbidden:       5,
	postal.CodeUnauthenticated: 5,
	postal.CodeUnavailable:     6,
}

// Main runs the CLI with args and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "interpost:", err)
	for _, fe := range postal.Fields(err) {
		fmt.Fprintln(stderr, "  -", fe.Error())
	}
	if code, ok := exitCodes[postal.ErrorCode(err)]; ok {
		return code
	}
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

var errUsage = errors.New("usage")

// envDuration is the duration in the environment variable name, or def
// when it is unset or no duration.
func envDuration(name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	o := &Options{out: stdout, errOut: stderr}
	root := &cobra.Command{
		Use:   "interpost",
		Short: "Interpost runs a post's international mail and cross-border e-commerce network",
		Long: `Interpost runs a post's international mail and cross-border e-commerce network:
acceptance with UPU S10 ids, customs, route planning, exchange operations, tracking.

Every flag below can also be set from the environment: --addr as INTERPOST_ADDR,
--data as INTERPOST_DATA, --db as INTERPOST_DB, --country as INTERPOST_COUNTRY.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&o.Addr, "addr", envOr("INTERPOST_ADDR", "127.0.0.1:8080"), "address the server listens on (INTERPOST_ADDR)")
	pf.StringVar(&o.Data, "data", envOr("INTERPOST_DATA", "./interpost-data"), "SQLite data directory (INTERPOST_DATA)")
	pf.StringVar(&o.DB, "db", envOr("INTERPOST_DB", ""), "PostgreSQL URL instead of SQLite, e.g. postgres://user@host:5432/interpost (INTERPOST_DB)")
	pf.StringVar(&o.Country, "country", envOr("INTERPOST_COUNTRY", "CN"), "country of the post running Interpost: issuing country of its S10 ids (INTERPOST_COUNTRY)")
	pf.BoolVar(&o.JSON, "json", false, "print JSON instead of tables")
	pf.StringVar(&o.CustomsRules, "customs-rules", envOr("INTERPOST_CUSTOMS_RULES", ""), "customs rules file, YAML or JSON (docs/customs-rules.md); empty uses the demo rules (INTERPOST_CUSTOMS_RULES)")
	pf.StringVar(&o.Rates, "rates", envOr("INTERPOST_RATES", ""), "SDR exchange-rates table, CSV date,currency,units_per_sdr; empty uses the built-in table (INTERPOST_RATES)")
	pf.BoolVar(&o.WebhookAllowPrivate, "webhook-allow-private", envOr("INTERPOST_WEBHOOK_ALLOW_PRIVATE", "") == "true",
		"let webhook deliveries reach loopback, private and link-local addresses (off: a merchant's endpoint must be public) (INTERPOST_WEBHOOK_ALLOW_PRIVATE=true)")
	pf.StringVar(&o.SMTP, "smtp", envOr("INTERPOST_SMTP", ""), "SMTP server for buyers' e-mail notifications, smtp://user:password@host:587?from=notify@post.example (smtps:// for TLS on 465, &tls=none for a local relay); empty: buyers cannot subscribe and no e-mail is sent (INTERPOST_SMTP)")
	pf.StringVar(&o.PublicURL, "public-url", envOr("INTERPOST_PUBLIC_URL", ""), "address buyers reach the tracking page at, for the links in e-mails, e.g. https://track.post.example; empty: http://ADDR (INTERPOST_PUBLIC_URL)")
	pf.StringVar(&o.Bus, "bus", envOr("INTERPOST_BUS", ""), "NATS JetStream URL for several nodes, e.g. nats://127.0.0.1:4222: accepted tracking events go to the stream and every node persists them (INTERPOST_BUS)")
	pf.StringVar(&o.Retention, "retention", envOr("INTERPOST_RETENTION", ""), "how long personal data and the audit log are kept, months per purpose, e.g. shipments=24,orders=24,customs=48,audit=12 (these are the defaults; docs/privacy.md) (INTERPOST_RETENTION)")
	pf.StringVar(&o.CEBProfiles, "ceb-profiles", envOr("INTERPOST_CEB_PROFILES", ""), "JSON file of the post's China Customs CEB configuration per office, {\"CNSHAA\": {…}} (docs/formats.md); empty: no CEB messages (INTERPOST_CEB_PROFILES)")
	pf.StringVar(&o.CEBExchange, "ceb-exchange", envOr("INTERPOST_CEB_EXCHANGE", ""), "the China single-window client's exchange directory: queued CEB messages are written to DIR/outbox and receipts read from DIR/inbox (docs/formats.md); empty: receipts are uploaded over the API (INTERPOST_CEB_EXCHANGE)")
	pf.StringVar(&o.EDIProfiles, "edi-profiles", envOr("INTERPOST_EDI_PROFILES", ""), "directory of partners' EDIFACT exchange profiles, *.json (docs/formats.md); empty: every partner uses ours (INTERPOST_EDI_PROFILES)")
	pf.DurationVar(&o.PartnerPushEvery, "partner-push-every", envDuration("INTERPOST_PARTNER_PUSH_EVERY", inward.DefaultPushEvery), "how often a node pushes partner posts' waiting events to their endpoints (admin API /v1/admin/partners/{partner}/endpoint; docs/formats.md); negative: never, partners pull (INTERPOST_PARTNER_PUSH_EVERY)")
	pf.StringVar(&o.Now, "now", envOr("INTERPOST_NOW", ""), "run as if the clock read this moment, RFC 3339 (demos, replays, tests); empty is the machine's clock (INTERPOST_NOW)")
	root.AddCommand(serveCmd(o), demoCmd(o), keysCmd(o), s10Cmd(o), merchantsCmd(o), officesCmd(o), routeCmd(o), networkCmd(o), warehouseCmd(o), customsCmd(o), eventsCmd(o), reportCmd(o), webhooksCmd(o), versionCmd(o))
	root.AddCommand(tariffsCmd(o), ledgerCmd(o), statementCmd(o))
	root.AddCommand(dispatchCmd(o), planCmd(o), inwardCmd(o), shipmentsCmd(o))
	root.AddCommand(backupCmd(o), restoreCmd(o))
	root.AddCommand(privacyCmd(o), auditCmd(o))
	root.AddCommand(twinCmd(o))
	addMarginReport(root, o)
	return root
}

// openStore opens the store the flags name.
func (o *Options) openStore(ctx context.Context) (store.Store, error) {
	if o.DB != "" {
		if err := store.CheckURL(o.DB); err != nil {
			return nil, err
		}
		return postgres.Open(ctx, o.DB)
	}
	return sqlite.Open(ctx, o.Data)
}

func (o *Options) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(o.errOut, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func versionCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "print the version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintln(o.out, "interpost", Version)
			return nil
		},
	}
}
