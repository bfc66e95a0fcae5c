package cebport

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/interpost/interpost/customs/ceb"
)

// Signer signs a CEB message before it is wrapped. Production posts plug in their SM2/SM3
// signer (card reader, ukey or signing service); msgType is the CEB type, e.g. "CEB511".
type Signer interface {
	Sign(ctx context.Context, msgType string, message []byte) ([]byte, error)
}

// Unsigned is the Signer that passes messages through unchanged: for tests, the demo and a
// client that signs on its own side.
type Unsigned struct{}

// Sign returns message unchanged.
func (Unsigned) Sign(_ context.Context, _ string, message []byte) ([]byte, error) {
	return message, nil
}

// ErrAlreadySent is returned by Send when a file for the same CopMsgId is already in the outbox.
var ErrAlreadySent = errors.New("cebport: message already in the outbox")

// ErrPermanent marks a handler error that retrying cannot fix; the file goes to failed/.
var ErrPermanent = errors.New("cebport: permanent failure")

// Config says where the client's directories are and who we are on the DXP network.
type Config struct {
	Outbox string // where the E-Port client picks up messages to send
	Inbox  string // where it drops receipts; done/, failed/ and .claims/ are created inside
	// Node names this process in claim directories (default host-pid); two nodes sharing the
	// directories must differ.
	Node string
	// SenderID is our DXP node id (DxpMsg SenderId, 1..16 characters); ReceiverIDs the customs
	// node(s) (1..5). Both come from the post's single-window registration.
	SenderID    string
	ReceiverIDs []string
	Signer      Signer
	// Stale is how old another node's claim must be before this node takes it over.
	// Claims age by the machine's clock (file modification times).
	Stale time.Duration
	// Now is the business clock: the envelope's CreatTime and the dated done/failed folders.
	Now    func() time.Time
	Logger *slog.Logger
}

// Port is one node's view of the exchange directories.
type Port struct {
	c Config
}

// New checks the configuration and creates the directories it needs.
func New(c Config) (*Port, error) {
	if c.Outbox == "" && c.Inbox == "" {
		return nil, errors.New("cebport: set an outbox or an inbox directory")
	}
	if c.Node == "" {
		h, _ := os.Hostname()
		c.Node = h + "-" + strconv.Itoa(os.Getpid())
	}
	if !nodeRE.MatchString(c.Node) {
		return nil, fmt.Errorf("cebport: node name %q: use letters, digits, '.', '_' or '-'", short(c.Node))
	}
	if c.Signer == nil {
		c.Signer = Unsigned{}
	}
	if c.Stale <= 0 {
		c.Stale = 10 * time.Minute
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	dirs := []string{}
	if c.Outbox != "" {
		dirs = append(dirs, c.Outbox)
	}
	if c.Inbox != "" {
		dirs = append(dirs, c.Inbox, filepath.Join(c.Inbox, "done"), filepath.Join(c.Inbox, "failed"),
			filepath.Join(c.Inbox, ".claims", c.Node))
	}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, fmt.Errorf("cebport: %w", err)
		}
	}
	return &Port{c: c}, nil
}

