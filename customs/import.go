package customs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// ImportOptions tune a manifest import.
type ImportOptions struct {
	Format string // csv or jsonl
	// Atomic stores nothing when any declaration is rejected. The default
	// stores every valid declaration and reports the rejected ones.
	Atomic bool
	// DryRun validates and screens without storing anything.
	DryRun bool
	Name   string // the file name, kept with the manifest record
	// MaxListed bounds the errors and flagged items listed in the report
	// (default 1000); the counts are always complete.
	MaxListed int
}

// Flagged is an accepted item the engine did not release.
type Flagged struct {
	Line    int         `json:"line"`
	ItemID  string      `json:"item_id"`
	Score   int         `json:"score"`
	Action  risk.Action `json:"action"`
	Reasons []string    `json:"reasons"`
}

// ImportReport says what a manifest import did, line by line for the
// rejected declarations.
type ImportReport struct {
	Manifest       string              `json:"manifest,omitempty" doc:"Id of the stored manifest record; absent when nothing was stored"`
	Name           string              `json:"name,omitempty"`
	Format         string              `json:"format"`
	Atomic         bool                `json:"atomic"`
	DryRun         bool                `json:"dry_run"`
	Stored         bool                `json:"stored" doc:"Whether the accepted declarations were stored"`
	Lines          int                 `json:"lines" doc:"Data lines read (header excluded)"`
	Declarations   int                 `json:"declarations"`
	Accepted       int                 `json:"accepted"`
	Rejected       int                 `json:"rejected"`
	Actions        map[risk.Action]int `json:"actions" doc:"Accepted declarations by proposed action"`
	RulesVersion   string              `json:"rules_version"`
	Errors         []LineError         `json:"errors"`
	ErrorsOmitted  int                 `json:"errors_omitted,omitempty"`
	Flagged        []Flagged           `json:"flagged"`
	FlaggedOmitted int                 `json:"flagged_omitted,omitempty"`
}

// errRollback ends an import transaction without storing anything.
var errRollback = errors.New("roll back")

// batchSize is how many declarations are screened and inserted together.
var batchSize = 2000

// commitEvery is how many declarations the default (non-atomic) mode
// stores per transaction: the SQLite writer is held for one such batch at
// a time, not for the whole file, so officers' decisions and other writers
// get in between.
var commitEvery = 20000

type pending struct {
	decl Declaration
	line int
}

// chunk is what the reading stage hands to the storing stage: up to
// batchSize valid declarations, the rejected ones read with them, and at
// the end the line count or the error that stopped the reading.
type chunk struct {
	batch   []pending
	rejects [][]LineError
	decls   int
	last    bool
	lines   int
	err     error
}

// importer is the state of one manifest import. The reading stage (read,
// check) owns seen; the storing stage owns rep and batch.
type importer struct {
	s       *Service
	who     auth.Principal
	e       *risk.Engine
	o       ImportOptions
	rep     *ImportReport
	offices map[string]network.Office
	seen    map[string]int // item id → first line in this manifest
	batch   []pending
	id      string
	// batched mode: another transaction follows (more); what the committed
	// ones stored and the last line stored.
	more                bool
	committed           int
	line, committedLine int
}

// Manifest returns an imported manifest's record. Customs officers and
// admins see every manifest; anyone else only the manifests its own key
// submitted (others are not_found, so ids can't be probed).
func (s *Service) Manifest(ctx context.Context, who auth.Principal, id string) (Manifest, error) {
	if !who.Is(auth.RoleAdmin, auth.RoleOperator, auth.RoleCustoms, auth.RolePartner) {
		return Manifest{}, postal.Errorf(postal.CodeForbidden, "role %s cannot read customs manifests", who.Role)
	}
	m, err := s.Store.Manifest(ctx, id)
	if err != nil {
		return Manifest{}, err
	}
	if !who.Is(auth.RoleAdmin, auth.RoleCustoms) && (who.KeyID == "" || m.SubmittedBy != who.KeyID) {
		return Manifest{}, postal.Errorf(postal.CodeNotFound, "no manifest %s", id)
	}
	return m, nil
}

