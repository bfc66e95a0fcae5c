package main

import (
	"bufio"
	"cmp"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

// The generated stream looks like a post's: items posted evenly over
// postingDays, each with the ten scans of a journey (posting, outward OE,
// export customs in and out, departure, arrival abroad, import customs,
// departure from the inward OE, delivery office, delivery) a few hours to a
// day apart; the stream is ordered by when each scan reaches us, so one
// item's scans are days apart in it and consecutive records belong to
// unrelated items. About 1 % of records are resends of an earlier scan.
const (
	postingDays   = 100
	eventsPerItem = 10
	dupShare      = 0.01
)

var journeyCodes = [eventsPerItem]tracking.Code{
	tracking.EMA, tracking.EMB, tracking.EXA, tracking.EXC, tracking.EMC,
	tracking.EMD, tracking.EDB, tracking.EMF, tracking.EMG, tracking.EMI,
}

// place is an office with the UTC offset its scans carry.
type place struct {
	code    string
	country string
	loc     *time.Location
}

type record struct {
	item   int32
	k      int8
	at     int64 // event time, Unix µs
	stream int64 // when it reaches us, Unix µs: the order of the file
}

type dataset struct {
	items   []string // S10 ids
	origin  []int16  // index into places of each item's origin OE
	dest    []int16
	places  []place
	records int
	unique  int
}

// generate writes n records to path in the CSV wire format and returns the
// item ids and counts.
func generate(path string, n int, offices []network.Office, seed uint64, progress func(done, all int)) (*dataset, error) {
	rng := rand.New(rand.NewPCG(seed, 17))
	ds := &dataset{records: n}
	var cn, abroad []int16
	for _, o := range offices {
		if o.Kind != network.KindOE && o.Kind != network.KindIMPC {
			continue
		}
		loc, err := time.LoadLocation(o.TZ)
		if err != nil {
			return nil, err
		}
		ds.places = append(ds.places, place{code: o.Code, country: o.Country, loc: loc})
		if o.Country == "CN" {
			cn = append(cn, int16(len(ds.places)-1))
		} else {
			abroad = append(abroad, int16(len(ds.places)-1))
		}
	}
	if len(cn) == 0 || len(abroad) == 0 {
		return nil, fmt.Errorf("the network needs offices of exchange in China and abroad")
	}
	unique := int(float64(n) / (1 + dupShare))
	nItems := max(1, unique/eventsPerItem)
	unique = nItems * eventsPerItem
	ds.unique = unique
	// 80 % of items are ours (CN-issued, outbound), 20 % inbound from partners.
	indicators := []string{"LA", "LB", "EA", "RA", "CA", "UA"}
	serial := map[string]uint32{}
	for range nItems {
		var o, d int16
		var country string
		if rng.IntN(5) > 0 {
			o, d, country = cn[rng.IntN(len(cn))], abroad[rng.IntN(len(abroad))], "CN"
		} else {
			o, d = abroad[rng.IntN(len(abroad))], cn[rng.IntN(len(cn))]
			country = ds.places[o].country
		}
		ind := indicators[rng.IntN(len(indicators))]
		key := ind + country
		id, err := postal.NewS10(ind, serial[key], country)
		if err != nil {
			return nil, err
		}
		serial[key]++
		ds.items = append(ds.items, string(id))
		ds.origin = append(ds.origin, o)
		ds.dest = append(ds.dest, d)
	}
	end := time.Now().Add(-30 * 24 * time.Hour).UnixMicro()
	start := end - int64(postingDays*24*time.Hour/time.Microsecond)
	recs := make([]record, 0, n)
	hour := int64(time.Hour / time.Microsecond)
	for i := range nItems {
		t := start + int64(float64(i)/float64(nItems)*float64(end-start)) + rng.Int64N(6*hour)
		for k := range eventsPerItem {
			t += hour + rng.Int64N(30*hour)
			// Scans reach us minutes to a day after they happen.
			recs = append(recs, record{item: int32(i), k: int8(k), at: t, stream: t + rng.Int64N(24*hour)})
		}
	}
	for len(recs) < n {
		r := recs[rng.IntN(unique)]
		r.stream += rng.Int64N(6 * hour) // resent a little later
		recs = append(recs, r)
	}
	slices.SortFunc(recs, func(a, b record) int { return cmp.Compare(a.stream, b.stream) })
	return ds, ds.write(path, recs, progress)
}

func (ds *dataset) write(path string, recs []record, progress func(done, all int)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("object,code,office,time,source,reason,next_office,signatory\n")
	var b []byte
	for i, r := range recs {
		pl := ds.places[ds.origin[r.item]]
		source := "post"
		if r.k >= 5 {
			pl = ds.places[ds.dest[r.item]]
		}
		if ds.items[r.item][11:] != "CN" || r.k >= 5 {
			if pl.country != "CN" {
				source = "partner:" + pl.country + "POST"
			}
		}
		if r.k == 2 || r.k == 3 || r.k == 6 {
			source = "customs"
		}
		b = b[:0]
		b = append(b, ds.items[r.item]...)
		b = append(b, ',')
		b = append(b, journeyCodes[r.k]...)
		b = append(b, ',')
		b = append(b, pl.code...)
		b = append(b, ',')
		b = time.UnixMicro(r.at).In(pl.loc).AppendFormat(b, time.RFC3339)
		b = append(b, ',')
		b = append(b, source...)
		b = append(b, ",,,\n"...)
		w.Write(b)
		if progress != nil && i%100_000 == 0 {
			progress(i, len(recs))
		}
	}
	if progress != nil {
		progress(len(recs), len(recs))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}
