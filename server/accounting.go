package server

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/document"
	"github.com/interpost/interpost/listing"
	"github.com/interpost/interpost/postal"
)

var (
	financeAdmins     = []string{"admin"}
	financeReaders    = []string{"admin", "operator"}
	statementReaders  = []string{"admin", "operator", "partner"}
	invoiceReaders    = []string{"admin", "operator", "merchant"}
	ledgerReaders     = []string{"admin", "operator", "partner", "merchant"}
	statementFormats  = "Documents: `…/csv` and `…/pdf` give the same statement as CSV (docs/formats.md) and PDF."
	accountingTag     = []string{"Accounting"}
	maxTariffBodySize = int64(16 << 20)
)

func (s *Server) accounting() *accounting.Service { return s.cfg.Accounting }

func (s *Server) registerAccounting() {
	register(s, huma.Operation{OperationID: "list-tariffs", Method: http.MethodGet, Path: "/v1/tariffs", Summary: "list tariff versions", Tags: accountingTag,
		Description: "Every loaded tariff version, the one in force (newest) first, with its row counts per file."}, financeReaders, s.listTariffs)
	register(s, huma.Operation{OperationID: "import-tariff", Method: http.MethodPost, Path: "/v1/tariffs", Summary: "load a tariff version", Tags: accountingTag,
		Description: "Loads tariff files (docs/formats.md, \"Tariffs and ledger\") as a new version, in force from now on. Files with `tariff.yaml` are a whole set; " +
			"without it they replace those tables of the version in force and `version` names the result. Every error names its file, line and column; nothing is stored on error. " +
			"The same files under the same version again answer 200; other files under a taken version are 409.",
		DefaultStatus: http.StatusCreated, MaxBodyBytes: maxTariffBodySize, Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity}}, financeAdmins, s.importTariff)
	register(s, huma.Operation{OperationID: "check-tariff", Method: http.MethodPost, Path: "/v1/tariffs/check", Summary: "validate tariff files", Tags: accountingTag,
		Description: "Validates tariff files as `POST /v1/tariffs` would, without storing them.", MaxBodyBytes: maxTariffBodySize,
		Errors: []int{http.StatusUnprocessableEntity}}, financeReaders, s.checkTariff)
	register(s, huma.Operation{OperationID: "rate-period", Method: http.MethodPost, Path: "/v1/ledger/rate", Summary: "rate a period into the ledger", Tags: accountingTag,
		Description: "Rates the period's items under the tariff in force and posts what the ledger lacks: new charges, adjusting entries for charges whose amount changed " +
			"(a corrected tariff), reversals of charges no longer made. Entries are never changed. Running it again posts nothing. Lists what could not be rated.",
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity}}, financeAdmins, s.ratePeriod)
	register(s, huma.Operation{OperationID: "list-ledger", Method: http.MethodGet, Path: "/v1/ledger", Summary: "list ledger entries", Tags: accountingTag,
		Description: "Ledger entries newest first (sort=posted: oldest first, in posting order), a page at a time: who owes whom, how much, on what basis (item, dispatch or consignment; tariff version and row). " +
			"Filters combine (AND). Partners see their own post's or carrier's entries, merchants theirs.", Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity}}, ledgerReaders, s.listLedger)
	register(s, huma.Operation{OperationID: "export-ledger", Method: http.MethodGet, Path: "/v1/ledger/export", Summary: "export ledger entries", Tags: accountingTag,
		Description: "The entries the filters select (as GET /v1/ledger takes them), in the list's order, as CSV (UTF-8) or XLSX: one row per entry (docs/formats.md). " +
			"More than 100,000 matching entries is 422 asking for a narrower filter.",
		Responses: exportResponses(), Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity}}, ledgerReaders, s.exportLedger)
	register(s, huma.Operation{OperationID: "ledger-balances", Method: http.MethodGet, Path: "/v1/ledger/balances", Summary: "balances per party", Tags: accountingTag,
		Description: "What each party and the home post owe each other per currency over a period: sums of entries.", Errors: []int{http.StatusUnprocessableEntity}}, financeReaders, s.balances)
	for _, f := range []string{"", "csv", "pdf"} {
		s.registerStatement(f)
		s.registerInvoice(f)
	}
	register(s, huma.Operation{OperationID: "margin-report", Method: http.MethodGet, Path: "/v1/reports/margin", Summary: "lane profitability", Tags: accountingTag,
		Description: "Per lane (origin office → destination country) and product: revenue from merchants against terminal dues, transit, conveyance and handling, " +
			"per item and per kg, lowest margin per item first.", Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity}}, financeReaders, s.margin)
	register(s, huma.Operation{OperationID: "margin-what-if", Method: http.MethodPost, Path: "/v1/reports/margin", Summary: "lane profitability with a what-if tariff", Tags: accountingTag,
		Description:  "The margin report with the same facts also rated under what-if tariff files (a whole set, or tables replacing those of the version in force), side by side.",
		MaxBodyBytes: maxTariffBodySize, Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity}}, financeReaders, s.marginWhatIf)
}

