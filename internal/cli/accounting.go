package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/document"
	"github.com/interpost/interpost/internal/app"
	"github.com/interpost/interpost/postal"
)

// withAccounting runs fn with the accounting service.
func (o *Options) withAccounting(cmd *cobra.Command, fn func(*accounting.Service) error) error {
	return o.withApp(cmd.Context(), false, func(a *app.App) error { return fn(a.Accounting) })
}

// readTariffFiles loads a tariff directory, or single files (which then
// replace tables of the version in force).
func readTariffFiles(paths []string) (map[string][]byte, error) {
	if len(paths) == 1 {
		if fi, err := os.Stat(paths[0]); err == nil && fi.IsDir() {
			return accounting.DirFiles(os.DirFS(paths[0]))
		}
	}
	files := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		files[filepath.Base(p)] = b
	}
	return files, nil
}

func tariffsCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "tariffs", Short: "load and check tariff versions (terminal dues, rates, price lists)",
		Long: `Tariffs are dated rate tables (docs/formats.md, "Tariffs and ledger"). A directory with
tariff.yaml is a whole tariff set; single CSV files replace those tables of the version in force
and --version names the new version. Every error names its file, line and column; a set with
any error loads nothing (exit status 2).`}
	var version string
	imp := &cobra.Command{Use: "import DIR|FILE...", Short: "load a tariff version (it is in force from now on)", Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, err := readTariffFiles(args)
			if err != nil {
				return err
			}
			return o.withAccounting(cmd, func(svc *accounting.Service) error {
				v, err := svc.ImportTariff(cmd.Context(), cliPrincipal, files, version)
				if err != nil {
					return err
				}
				return o.emit(v, func() error {
					fmt.Fprintf(o.out, "tariff %s loaded (%s), in force now: %s\n", v.Version, v.SHA256[:12], rowCounts(v.Rows))
					return nil
				})
			})
		}}
	imp.Flags().StringVar(&version, "version", "", "name of the new version when loading single files (e.g. 2026.2)")
	check := &cobra.Command{Use: "check DIR|FILE...", Short: "validate tariff files without loading them", Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, err := readTariffFiles(args)
			if err != nil {
				return err
			}
			return o.withAccounting(cmd, func(svc *accounting.Service) error {
				set, err := svc.CheckTariff(cmd.Context(), cliPrincipal, files, version)
				if err != nil {
					return err
				}
				fmt.Fprintf(o.out, "tariff %s is valid: %s\n", set.Version, rowCounts(set.Rows()))
				return nil
			})
		}}
	check.Flags().StringVar(&version, "version", "check", "name of the new version when checking single files")
	list := &cobra.Command{Use: "list", Short: "list loaded tariff versions, the one in force first", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.withAccounting(cmd, func(svc *accounting.Service) error {
				vs, err := svc.TariffVersions(cmd.Context(), cliPrincipal)
				if err != nil {
					return err
				}
				return o.emit(vs, func() error {
					return o.table("VERSION\tLOADED\tSHA256\tROWS\tDESCRIPTION", func(w io.Writer) {
						for _, v := range vs {
							fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", v.Version, v.ImportedAt.Format("2006-01-02 15:04"), v.SHA256[:12], rowCounts(v.Rows), v.Description)
						}
					})
				})
			})
		}}
	export := &cobra.Command{Use: "export VERSION DIR", Short: "write a loaded version's files, as loaded, into DIR", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.withAccounting(cmd, func(svc *accounting.Service) error {
				set, err := svc.Tariff(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				if err := os.MkdirAll(args[1], 0o750); err != nil {
					return err
				}
				for name, b := range set.Files {
					if err := os.WriteFile(filepath.Join(args[1], name), b, 0o640); err != nil {
						return err
					}
				}
				fmt.Fprintf(o.out, "tariff %s: %d files written to %s\n", set.Version, len(set.Files), args[1])
				return nil
			})
		}}
	cmd.AddCommand(imp, check, list, export)
	return cmd
}

func rowCounts(m map[string]int) string {
	var parts []string
	for _, f := range accounting.TableFiles {
		if n := m[f]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", strings.TrimSuffix(f, ".csv"), n))
		}
	}
	return strings.Join(parts, ", ")
}

func periodFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "period", "", "month YYYY-MM or days YYYY-MM-DD..YYYY-MM-DD (UTC)")
	_ = cmd.MarkFlagRequired("period") // only fails for an unknown flag name
}

func parsePeriod(s string) (accounting.Period, error) {
	p, err := accounting.ParsePeriod(s)
	if err != nil {
		return p, postal.Invalid("bad period", postal.FieldError{Field: "--period", Message: err.Error()})
	}
	return p, nil
}

func ledgerCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "ledger", Short: "rate facts into the append-only ledger; list entries and balances"}
	var period string
	rate := &cobra.Command{Use: "rate", Short: "rate a period's items under the tariff in force (posts new charges and adjusting entries)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := parsePeriod(period)
			if err != nil {
				return err
			}
			return o.withAccounting(cmd, func(svc *accounting.Service) error {
				rep, err := svc.Rate(cmd.Context(), cliPrincipal, p)
				if err != nil {
					return err
				}
				return o.emit(rep, func() error { return o.printRateReport(rep) })
			})
		}}
	periodFlag(rate, &period)
	var party, kind, item string
	var limit int
	list := &cobra.Command{Use: "list", Short: "list ledger entries", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := accounting.EntryFilter{Kind: accounting.Kind(kind), Item: item, Limit: limit}
			if period != "" {
				p, err := parsePeriod(period)
				if err != nil {
					return err
				}
				f.From, f.To = p.From, p.To
			}
			if party != "" {
				pt, err := accounting.ParseParty(party)
				if err != nil {
					return postal.Invalid("bad party", postal.FieldError{Field: "--party", Message: err.Error()})
				}
				f.Party = pt
			}
			return o.withAccounting(cmd, func(svc *accounting.Service) error {
				es, _, err := svc.Entries(cmd.Context(), cliPrincipal, f, "")
				if err != nil {
					return err
				}
				return o.emit(es, func() error {
					return o.table("SEQ\tREV\tDATE\tKIND\tCATEGORY\tDEBTOR\tCREDITOR\tFACT\tBASIS\tAMOUNT\tCUR\tTARIFF", func(w io.Writer) {
						for _, e := range es {
							fmt.Fprintf(w, "%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s %s\n", e.Seq, e.Revision, e.At.Format("2006-01-02"), e.Kind, e.Category,
								e.Debtor, e.Creditor, firstSet(e.Item, e.Consignment, e.Dispatch), firstSet(e.Basis, "-"), accounting.FormatAmount(e.Amount, e.Currency), e.Currency, e.TariffVersion, e.TariffRow)
						}
					})
				})
			})
		}}
	list.Flags().StringVar(&period, "period", "", "month YYYY-MM or days YYYY-MM-DD..YYYY-MM-DD")
	list.Flags().StringVar(&party, "party", "", "entries of a party: post:PLPOST, carrier:XIAMEN-AIRLINES, merchant:XMTEA")
	list.Flags().StringVar(&kind, "kind", "", "terminal_dues, inward_land_rate, ems, transit, conveyance, postage or surcharge")
	list.Flags().StringVar(&item, "item", "", "entries of one item (S10)")
	list.Flags().IntVar(&limit, "limit", 100, "at most this many entries (1–500)")
	balances := &cobra.Command{Use: "balances", Short: "what each party and the home post owe each other over a period", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := parsePeriod(period)
			if err != nil {
				return err
			}
			return o.withAccounting(cmd, func(svc *accounting.Service) error {
				bs, err := svc.Balances(cmd.Context(), cliPrincipal, p)
				if err != nil {
					return err
				}
				return o.emit(bs, func() error {
					return o.table("PARTY\tCURRENCY\tENTRIES\tPAYABLE\tRECEIVABLE\tNET", func(w io.Writer) {
						for _, b := range bs {
							fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%s\n", b.Party, b.Currency, b.Entries, accounting.FormatAmount(b.Payable, b.Currency),
								accounting.FormatAmount(b.Receivable, b.Currency), accounting.FormatAmount(b.Net, b.Currency))
						}
					})
				})
			})
		}}
	periodFlag(balances, &period)
	cmd.AddCommand(rate, list, balances)
	return cmd
}

func kgText(g int) string { return fmt.Sprintf("%d.%03d", g/1000, g%1000) }

