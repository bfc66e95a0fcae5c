package accounting

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/paging"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/routing"
)

// Network is what accounting reads of the network.
type Network interface {
	Offices(ctx context.Context) ([]network.Office, error)
	Services(ctx context.Context) ([]network.Leg, error)
}

// Merchants finds merchants (price lists and invoices name them).
type Merchants interface {
	Merchant(ctx context.Context, code string) (acceptance.Merchant, error)
}

// Service runs tariffs, rating, the ledger, statements and margins.
type Service struct {
	Store     Store
	Network   Network
	Merchants Merchants // nil: merchant codes are not checked
	// Dispatches, when set, supplies departed consignments and
	// dispatches: conveyance and transit are then charged on them, and on
	// each item's planned way only for items that never left in one.
	Dispatches DispatchFacts
	// Inbound, when set, supplies the verified receipt of partners'
	// dispatches and closed transit through us: what partner posts owe us
	// (basis received). Nil: nothing is receivable from partner posts and
	// rating reports say "no inbound facts source".
	Inbound InboundFacts
	// Quality, when set, supplies delivery and event-return times of
	// inbound items for the quality-linked part; nil: quality is not
	// measured and the registered supplement is not earned.
	Quality QualityFacts
	Country string       // of the post running Interpost, e.g. CN
	Rates   postal.Rates // for report conversions
	Now     func() time.Time

	// ways remembers planned ways while the network stays the same, so
	// statements and reports of a period plan each item once.
	mu      sync.Mutex
	ways    *Ways
	network [sha256.Size]byte
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func allow(who auth.Principal, roles ...auth.Role) error {
	if who.Is(roles...) {
		return nil
	}
	return postal.Errorf(postal.CodeForbidden, "the %s role may not do this", who.Role)
}

// may reports whether who may see the ledger entries and statements of
// party: admins and operators see all, partners their own post or carrier,
// merchants themselves.
func may(who auth.Principal, party Party) bool {
	switch who.Role {
	case auth.RoleAdmin, auth.RoleOperator:
		return true
	case auth.RolePartner:
		own, ok := partnerParty(who)
		return ok && own == party && party.Kind() != PartyMerchant
	case auth.RoleMerchant:
		return party == Merchant(who.Merchant)
	}
	return false
}

// partnerParty is the one party a partner key speaks for, kind and code:
// "post:PLPOST" or "carrier:MF" as written, a bare "PLPOST" (a country
// code + POST) is that post, any other bare code a carrier. A key for the
// post PLPOST is therefore never the carrier PLPOST.
func partnerParty(who auth.Principal) (Party, bool) {
	if who.Partner == "" {
		return "", false
	}
	if p, err := ParseParty(who.Partner); err == nil {
		return p, p.Kind() != PartyMerchant
	}
	if strings.Contains(who.Partner, ":") {
		return "", false
	}
	code := CarrierCode(who.Partner)
	if code == "" {
		return "", false
	}
	return Party(PartyCarrier + ":" + code), true
}

// Home is the party of the post running Interpost.
func (s *Service) Home() Party { return Post(s.Country) }

// CheckTariff validates files as the next tariff version without storing
// it. Files that include tariff.yaml are a whole tariff set; without it they
// replace those tables of the version in force, and version names the
// result. Besides each file's own rules, conveyance rows must name services
// of the network, price lists known merchants and handling rows known
// offices.
func (s *Service) CheckTariff(ctx context.Context, who auth.Principal, files map[string][]byte, version string) (*Set, error) {
	if err := allow(who, auth.RoleAdmin, auth.RoleOperator); err != nil {
		return nil, err
	}
	var set *Set
	var err error
	if _, whole := files[ManifestFile]; whole {
		set, err = ParseFiles(files)
	} else {
		if !ValidVersion(version) {
			return nil, postal.Invalid("the new tariff version needs a name", postal.FieldError{Field: "version",
				Message: fmt.Sprintf("%q must be 1–32 letters, digits, dots, hyphens or underscores, e.g. 2026.2 (files without tariff.yaml replace tables of the version in force)", version)})
		}
		base, berr := s.Tariff(ctx, "")
		if berr != nil && !errors.Is(berr, ErrNoTariff) {
			return nil, berr
		}
		set, err = Overlay(base, files, version)
	}
	if err != nil {
		return nil, err
	}
	if err := s.checkWorld(ctx, set); err != nil {
		return nil, err
	}
	return set, nil
}

func (s *Service) checkWorld(ctx context.Context, set *Set) error {
	var fe postal.FieldList
	if s.Network != nil {
		services, err := s.Network.Services(ctx)
		if err != nil {
			return err
		}
		offices, err := s.Network.Offices(ctx)
		if err != nil {
			return err
		}
		known := map[string]bool{}
		for _, sv := range services {
			known[sv.ID] = true
		}
		for _, o := range offices {
			known["office:"+o.Code] = true
		}
		for _, r := range set.Conveyance {
			if !strings.HasPrefix(r.Service, "mode:") && !known[r.Service] {
				fe.Add(fmt.Sprintf("%s line %d: service", r.File, r.Line), "%q is not a service of the network (services.csv)", r.Service)
			}
		}
		for _, r := range set.Handling {
			if r.Office != "*" && !known["office:"+r.Office] {
				fe.Add(fmt.Sprintf("%s line %d: office", r.File, r.Line), "%q is not an office of the network", r.Office)
			}
		}
	}
	if s.Merchants != nil {
		checked := map[string]bool{}
		for _, r := range set.Prices {
			if r.Merchant == "*" || checked[r.Merchant] {
				continue
			}
			checked[r.Merchant] = true
			if _, err := s.Merchants.Merchant(ctx, r.Merchant); postal.ErrorCode(err) == postal.CodeNotFound {
				fe.Add(fmt.Sprintf("%s line %d: merchant", r.File, r.Line), "%q is not a merchant (* is the public list)", r.Merchant)
			} else if err != nil {
				return err
			}
		}
	}
	return fe.Err("tariff files refer to unknown things")
}

// ImportTariff checks files (see CheckTariff) and stores them as a new
// version, which is then in force. Importing the same files under the same
// version again is a no-op; other files under a taken version are a
// conflict: a correction is a new version.
func (s *Service) ImportTariff(ctx context.Context, who auth.Principal, files map[string][]byte, version string) (TariffVersion, error) {
	if err := allow(who, auth.RoleAdmin); err != nil {
		return TariffVersion{}, err
	}
	set, err := s.CheckTariff(ctx, who, files, version)
	if err != nil {
		return TariffVersion{}, err
	}
	v := TariffVersion{Version: set.Version, Description: set.Description, ImportedAt: s.now(), ImportedBy: who.KeyID,
		SHA256: filesHash(set.Files), Rows: set.Rows(), Files: set.Files}
	if old, err := s.Store.TariffVersion(ctx, set.Version); err == nil {
		if old.SHA256 == v.SHA256 {
			return old, nil
		}
		return TariffVersion{}, postal.Errorf(postal.CodeConflict, "tariff version %s is already loaded (on %s) with other files; load the correction as a new version",
			set.Version, old.ImportedAt.Format(time.DateOnly))
	} else if postal.ErrorCode(err) != postal.CodeNotFound {
		return TariffVersion{}, err
	}
	if err := s.Store.PutTariffVersion(ctx, v); err != nil {
		return TariffVersion{}, err
	}
	return v, nil
}

func filesHash(files map[string][]byte) string {
	h := sha256.New()
	for _, name := range sortedKeys(files) {
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(files[name]))
		h.Write(files[name])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TariffVersions lists the stored versions, newest (in force) first.
func (s *Service) TariffVersions(ctx context.Context, who auth.Principal) ([]TariffVersion, error) {
	if err := allow(who, auth.RoleAdmin, auth.RoleOperator); err != nil {
		return nil, err
	}
	return s.Store.TariffVersions(ctx)
}

// Tariff returns a stored version parsed ("" for the one in force). It
// wraps ErrNoTariff when none is loaded.
func (s *Service) Tariff(ctx context.Context, version string) (*Set, error) {
	v, err := s.Store.TariffVersion(ctx, version)
	if postal.ErrorCode(err) == postal.CodeNotFound && version == "" {
		return nil, &postal.Error{Code: postal.CodeNotFound, Message: "no tariff is loaded: run interpost tariffs import DIR", Err: ErrNoTariff}
	}
	if err != nil {
		return nil, err
	}
	set, err := ParseFiles(v.Files)
	if err != nil {
		return nil, fmt.Errorf("stored tariff %s no longer parses: %w", v.Version, err)
	}
	return set, nil
}

// world is the network and planner rating needs.
type world struct {
	offices  map[string]network.Office
	services map[string]network.Leg
	ways     *Ways
}

func (s *Service) world(ctx context.Context) (*world, error) {
	offices, err := s.Network.Offices(ctx)
	if err != nil {
		return nil, err
	}
	services, err := s.Network.Services(ctx)
	if err != nil {
		return nil, err
	}
	w := &world{offices: network.OfficeMap(offices), services: map[string]network.Leg{}}
	for _, sv := range services {
		w.services[sv.ID] = sv
	}
	if w.ways, err = s.waysFor(offices, services); err != nil {
		return nil, err
	}
	return w, nil
}

// waysFor returns the planner-derived ways over this network, reusing the
// last ones when the network has not changed.
func (s *Service) waysFor(offices []network.Office, services []network.Leg) (*Ways, error) {
	b, err := json.Marshal(struct {
		O []network.Office
		S []network.Leg
	}{offices, services})
	if err != nil {
		return nil, fmt.Errorf("fingerprint the network: %w", err)
	}
	sum := sha256.Sum256(b)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ways != nil && s.network == sum {
		return s.ways, nil
	}
	p, err := routing.New(offices, services)
	if err != nil {
		return nil, fmt.Errorf("build the route planner: %w", err)
	}
	s.ways, s.network = NewWays(p), sum
	return s.ways, nil
}

func (s *Service) rater(set *Set, w *world) *Rater {
	return &Rater{Tariff: set, Home: s.Country, Offices: w.offices, Services: w.services, Ways: w.ways}
}

// Facts are the facts of a period.
type Facts struct {
	Items        []ItemFact
	Dispatches   []DispatchFact
	Consignments []ConsignmentFact
	Left         map[string]bool // items that left in a departed dispatch
	// What partner posts sent us (received in the period) and carried
	// through us, and their quality per partner post.
	Inbound []InboundItem
	Transit []TransitReceptacle
	Quality map[Party]PartnerQuality
}

// NoInboundSource is what reports say while no inbound facts are wired.
const NoInboundSource = "no inbound facts source: receipts at the inward office of exchange are not read, so nothing is receivable from partner posts"

// NoQualitySource is what reports say while no tracking quality is wired.
const NoQualitySource = "no quality facts source: delivery and event-return shares are not measured, so the registered supplement is not earned"

func (s *Service) facts(ctx context.Context, p Period) (Facts, error) {
	var f Facts
	var err error
	if f.Items, err = s.Store.ItemFacts(ctx, p.From, p.To); err != nil {
		return f, err
	}
	if s.Dispatches != nil {
		d, err := s.Dispatches.Departed(ctx, p.From, p.To, f.Items)
		if err != nil {
			return f, fmt.Errorf("read departed consignments and dispatches: %w", err)
		}
		f.Dispatches, f.Consignments, f.Left = d.Dispatches, d.Consignments, d.Left
	}
	if s.Inbound != nil {
		if f.Inbound, err = s.Inbound.Inbound(ctx, p); err != nil {
			return f, fmt.Errorf("read inbound receipts: %w", err)
		}
		if f.Transit, err = s.Inbound.Transit(ctx, p); err != nil {
			return f, fmt.Errorf("read transit receptacles: %w", err)
		}
	}
	if s.Quality != nil {
		q, err := s.Quality.Quality(ctx, p)
		if err != nil {
			return f, fmt.Errorf("read inbound delivery quality: %w", err)
		}
		f.Quality = Qualities(q)
	}
	return f, nil
}

// rateFacts rates every fact of a period.
func rateFacts(r *Rater, f Facts, dispatchItems map[string]int) Result {
	var res Result
	r.Left = f.Left
	for _, it := range f.Items {
		r.Item(it, &res)
	}
	for _, d := range f.Dispatches {
		r.Dispatch(d, &res)
	}
	for _, c := range f.Consignments {
		n := c.Items
		if n == 0 {
			for _, d := range c.Dispatches {
				n += dispatchItems[d]
			}
		}
		r.Consignment(c, n, &res)
	}
	for _, it := range f.Inbound {
		r.Inbound(it, f.Quality, &res)
	}
	for _, t := range f.Transit {
		r.Transit(t, &res)
	}
	SortCharges(res.Charges)
	return res
}

func itemsPerDispatch(f Facts) map[string]int {
	m := map[string]int{}
	for _, d := range f.Dispatches {
		m[d.ID] = len(d.Items)
	}
	return m
}

// allEntries reads every entry matching f.
func (s *Service) allEntries(ctx context.Context, f EntryFilter) ([]Entry, error) {
	var out []Entry
	f.Limit = 5000
	for {
		page, next, err := s.Store.Entries(ctx, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == "" || len(page) == 0 {
			return out, nil
		}
		f.After = page[len(page)-1].Seq
	}
}

// Entries lists ledger entries a page at a time; partners and merchants
// must name their own party.
func (s *Service) Entries(ctx context.Context, who auth.Principal, f EntryFilter, cursor string) ([]Entry, string, error) {
	if f.Party == "" && !who.Is(auth.RoleAdmin, auth.RoleOperator) {
		switch who.Role {
		case auth.RoleMerchant:
			f.Party = Merchant(who.Merchant)
		case auth.RolePartner:
			p, ok := partnerParty(who)
			if !ok {
				return nil, "", postal.Errorf(postal.CodeForbidden, "this partner key names no post or carrier")
			}
			f.Party = p
		}
	}
	if !may(who, f.Party) && !(f.Party == "" && who.Is(auth.RoleAdmin, auth.RoleOperator)) {
		return nil, "", postal.Errorf(postal.CodeNotFound, "no ledger for %s", f.Party)
	}
	switch {
	case cursor != "" && f.Desc:
		k, _, err := paging.DecodeKey(cursor, EntrySortNewest)
		if err != nil {
			return nil, "", err
		}
		f.Before = k.Seq
	case cursor != "":
		after, err := paging.DecodeCursor(cursor)
		if err != nil {
			return nil, "", postal.Invalid("bad cursor", postal.FieldError{Field: "query.cursor", Message: err.Error()})
		}
		f.After = after
	}
	f.Limit = paging.LimitOr(f.Limit, 50)
	return s.Store.Entries(ctx, f)
}

// EntryExportColumns are the columns of a ledger export, in order.
var EntryExportColumns = []string{"seq", "posted_at", "at", "kind", "category", "debtor", "creditor", "amount", "currency", "items",
	"weight_g", "item", "dispatch", "consignment", "service", "merchant", "origin", "dest", "product", "tariff_version", "tariff_row",
	"rate", "basis", "reason", "key", "revision"}

// ExportRow is e as a row of EntryExportColumns.
func (e Entry) ExportRow() []string {
	return []string{strconv.FormatInt(e.Seq, 10), e.PostedAt.UTC().Format(time.RFC3339), e.At.UTC().Format(time.RFC3339), string(e.Kind),
		e.Category, string(e.Debtor), string(e.Creditor), FormatAmount(e.Amount, e.Currency), e.Currency, strconv.Itoa(e.Items),
		strconv.Itoa(e.WeightG), e.Item, e.Dispatch, e.Consignment, e.Service, e.Merchant, e.Origin, e.Dest, e.Product, e.TariffVersion,
		e.TariffRow, e.Rate, e.Basis, e.Reason, e.Key, strconv.Itoa(e.Revision)}
}

// ExportEntries writes the ledger entries f selects for who (as Entries
// scopes them; f.Limit ignored) through write, in f's order. More than
// exportMax matching entries is an invalid-argument error asking for a
// narrower filter; write's caller buffers, so nothing is sent then.
func (s *Service) ExportEntries(ctx context.Context, who auth.Principal, f EntryFilter, exportMax int,
	write func(header []string, rows func(emit func([]string) error) error) error) error {
	return write(EntryExportColumns, func(emit func([]string) error) error {
		cursor, seen := "", 0
		for {
			f.Limit = paging.Max
			es, next, err := s.Entries(ctx, who, f, cursor)
			if err != nil {
				return err
			}
			for _, e := range es {
				if seen++; seen > exportMax {
					return postal.Errorf(postal.CodeInvalid, "more than %d ledger entries match; narrow the filter (e.g. period, party, kind or currency) and export again", exportMax)
				}
				if err := emit(e.ExportRow()); err != nil {
					return err
				}
			}
			if cursor = next; cursor == "" {
				return nil
			}
		}
	})
}