func period(field, v string) (accounting.Period, error) {
	p, err := accounting.ParsePeriod(v)
	if err != nil {
		return p, postal.Invalid("bad period", postal.FieldError{Field: field, Message: err.Error(), Value: v})
	}
	return p, nil
}

type tariffFiles struct {
	Version string            `json:"version,omitempty" maxLength:"32" doc:"Name of the new version when files holds no tariff.yaml"`
	Files   map[string]string `json:"files" doc:"File name → content, e.g. {\"terminal-dues.csv\": \"dest,format,…\"}"`
}

func (f tariffFiles) bytes() map[string][]byte {
	out := make(map[string][]byte, len(f.Files))
	for k, v := range f.Files {
		out[k] = []byte(v)
	}
	return out
}

// inFiles names tariff file errors by the body field holding the file:
// "transit.csv line 3: valid_from" becomes
// "files.transit.csv line 3: valid_from" (body.files… in the problem).
func inFiles(err error, prefix string) error {
	pe, ok := err.(*postal.Error)
	if !ok || len(pe.Fields) == 0 {
		return err
	}
	out := *pe
	out.Fields = make([]postal.FieldError, len(pe.Fields))
	for i, f := range pe.Fields {
		switch f.Field {
		case "version", "currency", "period": // body fields of their own
		default:
			f.Field = prefix + f.Field
		}
		out.Fields[i] = f
	}
	return &out
}

func (s *Server) listTariffs(ctx context.Context, _ *struct{}) (*itemsOf[accounting.TariffVersion], error) {
	vs, err := s.accounting().TariffVersions(ctx, principal(ctx))
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return items(vs), nil
}

func (s *Server) importTariff(ctx context.Context, in *struct{ Body tariffFiles }) (*struct {
	Status int
	Body   accounting.TariffVersion
}, error) {
	before, err := s.accounting().TariffVersions(ctx, principal(ctx))
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	v, err := s.accounting().ImportTariff(ctx, principal(ctx), in.Body.bytes(), in.Body.Version)
	if err != nil {
		return nil, s.problem(ctx, inFiles(err, "files."))
	}
	status := http.StatusCreated
	for _, b := range before {
		if b.Version == v.Version {
			status = http.StatusOK // the same files again
		}
	}
	return &struct {
		Status int
		Body   accounting.TariffVersion
	}{status, v}, nil
}

type tariffCheck struct {
	Version string         `json:"version"`
	Rows    map[string]int `json:"rows"`
}

func (s *Server) checkTariff(ctx context.Context, in *struct{ Body tariffFiles }) (*struct{ Body tariffCheck }, error) {
	set, err := s.accounting().CheckTariff(ctx, principal(ctx), in.Body.bytes(), in.Body.Version)
	if err != nil {
		return nil, s.problem(ctx, inFiles(err, "files."))
	}
	return &struct{ Body tariffCheck }{tariffCheck{set.Version, set.Rows()}}, nil
}