// ImportManifest reads a CSV or JSON-lines manifest, validates and screens
// every declaration and stores the valid ones. Reading and checking run on
// one goroutine while screening and storing run on another, a batch behind.
//
// By default the valid declarations are stored and the rejected ones
// reported, committed commitEvery declarations at a time: each committed
// declaration is whole and final, and the manifest record is written with
// the last batch. If the import fails half-way (the database going away,
// the request cancelled), the batches committed before stay stored and the
// error says how many and up to which line; a retry of the same file
// reports those as duplicates and stores the rest.
//
// With o.Atomic a single rejected declaration stores nothing: the whole
// file is stored in one transaction (the SQLite writer is held for all of
// it; PostgreSQL writers are not blocked), so a failure or a rejected line
// anywhere rolls everything back. A dry run also uses one transaction and
// always rolls it back. Item ids repeated within the manifest or already
// declared are rejected as duplicates.
func (s *Service) ImportManifest(ctx context.Context, who auth.Principal, r io.Reader, o ImportOptions) (ImportReport, error) {
	e, err := s.rules()
	if err != nil {
		return ImportReport{}, err
	}
	if !who.Is(auth.RoleAdmin, auth.RoleOperator, auth.RoleCustoms, auth.RolePartner) {
		return ImportReport{}, postal.Errorf(postal.CodeForbidden, "role %s cannot import customs manifests", who.Role)
	}
	if o.MaxListed <= 0 {
		o.MaxListed = 1000
	}
	mr, err := NewManifestReader(r, o.Format)
	if err != nil {
		return ImportReport{}, postal.Invalid("the manifest cannot be read", postal.FieldError{Field: "manifest", Message: err.Error()})
	}
	list, err := s.Offices.Offices(ctx)
	if err != nil {
		return ImportReport{}, err
	}
	rep := &ImportReport{Name: o.Name, Format: o.Format, Atomic: o.Atomic, DryRun: o.DryRun, RulesVersion: e.Version,
		Actions: map[risk.Action]int{}, Errors: []LineError{}, Flagged: []Flagged{}}
	im := &importer{s: s, who: who, e: e, o: o, rep: rep, offices: map[string]network.Office{}, seen: map[string]int{}, id: newManifestID(s.now())}
	for _, of := range list {
		im.offices[of.Code] = of
	}
	rctx, stop := context.WithCancel(ctx)
	src := make(chan chunk, 2)
	go im.read(rctx, mr, src)
	defer func() { // the reader is done with r before we return
		stop()
		for range src {
		}
	}()
	if o.Atomic || o.DryRun {
		err = s.Store.ImportItems(ctx, func(tx ImportTx) error { return im.run(ctx, tx, src, -1) })
	} else {
		err = im.batched(ctx, src)
	}
	switch {
	case errors.Is(err, errRollback):
		return *rep, nil
	case err != nil:
		return ImportReport{}, err
	}
	rep.Stored, rep.Manifest = true, im.id
	return *rep, nil
}

// read is the reading stage: it parses and checks the manifest and sends
// it on in chunks, the last one marked, until ctx ends.
func (im *importer) read(ctx context.Context, mr ManifestReader, out chan<- chunk) {
	defer close(out)
	send := func(c chunk) bool {
		select {
		case out <- c:
			return true
		case <-ctx.Done():
			return false
		}
	}
	c := chunk{batch: make([]pending, 0, batchSize)}
	for ctx.Err() == nil {
		ent, err := mr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			c.err = postal.Invalid("the manifest cannot be read", postal.FieldError{Field: "manifest", Message: err.Error()})
			c.last = true
			send(c)
			return
		}
		c.decls++
		p, errs := im.check(&ent)
		if len(errs) > 0 {
			c.rejects = append(c.rejects, errs)
		} else {
			c.batch = append(c.batch, p)
		}
		if len(c.batch) >= batchSize || len(c.rejects) >= batchSize {
			if !send(c) {
				return
			}
			c = chunk{batch: make([]pending, 0, batchSize)}
		}
	}
	if ctx.Err() != nil {
		return
	}
	c.last, c.lines = true, mr.Lines()
	send(c)
}

// batched stores the manifest commitEvery declarations per transaction.
func (im *importer) batched(ctx context.Context, src <-chan chunk) error {
	for {
		im.more = false
		err := im.s.Store.ImportItems(ctx, func(tx ImportTx) error { return im.run(ctx, tx, src, commitEvery) })
		switch {
		case err == nil && im.more:
			im.committed, im.committedLine = im.rep.Accepted, im.line
			continue
		case err != nil && im.committed > 0 && !errors.Is(err, errRollback):
			return fmt.Errorf("manifest %s stopped after storing %d declarations (up to line %d); a retry of the same file reports those as duplicates and stores the rest: %w",
				im.id, im.committed, im.committedLine, err)
		}
		return err
	}
}

