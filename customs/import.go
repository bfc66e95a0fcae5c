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
const batchSize = 500

type pending struct {
	decl Declaration
	line int
}

// importer is the state of one manifest import.
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
// every declaration and stores the valid ones in one transaction, so a
// failure half-way stores nothing. By default the valid declarations are
// stored and the rejected ones reported; with o.Atomic a single rejected
// declaration stores nothing. Item ids repeated within the manifest or
// already declared are rejected as duplicates.
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
	err = s.Store.ImportItems(ctx, func(tx ImportTx) error { return im.run(ctx, tx, mr) })
	switch {
	case errors.Is(err, errRollback):
		return *rep, nil
	case err != nil:
		return ImportReport{}, err
	}
	rep.Stored, rep.Manifest = true, im.id
	return *rep, nil
}

func (im *importer) run(ctx context.Context, tx ImportTx, mr ManifestReader) error {
	for {
		ent, err := mr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return postal.Invalid("the manifest cannot be read", postal.FieldError{Field: "manifest", Message: err.Error()})
		}
		im.rep.Declarations++
		if errs := im.check(&ent); len(errs) > 0 {
			im.reject(errs)
			continue
		}
		if len(im.batch) >= batchSize {
			if err := im.flush(ctx, tx); err != nil {
				return err
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if err := im.flush(ctx, tx); err != nil {
		return err
	}
	im.rep.Lines = mr.Lines()
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

// check validates one entry and queues it for the batch; it returns the
// entry's problems instead when it has any.
func (im *importer) check(ent *Entry) []LineError {
	if len(ent.Errs) > 0 {
		return ent.Errs
	}
	if err := mayDeclare(im.who, ent.Decl.Direction); err != nil {
		return []LineError{{Line: ent.Line, ItemID: ent.Decl.ID, Field: fileField(ent, "direction", im.o.Format), Reason: err.Error()}}
	}
	v, err := Validate(ent.Decl, im.e.Money())
	if err != nil {
		fields := postal.Fields(err)
		if len(fields) == 0 {
			fields = []postal.FieldError{{Message: err.Error()}}
		}
		return ent.FieldErrors(fields, im.o.Format)
	}
	o, found := im.offices[v.Office]
	if fe, _ := checkOffice(im.who, &v, o, found); len(fe) > 0 {
		return ent.FieldErrors([]postal.FieldError(fe), im.o.Format)
	}
	if first, dup := im.seen[v.ID]; dup {
		return []LineError{{Line: ent.Line, ItemID: v.ID, Field: fileField(ent, "id", im.o.Format),
			Reason: fmt.Sprintf("duplicate item id: already declared on line %d of this manifest", first)}}
	}
	im.seen[v.ID] = ent.Line
	im.batch = append(im.batch, pending{decl: v, line: ent.Line})
	return nil
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