func (s *Server) ratePeriod(ctx context.Context, in *struct {
	Body struct {
		Period string `json:"period" doc:"Month YYYY-MM or days YYYY-MM-DD..YYYY-MM-DD (UTC)" example:"2026-11"`
	}
}) (*struct{ Body accounting.RateReport }, error) {
	p, err := period("period", in.Body.Period)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	rep, err := s.accounting().Rate(ctx, principal(ctx), p)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body accounting.RateReport }{rep}, nil
}

// LedgerFilter is the filter of the ledger list and its export.
type LedgerFilter struct {
	Period   string `query:"period" doc:"Month YYYY-MM or days YYYY-MM-DD..YYYY-MM-DD (UTC)"`
	Party    string `query:"party" maxLength:"80" doc:"post:PLPOST, carrier:XIAMEN-AIRLINES or merchant:XMTEA"`
	Kind     string `query:"kind" enum:"terminal_dues,inward_land_rate,ems,transit,conveyance,postage,surcharge"`
	Item     string `query:"item" maxLength:"40" doc:"Entries of one item (S10)"`
	Currency string `query:"currency" maxLength:"3" doc:"Only entries in this currency (ISO 4217 code, or XDR for SDR)" example:"CNY"`
	Sort     string `query:"sort" enum:"-posted,posted" default:"-posted" doc:"-posted: newest first (default); posted: oldest first, in posting order"`
}

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

func (in LedgerFilter) filter() (accounting.EntryFilter, error) {
	f := accounting.EntryFilter{Kind: accounting.Kind(in.Kind), Item: strings.ToUpper(in.Item), Desc: in.Sort != accounting.EntrySortOldest}
	if in.Period != "" {
		p, err := period("query.period", in.Period)
		if err != nil {
			return f, err
		}
		f.From, f.To = p.From, p.To
	}
	if in.Party != "" {
		pt, err := accounting.ParseParty(in.Party)
		if err != nil {
			return f, postal.Invalid("bad party", postal.FieldError{Field: "query.party", Message: err.Error(), Value: in.Party})
		}
		f.Party = pt
	}
	if in.Currency != "" {
		f.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
		if !currencyCode.MatchString(f.Currency) {
			return f, postal.Invalid("bad currency", postal.FieldError{Field: "query.currency", Message: "not a currency code: three letters, e.g. CNY, USD, XDR", Value: in.Currency})
		}
	}
	return f, nil
}

type ledgerInput struct {
	LedgerFilter
	Limit  int    `query:"limit" minimum:"1" maximum:"500" default:"50"`
	Cursor string `query:"cursor" doc:"next_cursor of the previous page (of the same sort)"`
}

type ledgerPage struct {
	Items      []accounting.Entry `json:"items"`
	NextCursor string             `json:"next_cursor,omitempty"`
}

func (s *Server) listLedger(ctx context.Context, in *ledgerInput) (*struct{ Body ledgerPage }, error) {
	f, err := in.filter()
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	f.Limit = in.Limit
	es, next, err := s.accounting().Entries(ctx, principal(ctx), f, in.Cursor)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body ledgerPage }{ledgerPage{es, next}}, nil
}

func (s *Server) exportLedger(ctx context.Context, in *struct {
	LedgerFilter
	Format string `query:"format" enum:"csv,xlsx" default:"csv" doc:"csv (UTF-8) or xlsx"`
}) (*fileOutput, error) {
	f, err := in.filter()
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return s.exportFile(ctx, "ledger", in.Format, func(write func(header []string, rows func(func([]string) error) error) error) error {
		return s.accounting().ExportEntries(ctx, principal(ctx), f, listing.ExportMax, write)
	})
}

func (s *Server) balances(ctx context.Context, in *struct {
	Period string `query:"period" required:"true" doc:"Month YYYY-MM or days YYYY-MM-DD..YYYY-MM-DD (UTC)"`
}) (*itemsOf[accounting.PartyBalance], error) {
	p, err := period("query.period", in.Period)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	bs, err := s.accounting().Balances(ctx, principal(ctx), p)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return items(bs), nil
}