// run stores chunks from src in tx until the manifest ends, or — with
// limit > 0 — until limit declarations are stored, when it returns errMore
// with im.more set, to have its transaction committed (see batched).
func (im *importer) run(ctx context.Context, tx ImportTx, src <-chan chunk, limit int) error {
	n := 0
	for {
		var c chunk
		var ok bool
		select {
		case c, ok = <-src:
		case <-ctx.Done():
			return ctx.Err()
		}
		if !ok {
			return ctx.Err() // the reader stopped: ctx ended
		}
		if c.err != nil {
			return c.err
		}
		im.rep.Declarations += c.decls
		for _, errs := range c.rejects {
			im.reject(errs)
		}
		im.batch = c.batch
		if err := im.flush(ctx, tx); err != nil {
			return err
		}
		n += len(c.batch)
		if len(c.batch) > 0 {
			im.line = c.batch[len(c.batch)-1].line
		}
		if c.last {
			im.rep.Lines = c.lines
			break
		}
		if limit > 0 && n >= limit {
			im.more = true
			return nil
		}
	}
	slices.SortStableFunc(im.rep.Errors, func(a, b LineError) int { return cmp.Compare(a.Line, b.Line) })
	if im.o.DryRun || im.rep.Accepted == 0 || im.o.Atomic && im.rep.Rejected > 0 {
		return errRollback
	}
	return tx.PutManifest(ctx, Manifest{ID: im.id, Name: im.o.Name, Format: im.o.Format, SubmittedBy: submitter(im.who),
		Lines: im.rep.Lines, Declarations: im.rep.Declarations, Accepted: im.rep.Accepted, Rejected: im.rep.Rejected,
		Atomic: im.o.Atomic, RulesVersion: im.e.Version, CreatedAt: im.s.now()})
}

func submitter(who auth.Principal) string {
	if who.KeyID == "" {
		return "cli"
	}
	return who.KeyID
}

// check validates one entry and returns it ready for the batch, or its
// problems when it has any.
func (im *importer) check(ent *Entry) (pending, []LineError) {
	if len(ent.Errs) > 0 {
		return pending{}, ent.Errs
	}
	if err := mayDeclare(im.who, ent.Decl.Direction); err != nil {
		return pending{}, []LineError{{Line: ent.Line, ItemID: ent.Decl.ID, Field: fileField(ent, "direction", im.o.Format), Reason: err.Error()}}
	}
	v, err := Validate(ent.Decl, im.e.Money())
	if err != nil {
		fields := postal.Fields(err)
		if len(fields) == 0 {
			fields = []postal.FieldError{{Message: err.Error()}}
		}
		return pending{}, ent.FieldErrors(fields, im.o.Format)
	}
	o, found := im.offices[v.Office]
	if fe, _ := checkOffice(im.who, &v, o, found); len(fe) > 0 {
		return pending{}, ent.FieldErrors([]postal.FieldError(fe), im.o.Format)
	}
	if first, dup := im.seen[v.ID]; dup {
		return pending{}, []LineError{{Line: ent.Line, ItemID: v.ID, Field: fileField(ent, "id", im.o.Format),
			Reason: fmt.Sprintf("duplicate item id: already declared on line %d of this manifest", first)}}
	}
	im.seen[v.ID] = ent.Line
	return pending{decl: v, line: ent.Line}, nil
}

func fileField(ent *Entry, path, format string) string {
	if format == FormatCSV {
		_, f := ent.csvField(path)
		return f
	}
	return path
}

func (im *importer) reject(errs []LineError) {
	im.rep.Rejected++
	for _, e := range errs {
		if len(im.rep.Errors) < im.o.MaxListed {
			im.rep.Errors = append(im.rep.Errors, e)
		} else {
			im.rep.ErrorsOmitted++
		}
	}
}

// flush screens and inserts the queued declarations; ids already stored
// come back as duplicates and are rejected.
func (im *importer) flush(ctx context.Context, tx ImportTx) error {
	if len(im.batch) == 0 {
		return nil
	}
	decls := make([]Declaration, len(im.batch))
	for i, p := range im.batch {
		decls[i] = p.decl
	}
	items, err := im.s.screenBatch(ctx, tx, im.e, decls, im.id, im.s.now())
	if err != nil {
		return err
	}
	dups, err := tx.InsertItems(ctx, items)
	if err != nil {
		return err
	}
	isDup := make(map[int]bool, len(dups))
	for _, i := range dups {
		isDup[i] = true
		p := im.batch[i]
		im.reject([]LineError{{Line: p.line, ItemID: p.decl.ID, Field: fileFieldFor(im.o.Format, "id"),
			Reason: "duplicate item id: already declared in an earlier manifest or through the API"}})
	}
	for i, it := range items {
		if isDup[i] {
			continue
		}
		im.rep.Accepted++
		im.rep.Actions[it.Screening.Action]++
		if it.Screening.Action == risk.ActionRelease {
			continue
		}
		if len(im.rep.Flagged) < im.o.MaxListed {
			im.rep.Flagged = append(im.rep.Flagged, Flagged{Line: im.batch[i].line, ItemID: it.ID(), Score: it.Screening.Score,
				Action: it.Screening.Action, Reasons: it.Screening.Reasons()})
		} else {
			im.rep.FlaggedOmitted++
		}
	}
	im.batch = im.batch[:0]
	return nil
}

func fileFieldFor(format, path string) string {
	if format == FormatCSV && path == "id" {
		return "item_id"
	}
	return path
}