func firstSet(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func (o *Options) printRateReport(rep accounting.RateReport) error {
	fmt.Fprintf(o.out, "%s rated under tariff %s (conveyance: %s): %d items, %d charges: %d posted, %d adjusted, %d reversed, %d unchanged",
		rep.Period, rep.Tariff, rep.Conveyance, rep.Items, rep.Charges, rep.Posted, rep.Adjusted, rep.Reversed, rep.Unchanged)
	if rep.Kept > 0 {
		fmt.Fprintf(o.out, ", %d kept (no longer rateable)", rep.Kept)
	}
	fmt.Fprintln(o.out)
	for _, t := range rep.Totals {
		fmt.Fprintf(o.out, "  %-17s %-10s %5d entries %14s %s\n", t.Kind, t.Direction, t.Entries, accounting.FormatAmount(t.Amount, t.Currency), t.Currency)
	}
	if rep.Inbound+rep.Transit > 0 {
		fmt.Fprintf(o.out, "received from partner posts: %d items or bulk receptacles, %d transit receptacles\n", rep.Inbound, rep.Transit)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(o.out, "note: %s\n", n)
	}
	if len(rep.Unrated) > 0 {
		fmt.Fprintf(o.out, "unrated (%d): the tariff has no row for these\n", len(rep.Unrated))
		for i, u := range rep.Unrated {
			if i == 20 {
				fmt.Fprintf(o.out, "  … and %d more (--json lists all)\n", len(rep.Unrated)-i)
				break
			}
			fmt.Fprintf(o.out, "  %s %s %s: %s\n", u.At.Format("2006-01-02"), firstSet(u.Item, u.Dispatch), u.Kind, u.Reason)
		}
	}
	return nil
}

func statementCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{Use: "statement", Short: "monthly statements per partner post, carrier and merchant (CSV and PDF)",
		Long: `Draw a period's statement from the ledger and write NUMBER.csv and NUMBER.pdf into --out.
Totals are sums of ledger entries and reconcile to the ledger to the cent. Facts of the period
that are not charged (no tariff row, or not rated yet) are listed in the statement and make the
command exit with status 2 unless --allow-unrated.`}
	mk := func(use, short string, party func(string) (accounting.Party, error)) *cobra.Command {
		var period, out string
		var through int64
		var allowUnrated, noEntries bool
		c := &cobra.Command{Use: use, Short: short, Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				p, err := parsePeriod(period)
				if err != nil {
					return err
				}
				pt, err := party(args[0])
				if err != nil {
					return postal.Invalid("bad party", postal.FieldError{Field: "argument", Message: err.Error()})
				}
				return o.withAccounting(cmd, func(svc *accounting.Service) error {
					return o.writeStatement(cmd, svc, pt, p, out, through, !noEntries, allowUnrated)
				})
			}}
		periodFlag(c, &period)
		c.Flags().StringVarP(&out, "out", "o", ".", "directory to write NUMBER.csv and NUMBER.pdf into")
		c.Flags().Int64Var(&through, "through", 0, "draw the ledger up to this entry (reproduces an earlier statement); 0 = all")
		c.Flags().BoolVar(&allowUnrated, "allow-unrated", false, "exit 0 even when facts of the period are not charged (they are still listed)")
		c.Flags().BoolVar(&noEntries, "summary", false, "leave the entry-by-entry detail out of the PDF")
		return c
	}
	cmd.AddCommand(
		mk("partner POST", "statement with a partner post (e.g. PLPOST): dues it owes us and we owe it, by category", func(s string) (accounting.Party, error) {
			if !strings.Contains(s, ":") {
				s = "post:" + strings.ToUpper(s)
			}
			return accounting.ParseParty(s)
		}),
		mk("carrier CODE", "statement with a carrier (e.g. XIAMEN-AIRLINES): conveyance by service", func(s string) (accounting.Party, error) {
			if !strings.Contains(s, ":") {
				s = "carrier:" + accounting.CarrierCode(s)
			}
			return accounting.ParseParty(s)
		}),
		mk("merchant CODE", "a merchant's invoice (e.g. XMTEA): one line per item", func(s string) (accounting.Party, error) {
			return accounting.ParseParty("merchant:" + strings.TrimPrefix(s, "merchant:"))
		}),
	)
	return cmd
}

func (o *Options) writeStatement(cmd *cobra.Command, svc *accounting.Service, party accounting.Party, p accounting.Period, dir string, through int64, entries, allowUnrated bool) error {
	ctx := cmd.Context()
	var csvBuf, pdfBuf bytes.Buffer
	var number string
	var unrated []accounting.Unrated
	var doc document.Statement
	var view any
	if party.Kind() == accounting.PartyMerchant {
		inv, err := svc.Invoice(ctx, cliPrincipal, party.Code(), p, through)
		if err != nil {
			return err
		}
		if err := accounting.WriteInvoiceCSV(&csvBuf, inv); err != nil {
			return err
		}
		number, unrated, doc, view = inv.Number, inv.Unrated, document.MerchantInvoice(inv, nil), inv
	} else {
		st, err := svc.Statement(ctx, cliPrincipal, party, p, accounting.StatementOptions{Through: through, Entries: true})
		if err != nil {
			return err
		}
		if err := accounting.WriteStatementCSV(&csvBuf, st); err != nil {
			return err
		}
		number, unrated, view = st.Number, st.Unrated, st
		if !entries {
			st.Entries = nil
		}
		doc = document.AccountStatement(st, nil)
	}
	if err := document.WriteStatement(&pdfBuf, doc); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	csvPath, pdfPath := filepath.Join(dir, number+".csv"), filepath.Join(dir, number+".pdf")
	if err := errors.Join(os.WriteFile(csvPath, csvBuf.Bytes(), 0o640), os.WriteFile(pdfPath, pdfBuf.Bytes(), 0o640)); err != nil {
		return err
	}
	if err := o.emit(view, func() error {
		fmt.Fprintf(o.out, "%s: %s\n  %s\n  %s\n", number, strings.Join(doc.Due, "; "), csvPath, pdfPath)
		return nil
	}); err != nil {
		return err
	}
	if len(unrated) > 0 && !allowUnrated {
		fe := make([]postal.FieldError, 0, min(len(unrated), 20))
		for i, u := range unrated {
			if i == 20 {
				break
			}
			fe = append(fe, postal.FieldError{Field: firstSet(u.Item, u.Dispatch, string(u.Kind)), Message: string(u.Kind) + ": " + u.Reason})
		}
		return postal.Invalid(fmt.Sprintf("%s is incomplete: %d facts of %s are not charged (listed in the statement; --allow-unrated to accept)", number, len(unrated), p.Name), fe...)
	}
	return nil
}