type statementInput struct {
	Party   string `path:"party" maxLength:"80" doc:"post:PLPOST (or PLPOST) or carrier:XIAMEN-AIRLINES" example:"post:PLPOST"`
	Period  string `query:"period" required:"true" doc:"Month YYYY-MM or days YYYY-MM-DD..YYYY-MM-DD (UTC)" example:"2026-11"`
	Through int64  `query:"through" minimum:"0" doc:"Draw the ledger up to this entry (reproduces an earlier statement); 0 = all"`
	Entries bool   `query:"entries" doc:"Include every entry (JSON); the CSV and PDF always list them"`
}

type fileOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func (s *Server) registerStatement(format string) {
	op := huma.Operation{OperationID: "get-statement", Method: http.MethodGet, Path: "/v1/statements/{party}", Summary: "a partner's or carrier's statement",
		Tags: accountingTag, Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
		Description: "The period's statement between the home post and a partner post or a carrier, drawn from the ledger: charges by category with items and kg, " +
			"adjustments apart, balances per currency; `unrated` lists facts not charged (never counted as zero). Partners see their own. " + statementFormats}
	if format != "" {
		op.OperationID += "-" + format
		op.Path += "/" + format
		op.Summary += " (" + strings.ToUpper(format) + ")"
		op.Responses = fileResponses(format)
		register(s, op, statementReaders, func(ctx context.Context, in *statementInput) (*fileOutput, error) {
			st, err := s.statement(ctx, in, true)
			if err != nil {
				return nil, err
			}
			return s.file(ctx, format, st.Number, document.AccountStatement(st, staffLang(ctx)), func(b *bytes.Buffer) error { return accounting.WriteStatementCSV(b, st) })
		})
		return
	}
	register(s, op, statementReaders, func(ctx context.Context, in *statementInput) (*struct{ Body accounting.Statement }, error) {
		st, err := s.statement(ctx, in, in.Entries)
		if err != nil {
			return nil, err
		}
		return &struct{ Body accounting.Statement }{st}, nil
	})
}

func (s *Server) statement(ctx context.Context, in *statementInput, entries bool) (accounting.Statement, error) {
	p, err := period("query.period", in.Period)
	if err != nil {
		return accounting.Statement{}, s.problem(ctx, err)
	}
	party, err := accounting.ParseParty(in.Party)
	if err == nil && party.Kind() == accounting.PartyMerchant {
		err = postal.Errorf(postal.CodeInvalid, "a merchant's statement is its invoice: GET /v1/invoices/%s", party.Code())
	}
	if err != nil {
		return accounting.Statement{}, s.problem(ctx, postal.Invalid("bad party", postal.FieldError{Field: "path.party", Message: err.Error(), Value: in.Party}))
	}
	st, err := s.accounting().Statement(ctx, principal(ctx), party, p, accounting.StatementOptions{Through: in.Through, Entries: entries})
	if err != nil {
		return st, s.problem(ctx, err)
	}
	return st, nil
}

func (s *Server) file(ctx context.Context, format, number string, doc document.Statement, writeCSV func(*bytes.Buffer) error) (*fileOutput, error) {
	var buf bytes.Buffer
	out := &fileOutput{ContentType: "text/csv; charset=utf-8", ContentDisposition: `attachment; filename="` + number + `.csv"`}
	err := writeCSV(&buf)
	if format == "pdf" {
		buf.Reset()
		out.ContentType, out.ContentDisposition = "application/pdf", `inline; filename="`+number+`.pdf"`
		err = document.WriteStatement(&buf, doc)
	}
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out.Body = buf.Bytes()
	return out, nil
}

type invoiceInput struct {
	Merchant string `path:"merchant" maxLength:"32" doc:"Merchant code" example:"XMTEA"`
	Period   string `query:"period" required:"true" doc:"Month YYYY-MM or days YYYY-MM-DD..YYYY-MM-DD (UTC)" example:"2026-11"`
	Through  int64  `query:"through" minimum:"0" doc:"Draw the ledger up to this entry; 0 = all"`
}

