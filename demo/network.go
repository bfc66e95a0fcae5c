package demo

import (
	"context"
	"embed"
	"fmt"

	"github.com/interpost/interpost/network"
)

// networkFiles is the demo world's network directory: offices.csv and
// services.csv, readable and editable as they are (docs/formats.md).
//
//go:embed offices.csv services.csv
var networkFiles embed.FS

// Network returns the demo network: real offices of exchange, hubs and
// border points, and timetables for the corridors a Chinese post runs — air
// mail from its gateways, China–Europe block trains through Kazakhstan,
// Russia and Belarus or across the Caspian, border trucks into Central Asia,
// sea mail via Shanghai, and charter freighters.
func Network() (network.Network, error) {
	return network.ReadDir(networkFiles, nil)
}

// NetworkStore is what seeding the network needs.
type NetworkStore interface {
	network.LegStore
}

// SeedNetwork stores the demo offices and replaces the timetable with the
// demo's, in one transaction.
func SeedNetwork(ctx context.Context, st NetworkStore) (offices, services int, err error) {
	n, err := Network()
	if err != nil {
		return 0, 0, fmt.Errorf("demo network: %w", err)
	}
	if err := st.ReplaceNetwork(ctx, n.Offices, n.Services); err != nil {
		return 0, 0, fmt.Errorf("store demo network: %w", err)
	}
	return len(n.Offices), len(n.Services), nil
}
