package natsbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	neturl "net/url"
	"strings"
	"time"

	natsgo "github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/interpost/interpost/bus"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// Config names the stream and consumer; zero fields take the defaults.
type Config struct {
	Stream  string        // default INTERPOST_EVENTS
	Subject string        // default interpost.events
	Durable string        // the persisters' consumer, default interpost-persist
	MaxAge  time.Duration // how long the stream keeps messages, default 7 days
	// PerMessage is how many events one message carries, default 500.
	PerMessage int
	// AckWait is how long a fetched message may stay unacknowledged before
	// it is delivered again, default 30 s.
	AckWait time.Duration
	// Fetch is how many messages a persister takes at a time, default 64.
	Fetch int
	// Name identifies the connection in the server's monitoring.
	Name string
	// InProcess connects to an embedded server instead of dialling URL
	// (tests): pass a nats-server *server.Server.
	InProcess natsgo.InProcessConnProvider
}

func (c *Config) defaults() {
	c.Stream = cmpOr(c.Stream, "INTERPOST_EVENTS")
	c.Subject = cmpOr(c.Subject, "interpost.events")
	c.Durable = cmpOr(c.Durable, "interpost-persist")
	if c.MaxAge == 0 {
		c.MaxAge = 7 * 24 * time.Hour
	}
	if c.PerMessage == 0 {
		c.PerMessage = 500
	}
	if c.AckWait == 0 {
		c.AckWait = 30 * time.Second
	}
	if c.Fetch == 0 {
		c.Fetch = 64
	}
}

func cmpOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// Bus is a connection to the JetStream event stream.
type Bus struct {
	cfg  Config
	nc   *natsgo.Conn
	js   jetstream.JetStream
	cons jetstream.Consumer
}

// headerReceived carries when the publishing node received the events.
const headerReceived = "Interpost-Received"

// Open connects to the NATS server at url and makes sure the stream and the
// persisters' durable consumer exist. The URL may name them in its query,
// which overrides cfg: nats://host:4222?stream=EVENTS_B&subject=b.events&durable=b-persist
// (several Interpost installations, or tests, on one NATS server), and
// ack_wait=10s.
func Open(ctx context.Context, url string, cfg Config) (*Bus, error) {
	url, err := fromURL(url, &cfg)
	if err != nil {
		return nil, err
	}
	cfg.defaults()
	opts := []natsgo.Option{
		natsgo.Name(cmpOr(cfg.Name, "interpost")),
		natsgo.MaxReconnects(-1),
		natsgo.ReconnectWait(500 * time.Millisecond),
		natsgo.Timeout(5 * time.Second),
	}
	if cfg.InProcess != nil {
		opts = append(opts, natsgo.InProcessServer(cfg.InProcess))
	}
	nc, err := natsgo.Connect(url, opts...)
	if err != nil {
		return nil, postal.Errorf(postal.CodeUnavailable, "connect to NATS %s: %w", redact(url), err)
	}
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(256))
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("JetStream on %s: %w", redact(url), err)
	}
	b := &Bus{cfg: cfg, nc: nc, js: js}
	if err := b.setup(ctx); err != nil {
		nc.Close()
		return nil, err
	}
	return b, nil
}

func (b *Bus) setup(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	_, err := b.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        b.cfg.Stream,
		Description: "Interpost tracking events accepted by any node, waiting to be stored",
		Subjects:    []string{b.cfg.Subject},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		MaxAge:      b.cfg.MaxAge,
		Duplicates:  2 * time.Minute,
	})
	if err != nil {
		return postal.Errorf(postal.CodeUnavailable, "create JetStream stream %s (is JetStream enabled on the server? nats-server -js): %w", b.cfg.Stream, err)
	}
	b.cons, err = b.js.CreateOrUpdateConsumer(ctx, b.cfg.Stream, jetstream.ConsumerConfig{
		Durable:       b.cfg.Durable,
		Description:   "Interpost persisters: store events, acknowledge after the commit",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       b.cfg.AckWait,
		MaxDeliver:    -1,
		MaxAckPending: 4 * b.cfg.Fetch * 16,
		DeliverPolicy: jetstream.DeliverAllPolicy,
		FilterSubject: b.cfg.Subject,
	})
	if err != nil {
		return postal.Errorf(postal.CodeUnavailable, "create JetStream consumer %s: %w", b.cfg.Durable, err)
	}
	return nil
}

