package demo

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"time"

	"github.com/interpost/interpost/accounting"
	"github.com/interpost/interpost/auth"
)

// tariffFiles is the demo's tariff set (docs/formats.md, "Tariffs and
// ledger"): UPU remuneration in SDR, conveyance in USD, merchant price
// lists in CNY.
//
//go:embed tariffs/tariff.yaml tariffs/*.csv
var tariffFiles embed.FS

// Tariffs returns the demo tariff directory.
func Tariffs() fs.FS {
	sub, err := fs.Sub(tariffFiles, "tariffs")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}

// AccountingResult says what seeding accounting did.
type AccountingResult struct {
	Tariff  string                  // version loaded
	Periods []accounting.RateReport // one per month rated
}

// SeedAccounting loads the demo tariffs (again a no-op) and rates every
// month from eight weeks before now (the warehouse orders' span) to now,
// so statements and the margin report have a ledger to draw from. Rating
// again posts nothing new.
func SeedAccounting(ctx context.Context, svc *accounting.Service, now time.Time) (AccountingResult, error) {
	var res AccountingResult
	admin := auth.Principal{KeyID: "demo", Role: auth.RoleAdmin}
	files, err := accounting.DirFiles(Tariffs())
	if err != nil {
		return res, err
	}
	v, err := svc.ImportTariff(ctx, admin, files, "")
	if err != nil {
		return res, fmt.Errorf("demo tariffs: %w", err)
	}
	res.Tariff = v.Version
	for p := accounting.Month(now.AddDate(0, 0, -60)); !p.From.After(now); p = accounting.Month(p.To) {
		rep, err := svc.Rate(ctx, admin, p)
		if err != nil {
			return res, fmt.Errorf("demo rating %s: %w", p.Name, err)
		}
		res.Periods = append(res.Periods, rep)
	}
	return res, nil
}
