package demo

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io"
	"time"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/customs"
	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/postal"
)

// CustomsRules is the demo post's customs rules file: prohibitions and
// restrictions, dangerous goods, mismatches, value and undervaluation
// checks, a fictional watch list and duty tables for its main markets.
//
//go:embed customs-rules.yaml
var CustomsRules []byte

// customsManifest is a day's inbound advance data at the Shanghai, Beijing
// and Guangzhou IMPCs: postal items from partner posts, express waybills and
// cross-border e-commerce orders.
//
//go:embed customs-manifest.csv
var customsManifest []byte

// ofacSample is an excerpt of the OFAC SDN list as the US Treasury publishes it (the first 150
// entries with their aliases and addresses, 2022-01-31; public domain: lists/ofac-sdn/SOURCES.md).
// The demo world screens against it beside its own watch list.
//
//go:embed lists/ofac-sdn/sdn.csv lists/ofac-sdn/alt.csv lists/ofac-sdn/add.csv
var ofacSample embed.FS

// CustomsOfficer is the demo's customs officer at Shanghai (CNSHAA).
var CustomsOfficer = auth.Principal{KeyID: "demo-officer-sha", Role: auth.RoleCustoms, Offices: []string{"CNSHAA"}}

// CustomsResult says what the customs part of the seed did.
type CustomsResult struct {
	Report    customs.ImportReport
	Decisions int
	Seized    string             // an item the officer seized, to show
	Released  string             // an item released after an X-ray
	Held      string             // an item still held for physical inspection
	List      customs.ListImport // the OFAC SDN excerpt put in force
}

// importOFACSample puts the OFAC SDN excerpt in force, through the importer an operator uses.
func importOFACSample(ctx context.Context, svc *customs.Service) (customs.ListImport, error) {
	var f risk.OFACFiles
	for name, dst := range map[string]*io.Reader{"sdn.csv": &f.SDN, "alt.csv": &f.Alt, "add.csv": &f.Add} {
		b, err := ofacSample.ReadFile("lists/ofac-sdn/" + name)
		if err != nil {
			return customs.ListImport{}, err
		}
		*dst = bytes.NewReader(b)
	}
	l, err := risk.ParseOFAC(f)
	if err != nil {
		return customs.ListImport{}, fmt.Errorf("demo OFAC list: %w", err)
	}
	return svc.ImportList(ctx, l)
}

// demoDecisions are the officer's decisions on the manifest's items.
var demoDecisions = []struct {
	item string
	d    customs.Decision
}{
	{"LX305678945JP", customs.Decision{Action: customs.DecideHold, Check: risk.ActionPhysicalInspection, Reason: "ivory suspected from HS 9601 and description"}},
	{"LX305678945JP", customs.Decision{Action: customs.DecideInspect, Result: "prohibited", Findings: "elephant ivory netsuke, no CITES permit", Reason: "opened in the presence of the postal officer"}},
	{"LX305678945JP", customs.Decision{Action: customs.DecideSeize, Reason: "CITES Appendix I specimen without permit; referred to the CITES authority"}},
	{"1Z84F2W60412945528", customs.Decision{Action: customs.DecideHold, Check: risk.ActionXray, Reason: "lithium power banks declared"}},
	{"1Z84F2W60412945528", customs.Decision{Action: customs.DecideInspect, Result: "clear", Findings: "two 74 Wh power banks, no loose cells", Reason: "X-ray image matches the declaration"}},
	{"1Z84F2W60412945528", customs.Decision{Action: customs.DecideRelease, Reason: "within the 100 Wh limit; released"}},
	{"4812766390", customs.Decision{Action: customs.DecideClaim}},
	{"4812766390", customs.Decision{Action: customs.DecideHold, Check: risk.ActionPhysicalInspection, Reason: "consignor matches the sanctions list; PLCs are dual-use"}},
	{"TG20261123003", customs.Decision{Action: customs.DecideRelease, Reason: "lip balm, EUR 6.00, declaration matches the order"}},
	{"771298430156", customs.Decision{Action: customs.DecideReturn, Reason: "smartphones declared under HS 3926; importer refused to correct the declaration"}},
}

// SeedCustoms imports the demo manifest into customs and plays the Shanghai
// officer's decisions. It is idempotent: when the manifest's first item is
// already declared it does nothing.
func SeedCustoms(ctx context.Context, svc *customs.Service) (CustomsResult, error) {
	var res CustomsResult
	have, err := svc.Store.Declared(ctx, []string{demoDecisions[0].item})
	if err != nil || have[demoDecisions[0].item] {
		return res, err
	}
	if svc.Lists != nil {
		if res.List, err = importOFACSample(ctx, svc); err != nil {
			return res, err
		}
	}
	res.Report, err = svc.ImportManifest(ctx, auth.Principal{KeyID: "demo", Role: auth.RoleAdmin}, bytes.NewReader(customsManifest),
		customs.ImportOptions{Format: customs.FormatCSV, Name: "demo/customs-manifest.csv"})
	if err != nil {
		return res, fmt.Errorf("demo customs manifest: %w", err)
	}
	if res.Report.Rejected > 0 {
		return res, fmt.Errorf("demo customs manifest: %d declarations rejected: %v", res.Report.Rejected, res.Report.Errors)
	}
	for _, dd := range demoDecisions {
		if _, err := svc.Decide(ctx, CustomsOfficer, dd.item, dd.d); err != nil {
			return res, fmt.Errorf("demo decision %s on %s: %w", dd.d.Action, dd.item, err)
		}
		res.Decisions++
	}
	res.Seized, res.Released, res.Held = "LX305678945JP", "1Z84F2W60412945528", "4812766390"
	return res, nil
}

// NewCustoms builds a customs service over st with the demo rules.
func NewCustoms(st customs.Store, offices customs.Offices, rates postal.Rates, now func() time.Time) (*customs.Service, error) {
	e, err := risk.CompileRules(CustomsRules, "demo/customs-rules.yaml", rates)
	if err != nil {
		return nil, err
	}
	svc := &customs.Service{Store: st, Offices: offices, Rates: rates, Now: now}
	svc.SetRules(e)
	return svc, nil
}