// Close drains and closes the connection.
func (b *Bus) Close() error {
	if err := b.nc.Drain(); err != nil {
		b.nc.Close()
		return err
	}
	return nil
}

// Append implements tracking.Sink: it publishes events in messages of
// PerMessage and returns when the stream has acknowledged all of them (so
// they survive this node's crash), with added = tracking.Unknown. If any
// publish fails the whole call fails; the caller retries, and events that
// did reach the stream are deduplicated when stored.
func (b *Bus) Append(ctx context.Context, events []tracking.Event, received time.Time) (int, error) {
	var futures []jetstream.PubAckFuture
	rec := received.UTC().Format(time.RFC3339Nano)
	var buf []byte
	for start := 0; start < len(events); start += b.cfg.PerMessage {
		chunk := events[start:min(len(events), start+b.cfg.PerMessage)]
		buf = bus.Encode(buf[:0], chunk)
		msg := natsgo.NewMsg(b.cfg.Subject)
		msg.Data = append([]byte(nil), buf...)
		msg.Header.Set(headerReceived, rec)
		f, err := b.js.PublishMsgAsync(msg)
		if err != nil {
			return 0, postal.Errorf(postal.CodeUnavailable, "publish events: %w", err)
		}
		futures = append(futures, f)
	}
	timeout := time.NewTimer(30 * time.Second)
	defer timeout.Stop()
	for _, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return 0, postal.Errorf(postal.CodeUnavailable, "publish events: %w", err)
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-timeout.C:
			return 0, postal.Errorf(postal.CodeUnavailable, "publish events: no acknowledgement from JetStream within 30 s")
		}
	}
	return tracking.Unknown, nil
}

// Persister stores events from the stream.
type Persister struct {
	Bus    *Bus
	Store  tracking.EventStore
	Logger *slog.Logger
	// Stored, if set, is called after each committed batch with the
	// number of events read and of events new to the store.
	Stored func(read, added int)
}