var (
	nodeRE  = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
	copIDRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,200}$`)
)

// Send signs one CEB message, wraps it in a DxpMsg whose CopMsgId is copMsgID (the message's
// guid is the usual choice) and writes it into the outbox as copMsgID.xml. It returns the file's
// path; ErrAlreadySent (with the path) when that message was written before.
func (p *Port) Send(ctx context.Context, msgType, copMsgID string, message []byte) (string, error) {
	if p.c.Outbox == "" {
		return "", errors.New("cebport: no outbox directory configured")
	}
	if !copIDRE.MatchString(copMsgID) {
		return "", fmt.Errorf("cebport: CopMsgId %q cannot name a file: use letters, digits, '.', '_' or '-'", short(copMsgID))
	}
	final := filepath.Join(p.c.Outbox, copMsgID+".xml")
	if _, err := os.Lstat(final); err == nil {
		return final, ErrAlreadySent
	}
	signed, err := p.c.Signer.Sign(ctx, msgType, message)
	if err != nil {
		return "", fmt.Errorf("cebport: signing %s %s: %w", msgType, copMsgID, err)
	}
	env, err := ceb.WrapDxp(signed, ceb.TransInfo{CopMsgID: copMsgID, SenderID: p.c.SenderID,
		ReceiverIDs: p.c.ReceiverIDs, CreatTime: p.c.Now(), MsgType: msgType + "Message"})
	if err != nil {
		return "", fmt.Errorf("cebport: envelope of %s: %w", copMsgID, err)
	}
	tmp, err := os.CreateTemp(p.c.Outbox, ".tmp-"+copMsgID+"-*")
	if err != nil {
		return "", fmt.Errorf("cebport: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(env); err != nil {
		tmp.Close()
		return "", fmt.Errorf("cebport: writing %s: %w", copMsgID, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("cebport: writing %s: %w", copMsgID, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("cebport: writing %s: %w", copMsgID, err)
	}
	// A hard link publishes the complete file atomically and, unlike rename, refuses to replace
	// a file another node or an earlier attempt published under the same name.
	if err := os.Link(tmp.Name(), final); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return final, ErrAlreadySent
		}
		return "", fmt.Errorf("cebport: publishing %s: %w", copMsgID, err)
	}
	syncDir(p.c.Outbox)
	return final, nil
}

// Received is one inbox file, unwrapped.
type Received struct {
	Name string // the file's name in the inbox
	// Envelope is the DxpMsg header; zero when the client delivered the bare CEB message.
	Envelope ceb.TransInfo
	Message  []byte // the CEB XML
}

// Handler applies one received message. It must be idempotent (see the package doc).
type Handler func(ctx context.Context, r Received) error

// Stats counts what one Poll did.
type Stats struct {
	Handled   int `json:"handled"`
	Failed    int `json:"failed"`   // moved to failed/
	Retrying  int `json:"retrying"` // transient errors, claim kept
	TakenOver int `json:"taken_over"`
}

// Poll claims every file in the inbox (and stale claims of other nodes), hands each to h and
// files it under done/ or failed/. Files whose names start with '.' are ignored (a client's
// partial writes).
func (p *Port) Poll(ctx context.Context, h Handler) (Stats, error) {
	var st Stats
	if p.c.Inbox == "" {
		return st, errors.New("cebport: no inbox directory configured")
	}
	mine := filepath.Join(p.c.Inbox, ".claims", p.c.Node)
	entries, err := os.ReadDir(p.c.Inbox)
	if err != nil {
		return st, fmt.Errorf("cebport: reading inbox: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		// Losing the race to another node is the normal case: the file is simply gone.
		if err := os.Rename(filepath.Join(p.c.Inbox, e.Name()), filepath.Join(mine, e.Name())); err == nil {
			p.touch(filepath.Join(mine, e.Name()))
		}
	}
	n, err := p.takeOver(mine)
	st.TakenOver = n
	if err != nil {
		return st, err
	}
	claimed, err := os.ReadDir(mine)
	if err != nil {
		return st, fmt.Errorf("cebport: reading claims: %w", err)
	}
	slices.SortFunc(claimed, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	for _, e := range claimed {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		if !e.Type().IsRegular() {
			continue
		}
		path := filepath.Join(mine, e.Name())
		herr := p.handle(ctx, path, e.Name(), h)
		switch {
		case herr == nil:
			if err := p.file(path, "done", e.Name(), ""); err != nil {
				return st, err
			}
			st.Handled++
		case permanent(herr):
			if err := p.file(path, "failed", e.Name(), herr.Error()); err != nil {
				return st, err
			}
			p.c.Logger.Warn("CEB inbox file refused", "file", e.Name(), "err", herr)
			st.Failed++
		default:
			p.c.Logger.Warn("CEB inbox file will be retried", "file", e.Name(), "err", herr)
			st.Retrying++
		}
	}
	return st, nil
}

// handle reads, unwraps and applies one claimed file.
func (p *Port) handle(ctx context.Context, path, name string, h Handler) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	r := Received{Name: name, Message: data}
	if ceb.IsDxp(data) {
		if r.Envelope, r.Message, err = ceb.UnwrapDxp(data); err != nil {
			return err
		}
	}
	return h(ctx, r)
}

// takeOver moves into this node's claim directory the files of other nodes' claims that have
// not been touched for Stale.
func (p *Port) takeOver(mine string) (int, error) {
	root := filepath.Join(p.c.Inbox, ".claims")
	nodes, err := os.ReadDir(root)
	if err != nil {
		return 0, fmt.Errorf("cebport: reading claims: %w", err)
	}
	n := 0
	// Claims age by the file system's clock, not the (possibly injected) business clock.
	cutoff := time.Now().Add(-p.c.Stale)
	for _, d := range nodes {
		if !d.IsDir() || d.Name() == p.c.Node {
			continue
		}
		files, err := os.ReadDir(filepath.Join(root, d.Name()))
		if err != nil {
			continue // removed meanwhile
		}
		for _, f := range files {
			info, err := f.Info()
			if err != nil || !info.Mode().IsRegular() || info.ModTime().After(cutoff) {
				continue
			}
			dst := filepath.Join(mine, f.Name())
			if os.Rename(filepath.Join(root, d.Name(), f.Name()), dst) == nil {
				p.touch(dst)
				p.c.Logger.Info("CEB inbox claim taken over", "file", f.Name(), "from", d.Name())
				n++
			}
		}
	}
	return n, nil
}

// touch marks a claim as fresh, so other nodes do not take it over while it is worked on.
func (p *Port) touch(path string) {
	now := time.Now()
	_ = os.Chtimes(path, now, now)
}

// file moves a handled claim to done/ or failed/ (a dated folder, a suffix when the name is
// taken), with an .err file beside a failed one.
func (p *Port) file(path, where, name, reason string) error {
	dir := filepath.Join(p.c.Inbox, where, p.c.Now().In(ceb.China).Format("20060102"))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("cebport: %w", err)
	}
	dst := filepath.Join(dir, name)
	for i := 2; ; i++ {
		if _, err := os.Lstat(dst); errors.Is(err, fs.ErrNotExist) {
			break
		}
		dst = filepath.Join(dir, fmt.Sprintf("%s.%d", name, i))
	}
	if reason != "" {
		if err := os.WriteFile(dst+".err", []byte(reason+"\n"), 0o640); err != nil {
			return fmt.Errorf("cebport: %w", err)
		}
	}
	if err := os.Rename(path, dst); err != nil {
		return fmt.Errorf("cebport: filing %s: %w", name, err)
	}
	return nil
}

// Run polls every interval until ctx ends.
func (p *Port) Run(ctx context.Context, every time.Duration, h Handler) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if st, err := p.Poll(ctx, h); err != nil && ctx.Err() == nil {
			p.c.Logger.Error("CEB inbox poll", "err", err)
		} else if st.Handled+st.Failed > 0 {
			p.c.Logger.Info("CEB inbox", "handled", st.Handled, "failed", st.Failed, "retrying", st.Retrying)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func permanent(err error) bool {
	var ps ceb.Problems
	return errors.Is(err, ErrPermanent) || errors.As(err, &ps)
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

func short(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