func (s *Server) registerInvoice(format string) {
	op := huma.Operation{OperationID: "get-invoice", Method: http.MethodGet, Path: "/v1/invoices/{merchant}", Summary: "a merchant's invoice",
		Tags: accountingTag, Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
		Description: "The period's invoice of a merchant from the ledger: one line per item (postage, surcharges), corrections from re-rating, the amount due; " +
			"`unrated` lists items not billed. Merchants see their own. " + statementFormats}
	if format != "" {
		op.OperationID += "-" + format
		op.Path += "/" + format
		op.Summary += " (" + strings.ToUpper(format) + ")"
		op.Responses = fileResponses(format)
		register(s, op, invoiceReaders, func(ctx context.Context, in *invoiceInput) (*fileOutput, error) {
			inv, err := s.invoice(ctx, in)
			if err != nil {
				return nil, err
			}
			return s.file(ctx, format, inv.Number, document.MerchantInvoice(inv, staffLang(ctx)), func(b *bytes.Buffer) error { return accounting.WriteInvoiceCSV(b, inv) })
		})
		return
	}
	register(s, op, invoiceReaders, func(ctx context.Context, in *invoiceInput) (*struct{ Body accounting.Invoice }, error) {
		inv, err := s.invoice(ctx, in)
		if err != nil {
			return nil, err
		}
		return &struct{ Body accounting.Invoice }{inv}, nil
	})
}

func (s *Server) invoice(ctx context.Context, in *invoiceInput) (accounting.Invoice, error) {
	p, err := period("query.period", in.Period)
	if err != nil {
		return accounting.Invoice{}, s.problem(ctx, err)
	}
	inv, err := s.accounting().Invoice(ctx, principal(ctx), in.Merchant, p, in.Through)
	if err != nil {
		return inv, s.problem(ctx, err)
	}
	return inv, nil
}

func (s *Server) margin(ctx context.Context, in *struct {
	Period   string `query:"period" required:"true" doc:"Month YYYY-MM or days YYYY-MM-DD..YYYY-MM-DD (UTC)" example:"2026-11"`
	Currency string `query:"currency" maxLength:"3" doc:"Report currency; default the public price list's"`
}) (*struct{ Body accounting.MarginReport }, error) {
	return s.marginReport(ctx, "query.period", in.Period, in.Currency, nil)
}

func (s *Server) marginWhatIf(ctx context.Context, in *struct {
	Body struct {
		Period   string      `json:"period" doc:"Month YYYY-MM or days YYYY-MM-DD..YYYY-MM-DD (UTC)" example:"2026-11"`
		Currency string      `json:"currency,omitempty" maxLength:"3"`
		WhatIf   tariffFiles `json:"what_if" doc:"Tariff files to rate beside the version in force"`
	}
}) (*struct{ Body accounting.MarginReport }, error) {
	return s.marginReport(ctx, "period", in.Body.Period, in.Body.Currency, in.Body.WhatIf.bytes())
}

func (s *Server) marginReport(ctx context.Context, field, pv, currency string, whatIf map[string][]byte) (*struct{ Body accounting.MarginReport }, error) {
	p, err := period(field, pv)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	rep, err := s.accounting().Margin(ctx, principal(ctx), p, accounting.MarginOptions{Currency: strings.ToUpper(currency), WhatIf: whatIf})
	if err != nil {
		return nil, s.problem(ctx, inFiles(err, "what_if.files."))
	}
	return &struct{ Body accounting.MarginReport }{rep}, nil
}

// fileResponses describes a CSV or PDF download. It builds new maps on every
// call: huma adds to an operation's responses while registering, so a map
// shared between operations (or between servers in parallel tests) races.
func fileResponses(format string) map[string]*huma.Response {
	if format == "pdf" {
		return map[string]*huma.Response{"200": {Description: "PDF", Content: map[string]*huma.MediaType{"application/pdf": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}}
	}
	return map[string]*huma.Response{"200": {Description: "CSV", Content: map[string]*huma.MediaType{"text/csv": {Schema: &huma.Schema{Type: "string"}}}}}
}