// addMarginReport hangs "report margin" under the report command, which
// also holds the tracking performance reports, making one if there is none.
func addMarginReport(root *cobra.Command, o *Options) {
	for _, c := range root.Commands() {
		if c.Name() == "report" {
			c.AddCommand(marginCmd(o))
			return
		}
	}
	report := &cobra.Command{Use: "report", Short: "management reports"}
	report.AddCommand(marginCmd(o))
	root.AddCommand(report)
}

func marginCmd(o *Options) *cobra.Command {
	var period, whatIf, currency string
	margin := &cobra.Command{Use: "margin", Short: "revenue against dues, transit, conveyance and handling per lane and product",
		Long: `Per lane (origin office → destination country) and product: items, kg, revenue from merchants,
terminal dues / inward land rates / EMS, transit, conveyance and the post's handling cost, with
the margin per item and per kg, lowest first. --what-if rates the same facts under a tariff
directory or files that replace tables of the version in force, side by side.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := parsePeriod(period)
			if err != nil {
				return err
			}
			opt := accounting.MarginOptions{Currency: strings.ToUpper(currency)}
			if whatIf != "" {
				if opt.WhatIf, err = readTariffFiles(strings.Split(whatIf, ",")); err != nil {
					return err
				}
			}
			return o.withAccounting(cmd, func(svc *accounting.Service) error {
				rep, err := svc.Margin(cmd.Context(), cliPrincipal, p, opt)
				if err != nil {
					return err
				}
				return o.emit(rep, func() error { return o.printMargin(rep) })
			})
		}}
	periodFlag(margin, &period)
	margin.Flags().StringVar(&whatIf, "what-if", "", "tariff directory or comma-separated files to compare with the version in force")
	margin.Flags().StringVar(&currency, "currency", "", "report currency (default: the public price list's)")
	return margin
}

func (o *Options) printMargin(r accounting.MarginReport) error {
	fmt.Fprintf(o.out, "Lane margins %s under tariff %s, in %s, lowest margin per item first\n", r.Period, r.Tariff, r.Currency)
	if r.WhatIf != "" {
		fmt.Fprintf(o.out, "What-if: %s\n", r.WhatIf)
	}
	header := "ORIGIN\tDEST\tPRODUCT\tITEMS\tKG\tREVENUE\tDUES\tTRANSIT\tCONVEY\tHANDLING\tMARGIN\t/ITEM\t/KG\t%\tUNRATED"
	if r.WhatIf != "" {
		header += "\tWHAT-IF MARGIN\t/ITEM\t%"
	}
	err := o.table(header, func(w io.Writer) {
		row := func(x accounting.MarginRow) {
			f := x.Base.Strings(r.Currency)
			unrated := ""
			if x.Unrated > 0 {
				unrated = strconv.Itoa(x.Unrated)
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", x.Origin, x.Dest, x.Product, x.Items,
				kgText(x.WeightG), f.Revenue, f.Dues, f.Transit, f.Conveyance, f.Handling, f.Margin, f.PerItem, f.PerKg, f.Percent, unrated)
			if x.WhatIf != nil {
				g := x.WhatIf.Strings(r.Currency)
				fmt.Fprintf(w, "\t%s\t%s\t%s", g.Margin, g.PerItem, g.Percent)
			}
			fmt.Fprintln(w)
		}
		for _, x := range r.Rows {
			row(x)
		}
		row(r.Total)
	})
	if err != nil {
		return err
	}
	for _, n := range r.Notes {
		fmt.Fprintln(o.out, n)
	}
	return nil
}