// Run persists until ctx ends. Store errors are logged and the messages are
// left unacknowledged, so they are delivered again (here or on another node).
func (p *Persister) Run(ctx context.Context) {
	log := p.Logger
	if log == nil {
		log = slog.Default()
	}
	backoff := time.Second
	for ctx.Err() == nil {
		_, err := p.Step(ctx)
		if err == nil || ctx.Err() != nil {
			backoff = time.Second
			continue
		}
		log.Error("persist tracking events from the bus", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

// Step fetches up to Config.Fetch messages (waiting up to a second for the
// first, then taking those already there without waiting, so an event is
// stored as soon as it is published and a busy stream still gives full
// batches), stores their events in one call and acknowledges them. It
// returns how many events it read.
func (p *Persister) Step(ctx context.Context) (int, error) {
	var msgs []jetstream.Msg
	byReceived := map[string][]tracking.Event{}
	var order []string
	var corrupt error
	got := 0
	take := func(batch jetstream.MessageBatch) error {
		for m := range batch.Messages() {
			got++
			events, err := bus.Decode(m.Data())
			if err != nil {
				// A message no node can read would come back forever: stop its
				// redelivery (it stays in the stream for inspection).
				corrupt = errors.Join(corrupt, fmt.Errorf("message %s: %w", msgSeq(m), err), m.Term())
				continue
			}
			msgs = append(msgs, m)
			rec := m.Headers().Get(headerReceived)
			if _, ok := byReceived[rec]; !ok {
				order = append(order, rec)
			}
			byReceived[rec] = append(byReceived[rec], events...)
		}
		if err := batch.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) && !errors.Is(err, context.DeadlineExceeded) && !isTimeout(err) {
			return fmt.Errorf("fetch from %s: %w", p.Bus.cfg.Stream, err)
		}
		return nil
	}
	batch, err := p.Bus.cons.Fetch(1, jetstream.FetchMaxWait(time.Second))
	if err != nil {
		return 0, fmt.Errorf("fetch from %s: %w", p.Bus.cfg.Stream, err)
	}
	if err := take(batch); err != nil {
		return 0, p.nakAll(msgs, err)
	}
	if got > 0 && p.Bus.cfg.Fetch > 1 {
		more, err := p.Bus.cons.FetchNoWait(p.Bus.cfg.Fetch - 1)
		if err != nil {
			return 0, p.nakAll(msgs, fmt.Errorf("fetch from %s: %w", p.Bus.cfg.Stream, err))
		}
		if err := take(more); err != nil {
			return 0, p.nakAll(msgs, err)
		}
	}
	read, added := 0, 0
	for _, rec := range order {
		events := byReceived[rec]
		at, err := time.Parse(time.RFC3339Nano, rec)
		if err != nil {
			at = time.Now()
		}
		n, err := p.Store.AppendEvents(ctx, events, at)
		if err != nil {
			return read, p.nakAll(msgs, err)
		}
		read += len(events)
		added += n
	}
	for _, m := range msgs {
		if err := m.Ack(); err != nil {
			// The events are stored; a redelivery will be deduplicated.
			return read, fmt.Errorf("acknowledge: %w", err)
		}
	}
	if p.Stored != nil && len(msgs) > 0 {
		p.Stored(read, added)
	}
	return read, corrupt
}

// nakAll asks for msgs to be delivered again shortly, after cause stopped
// them being stored.
func (p *Persister) nakAll(msgs []jetstream.Msg, cause error) error {
	errs := []error{cause}
	for _, m := range msgs {
		errs = append(errs, m.NakWithDelay(2*time.Second))
	}
	return errors.Join(errs...)
}

func msgSeq(m jetstream.Msg) string {
	md, err := m.Metadata()
	if err != nil {
		return "(no metadata)"
	}
	return fmt.Sprintf("%s#%d", md.Stream, md.Sequence.Stream)
}

func isTimeout(err error) bool {
	return errors.Is(err, natsgo.ErrTimeout) || strings.Contains(err.Error(), "timeout")
}

// Pending returns how many messages wait for the persisters, acknowledged
// or not (for tests and /readyz).
func (b *Bus) Pending(ctx context.Context) (uint64, error) {
	info, err := b.cons.Info(ctx)
	if err != nil {
		return 0, err
	}
	return info.NumPending + uint64(info.NumAckPending), nil
}

// DeleteStream removes the stream and its messages (tests, tear-down).
func (b *Bus) DeleteStream(ctx context.Context) error {
	return b.js.DeleteStream(ctx, b.cfg.Stream)
}

// fromURL takes the stream, subject and durable names out of the URL's query.
func fromURL(raw string, cfg *Config) (string, error) {
	base, query, ok := strings.Cut(raw, "?")
	if !ok {
		return raw, nil
	}
	q, err := neturl.ParseQuery(query)
	if err != nil {
		return "", postal.Invalid("bad --bus URL", postal.FieldError{Field: "--bus", Message: err.Error()})
	}
	for k, v := range q {
		switch k {
		case "stream":
			cfg.Stream = v[0]
		case "subject":
			cfg.Subject = v[0]
		case "durable":
			cfg.Durable = v[0]
		case "ack_wait":
			d, err := time.ParseDuration(v[0])
			if err != nil || d < time.Second {
				return "", postal.Invalid("bad --bus URL", postal.FieldError{Field: "--bus", Message: fmt.Sprintf("ack_wait %q must be a duration of at least 1s", v[0])})
			}
			cfg.AckWait = d
		default:
			return "", postal.Invalid("bad --bus URL", postal.FieldError{Field: "--bus", Message: fmt.Sprintf("unknown parameter %q: the query may name stream, subject, durable and ack_wait", k)})
		}
	}
	return base, nil
}

// redact hides credentials in a NATS URL.
func redact(url string) string {
	if at := strings.LastIndexByte(url, '@'); at >= 0 {
		if i := strings.Index(url, "://"); i >= 0 && i < at {
			return url[:i+3] + "…" + url[at:]
		}
	}
	return url
}
