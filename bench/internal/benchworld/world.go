// Package benchworld generates the world-scale synthetic postal network the
// benchmarks plan over (bench/routing, bench/routes): about 1.1 million
// departures in 14 days with the default sizes.
package benchworld

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/interpost/interpost/civil"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

// zones the synthetic world uses: a spread of offsets, with and without DST,
// so departures cross clock changes as they would in a real network.
var zones = []string{
	"Asia/Shanghai", "Asia/Tokyo", "Asia/Seoul", "Asia/Singapore", "Asia/Bangkok", "Asia/Kolkata",
	"Asia/Kathmandu", "Asia/Dubai", "Asia/Almaty", "Asia/Tashkent", "Europe/Moscow", "Europe/Minsk",
	"Europe/Warsaw", "Europe/Berlin", "Europe/London", "Europe/Madrid", "Europe/Athens", "Europe/Istanbul",
	"Africa/Cairo", "Africa/Lagos", "Africa/Johannesburg", "America/New_York", "America/Chicago",
	"America/Denver", "America/Los_Angeles", "America/Mexico_City", "America/Sao_Paulo",
	"America/Santiago", "America/St_Johns", "Australia/Sydney", "Australia/Adelaide", "Pacific/Auckland",
}

// World is the generated network.
type World struct {
	Offices  []network.Office
	Services []network.Leg
}

// Generate builds a hierarchical postal network: gateways (hubs) grouped
// in regions, each with local offices around it. Services: local trucks
// to and from the gateway and between neighbouring offices, regional trucks
// and trains between the gateways of a region, air between gateways
// worldwide, and some long-distance rail. Everything is drawn from seed.
func Generate(hubs, perHub int, seed uint64) World {
	r := rand.New(rand.NewPCG(seed, 2026))
	countries := postal.Countries()
	const regionSize = 10
	var w World
	hubIdx := make([]int, hubs)
	locals := make([][]int, hubs)
	for h := range hubs {
		region := h / regionSize
		zone := zones[region%len(zones)]
		country := countries[(region*7+h%regionSize)%len(countries)]
		clat := float64((region*37)%110) - 50
		clon := float64((region*73)%360) - 180
		lat := clamp(clat+r.Float64()*16-8, -70, 70)
		lon := wrapLon(clon + r.Float64()*16 - 8)
		hubIdx[h] = len(w.Offices)
		w.Offices = append(w.Offices, network.Office{
			Code: fmt.Sprintf("G%05d", h), Name: fmt.Sprintf("Gateway %d", h), Country: country, Kind: network.KindHub,
			Lat: round4(lat), Lon: round4(lon), TZ: zone, ConnectMin: 60 + 30*r.IntN(5), Customs: true,
		})
		for l := range perHub - 1 {
			locals[h] = append(locals[h], len(w.Offices))
			w.Offices = append(w.Offices, network.Office{
				Code: fmt.Sprintf("L%05d", h*perHub+l), Name: fmt.Sprintf("Office %d-%d", h, l), Country: country, Kind: network.KindOE,
				Lat: round4(clamp(lat+r.Float64()*3-1.5, -80, 80)), Lon: round4(wrapLon(lon + r.Float64()*3 - 1.5)),
				TZ: zone, ConnectMin: 15 * (1 + r.IntN(4)), Customs: r.IntN(3) == 0,
			})
		}
	}
	id := 0
	// Cost per kg: a handling charge plus a rate per 1,000 km by mode, as
	// postal transport contracts price it, with a carrier's rate within
	// ±10 % (rounded to cents).
	handling := map[network.Mode]float64{network.ModeAir: 1.2, network.ModeRail: 0.3, network.ModeRoad: 0.1, network.ModeSea: 0.2}
	perMm := map[network.Mode]float64{network.ModeAir: 0.45, network.ModeRail: 0.12, network.ModeRoad: 0.25, network.ModeSea: 0.03}
	add := func(from, to int, mode network.Mode, days civil.Weekdays, departs int, cutoff int, speedKmh, fixedMin float64) {
		a, b := w.Offices[from], w.Offices[to]
		km := network.GreatCircleKm(a, b)
		dur := int(km/speedKmh*60 + fixedMin)
		cost := math.Round((handling[mode]+perMm[mode]*km/1000)*(0.9+0.05*float64(r.IntN(5)))*100) / 100
		id++
		w.Services = append(w.Services, network.Leg{
			ID: fmt.Sprintf("S%07d", id), From: a.Code, To: b.Code, Mode: mode, Carrier: "Bench " + string(mode),
			Days: days, Departs: civil.Clock(departs % 1440), DurationMin: max(dur, 5), CutoffMin: cutoff,
			CapacityKg: 20000, CostPerKg: cost, DG: mode != network.ModeAir || r.IntN(4) == 0,
		})
	}
	days := func() civil.Weekdays {
		if r.IntN(4) == 0 {
			return civil.Weekdays(1 + r.IntN(127)) // some lines skip days
		}
		return civil.EveryDay
	}
	for h := range hubs {
		g := hubIdx[h]
		for li, l := range locals[h] {
			for k := range 10 { // feeder trucks in and out, 10 a day each way
				add(l, g, network.ModeRoad, days(), 4*60+k*120+r.IntN(60), 30, 55, 30)
				add(g, l, network.ModeRoad, days(), 3*60+k*120+r.IntN(60), 30, 55, 30)
			}
			for _, d := range []int{1, 2, len(locals[h]) - 1} { // neighbours, 4 a day
				n := locals[h][(li+d)%len(locals[h])]
				for k := range 4 {
					add(l, n, network.ModeRoad, days(), 6*60+k*240+r.IntN(90), 30, 50, 20)
				}
			}
		}
		region := h / regionSize
		for o := region * regionSize; o < min(hubs, (region+1)*regionSize); o++ { // regional trunk, 4 a day
			if o == h {
				continue
			}
			mode := network.ModeRoad
			if r.IntN(3) == 0 {
				mode = network.ModeRail
			}
			for k := range 4 {
				add(g, hubIdx[o], mode, days(), k*360+r.IntN(180), 60, 60, 60)
			}
		}
		for range 60 { // air to 60 gateways worldwide, twice a day
			o := r.IntN(hubs)
			if o == h {
				continue
			}
			d := civil.Weekdays(1 + r.IntN(127))
			if r.IntN(2) == 0 {
				d = civil.EveryDay
			}
			for k := range 2 {
				add(g, hubIdx[o], network.ModeAir, d, k*720+r.IntN(600), 180, 750, 90)
			}
		}
		for range 3 { // long-distance rail to other regions, daily
			o := r.IntN(hubs)
			if o/regionSize == region {
				continue
			}
			add(g, hubIdx[o], network.ModeRail, civil.EveryDay, r.IntN(1440), 360, 35, 240)
		}
	}
	return w
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

func wrapLon(v float64) float64 {
	for v > 180 {
		v -= 360
	}
	for v < -180 {
		v += 360
	}
	return v
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
