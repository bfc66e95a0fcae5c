package accounting

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/interpost/interpost/postal"
)

// BasisReceived marks a charge worked out from the verified receipt at our
// inward office of exchange: what a partner post owes us for mail it sent
// us (terminal dues, inward land rates, EMS) or carried through us
// (transit).
const BasisReceived = "received"

// InboundItem is one item of a partner's dispatch as verified on receipt at
// our inward office of exchange (not as pre-advised). Item is "" for a
// receptacle of unlisted letter post received in bulk: Items then counts
// its items and WeightG is their weight.
type InboundItem struct {
	Dispatch    string    `json:"dispatch"` // S8
	Receptacle  string    `json:"receptacle"`
	Item        string    `json:"item,omitempty"` // S10
	Origin      string    `json:"origin"`         // partner's office of exchange, e.g. JPTYOA
	Destination string    `json:"destination"`    // our inward office of exchange
	Partner     string    `json:"partner"`        // origin post, e.g. JPPOST
	Category    string    `json:"category"`       // mail category A, B, C, D
	Subclass    string    `json:"subclass"`       // mail subclass UN, UR, CN, EM…: its first letter is the class
	Items       int       `json:"items"`
	WeightG     int       `json:"weight_g"`
	ReceivedAt  time.Time `json:"received_at"`
}

// TransitReceptacle is a receptacle in closed transit through us: received
// from a partner post and forwarded unopened to a third country. With Item
// set it is one item in open transit instead: received in Receptacle,
// re-sorted and forwarded in our own outward dispatch to Destination.
type TransitReceptacle struct {
	Dispatch    string    `json:"dispatch"`
	Receptacle  string    `json:"receptacle"`
	Item        string    `json:"item,omitempty"` // S10 of an open-transit item
	Origin      string    `json:"origin"`         // partner's office of exchange
	Destination string    `json:"destination"`    // the third country's office of exchange
	Partner     string    `json:"partner"`
	Subclass    string    `json:"subclass"`
	Items       int       `json:"items"`
	WeightG     int       `json:"weight_g"`
	ReceivedAt  time.Time `json:"received_at"`
	ForwardedAt time.Time `json:"forwarded_at"` // zero while not forwarded
}

// InboundFacts is what accounting reads of receiving at the inward office
// of exchange (package inward; internal/app adapts it).
type InboundFacts interface {
	// Inbound returns the items received (verified) in [p.From, p.To).
	Inbound(ctx context.Context, p Period) ([]InboundItem, error)
	// Transit returns the closed-transit receptacles and the open-transit
	// items received in [p.From, p.To), forwarded or not.
	Transit(ctx context.Context, p Period) ([]TransitReceptacle, error)
}

// ItemQuality is what tracking knows of an inbound item's delivery and of
// the events we returned to its origin post.
type ItemQuality struct {
	Item    string `json:"item"`
	Partner string `json:"partner"` // origin post, e.g. JPPOST
	// Arrived is the arrival at our inward office (EMD), Final the first
	// attempted (EMH) or final (EMI) delivery; zero when not yet.
	Arrived time.Time `json:"arrived"`
	Final   time.Time `json:"final"`
	// WithinStandard: delivered (EMH/EMI) within the lane's delivery
	// standard (J+n).
	WithinStandard bool `json:"within_standard"`
	// ArrivalSent and FinalSent are when the EMD and the EMH/EMI were
	// returned to the origin post; zero when not (yet).
	ArrivalSent time.Time `json:"arrival_sent"`
	FinalSent   time.Time `json:"final_sent"`
}

// QualityFacts is what accounting reads of tracking for the quality-linked
// part of what partners owe us.
type QualityFacts interface {
	// Quality returns the inbound items that arrived (EMD) in [p.From, p.To).
	Quality(ctx context.Context, p Period) ([]ItemQuality, error)
}

// QualityThreshold is the share of events to be returned to the origin
// within 24 h for the letter-post supplementary remuneration (Convention
// Regulations; ../shared/domain/upu-standards.md §3): 56 %.
const QualityThreshold = 0.56

// PartnerQuality is one partner post's quality figures for a period.
type PartnerQuality struct {
	Partner string `json:"partner"`
	Arrived int    `json:"arrived" doc:"Inbound items with an arrival (EMD)"`
	Final   int    `json:"final" doc:"Of those, attempted or delivered (EMH/EMI)"`
	// Within counts items delivered within the delivery standard.
	Within      int     `json:"within_standard"`
	WithinShare float64 `json:"within_standard_share" doc:"Within / Final"`
	ArrivalSent int     `json:"arrival_sent_24h" doc:"Items whose EMD was returned to the origin within 24 h"`
	ArrivalPct  float64 `json:"arrival_sent_24h_share"`
	FinalSent   int     `json:"final_sent_24h" doc:"Items whose EMH/EMI was returned to the origin within 24 h"`
	FinalPct    float64 `json:"final_sent_24h_share"`
	// Met: both 24 h shares reach QualityThreshold, so registered letter
	// post earns its supplement.
	Met bool `json:"bonus_met"`
}

// InboundStat counts what one origin post sent us in a month, per class and
// format, from the verified receipt.
type InboundStat struct {
	Partner string `json:"partner"`
	Month   string `json:"month"`
	Class   string `json:"class" enum:"U,C,E,T"`
	Format  string `json:"format" doc:"P, G, E for letter post; parcels or EMS otherwise"`
	Items   int    `json:"items"`
	WeightG int    `json:"weight_g"`
}

// classOf is the mail class of an inbound item: its subclass's first
// letter, else its S10 service indicator's (E EMS, C parcels, else letter
// post).
func classOf(subclass, item string) postal.MailClass {
	if subclass != "" {
		if c := postal.MailClass(strings.ToUpper(subclass)[0]); c.Valid() {
			return c
		}
	}
	switch {
	case strings.HasPrefix(item, "E"):
		return postal.ClassEMS
	case strings.HasPrefix(item, "C"):
		return postal.ClassParcel
	}
	return postal.ClassLetterPost
}

// inboundFormat is the terminal-dues format of received letter post. A
// listed item (it has an S10 and, in practice, customs data) contains goods
// and is E (as outward, LetterFormat); a bulk receptacle of unlisted
// letters takes the format of its average item weight: up to 100 g P, up
// to 500 g G, else E (the items' sizes are not measured at receipt).
func inboundFormat(it InboundItem) Format {
	if it.Item != "" || it.Items <= 0 {
		return FormatE
	}
	avg := it.WeightG / it.Items
	switch {
	case avg <= formatP.g:
		return FormatP
	case avg <= formatG.g:
		return FormatG
	}
	return FormatE
}

// registeredItem: an S10 with service indicator R (registered) or V
// (insured) letter post.
func registeredItem(id string) bool {
	return strings.HasPrefix(id, "R") || strings.HasPrefix(id, "V")
}

// countryOf is the country of an office of exchange (its first two
// letters), else of a partner post code ("JPPOST").
func countryOf(office, partner string) string {
	if len(office) >= 2 {
		return strings.ToUpper(office[:2])
	}
	if len(partner) >= 2 {
		return strings.ToUpper(partner[:2])
	}
	return ""
}

// inboundKey names what an inbound charge is for: the item, or the bulk
// receptacle.
func (it InboundItem) key() string {
	if it.Item != "" {
		return it.Item
	}
	return it.Receptacle
}

// Inbound rates a received item: the origin post owes us terminal dues
// (letter post, at our rate as destination), the inward land rate
// (parcels) or the EMS pair rate origin → us; a registered letter-post
// item also earns the registered supplement when the partner's quality
// met the conditions (quality; nil = not measured: not earned).
func (r *Rater) Inbound(it InboundItem, quality map[Party]PartnerQuality, res *Result) {
	country := countryOf(it.Origin, it.Partner)
	origin := Post(country)
	d := day(it.ReceivedAt)
	items := max(it.Items, 1)
	class := classOf(it.Subclass, it.Item)
	id := it.key()
	base := Charge{At: it.ReceivedAt, Debtor: origin, Creditor: r.home(), Items: items, WeightG: it.WeightG, Item: it.Item,
		Dispatch: it.Dispatch, Origin: it.Origin, Dest: r.Home, TariffVersion: r.Tariff.Version, Basis: BasisReceived}
	unrated := func(key string, kind Kind, format string, args ...any) {
		res.Unrated = append(res.Unrated, Unrated{Key: key, Kind: kind, Party: origin, Item: it.Item, Dispatch: it.Dispatch,
			At: it.ReceivedAt, Reason: fmt.Sprintf(format, args...)})
	}
	var (
		rate     Rate
		ref, grp string
		c        = base
	)
	switch class {
	case postal.ClassParcel:
		c.Key, c.Kind, c.Category = "in/ilr/"+id, KindLandRate, "parcels"
		row, g := r.Tariff.LandRateFor(r.Home, d)
		if row == nil {
			unrated(c.Key, c.Kind, "no inward land rate for %s%s on %s in %s", r.Home, inGroup(g), d, LandRatesFile)
			return
		}
		rate, ref, grp = row.Rate, row.Ref(), g
	case postal.ClassEMS:
		c.Key, c.Kind, c.Category = "in/ems/"+id, KindEMS, "EMS"
		row, g := r.Tariff.EMSFor(country, r.Home, d)
		if row == nil {
			unrated(c.Key, c.Kind, "no EMS rate %s→%s%s on %s in %s", country, r.Home, inGroup(g), d, EMSFile)
			return
		}
		rate, ref, grp = row.Rate, row.Ref(), g
	default:
		f := inboundFormat(it)
		c.Key, c.Kind, c.Category = "in/td/"+id, KindTerminalDues, string(f)
		row, g := r.Tariff.DuesFor(r.Home, f, d)
		if row == nil {
			unrated(c.Key, c.Kind, "no terminal dues for %s format %s%s on %s in %s", r.Home, f, inGroup(g), d, DuesFile)
			return
		}
		rate, ref, grp = row.Rate, row.Ref(), g
		if it.Item != "" && registeredItem(it.Item) {
			q, measured := quality[origin]
			if measured && q.Met && !row.RegisteredPerItem.IsZero() {
				sc := base
				sc.Key, sc.Kind, sc.Category = "in/tdreg/"+id, KindTerminalDues, string(f)+" registered supplement"
				sc.Items, sc.WeightG = 0, 0 // the item is counted once, on its dues
				sc.Amount, sc.Currency = Round(row.RegisteredPerItem, row.Currency), row.Currency
				sc.TariffRow = row.Ref()
				sc.Rate = fmt.Sprintf("%s reg. (quality met: EMD %.0f %%, EMH/EMI %.0f %% returned within 24 h)", row.RegisteredPerItem, 100*q.ArrivalPct, 100*q.FinalPct)
				res.Charges = append(res.Charges, sc)
			}
		}
	}
	c.Amount, c.Currency = Round(rate.For(items, it.WeightG), rate.Currency), rate.Currency
	c.TariffRow = ref
	c.Rate = fmt.Sprintf("%s × %d + %s × %s kg (received)", rate.PerItem, items, rate.PerKg, kg(it.WeightG).StringFixed(3))
	if grp != "" {
		c.Rate += " [" + grp + "]"
	}
	res.Charges = append(res.Charges, c)
}

// Transit rates a closed-transit receptacle forwarded through us: its
// origin post owes our transit charge per item and per kg. One received
// and not yet forwarded is listed unrated until it is.
func (r *Rater) Transit(t TransitReceptacle, res *Result) {
	if t.Item != "" {
		r.openTransit(t, res)
		return
	}
	country := countryOf(t.Origin, t.Partner)
	origin := Post(country)
	class := string(classOf(t.Subclass, ""))
	key := "in/transit/" + t.Receptacle
	if t.ForwardedAt.IsZero() {
		res.Unrated = append(res.Unrated, Unrated{Key: key, Kind: KindTransit, Party: origin, Dispatch: t.Dispatch, At: t.ReceivedAt,
			Reason: fmt.Sprintf("transit receptacle %s received, not forwarded yet", t.Receptacle)})
		return
	}
	d := day(t.ReceivedAt)
	row := r.Tariff.TransitFor(r.Home, class, d)
	if row == nil {
		res.Unrated = append(res.Unrated, Unrated{Key: key, Kind: KindTransit, Party: origin, Dispatch: t.Dispatch, At: t.ReceivedAt,
			Reason: fmt.Sprintf("no transit charge of our post %s (class %s) on %s in %s", r.Home, class, d, TransitFile)})
		return
	}
	res.Charges = append(res.Charges, Charge{Key: key, Kind: KindTransit, Category: "closed transit " + class + " via us", At: t.ReceivedAt,
		Basis: BasisReceived, Debtor: origin, Creditor: r.home(), Amount: Round(row.For(t.Items, t.WeightG), row.Currency), Currency: row.Currency,
		Items: t.Items, WeightG: t.WeightG, Dispatch: t.Dispatch, Origin: t.Origin, Dest: t.Destination, TariffVersion: r.Tariff.Version,
		TariffRow: row.Ref(), Rate: fmt.Sprintf("%s × %d items + %s × %s kg, %s → %s", row.PerItem, t.Items, row.PerKg, kg(t.WeightG).StringFixed(3), t.Origin, t.Destination)})
}

// openTransit rates an open-transit item: once it left in one of our
// outward dispatches, its origin post owes our open-transit charge (the
// O row of our post in transit.csv) per item and per kg as received.
func (r *Rater) openTransit(t TransitReceptacle, res *Result) {
	origin := Post(countryOf(t.Origin, t.Partner))
	key := "in/opentransit/" + t.Item
	if t.ForwardedAt.IsZero() {
		res.Unrated = append(res.Unrated, Unrated{Key: key, Kind: KindTransit, Party: origin, Item: t.Item, Dispatch: t.Dispatch, At: t.ReceivedAt,
			Reason: fmt.Sprintf("open-transit item %s received, not in a closed outward dispatch yet", t.Item)})
		return
	}
	d := day(t.ReceivedAt)
	row := r.Tariff.OpenTransitFor(r.Home, d)
	if row == nil {
		res.Unrated = append(res.Unrated, Unrated{Key: key, Kind: KindTransit, Party: origin, Item: t.Item, Dispatch: t.Dispatch, At: t.ReceivedAt,
			Reason: fmt.Sprintf("no open-transit charge (class O) of our post %s on %s in %s", r.Home, d, TransitFile)})
		return
	}
	res.Charges = append(res.Charges, Charge{Key: key, Kind: KindTransit, Category: "open transit via us", At: t.ReceivedAt,
		Basis: BasisReceived, Debtor: origin, Creditor: r.home(), Amount: Round(row.For(1, t.WeightG), row.Currency), Currency: row.Currency,
		Items: 1, WeightG: t.WeightG, Item: t.Item, Dispatch: t.Dispatch, Origin: t.Origin, Dest: t.Destination, TariffVersion: r.Tariff.Version,
		TariffRow: row.Ref(), Rate: fmt.Sprintf("%s × 1 item + %s × %s kg, %s %s → %s", row.PerItem, row.PerKg, kg(t.WeightG).StringFixed(3), t.Item, t.Origin, t.Destination)})
}

// Qualities sums item quality per partner post.
func Qualities(items []ItemQuality) map[Party]PartnerQuality {
	out := map[Party]PartnerQuality{}
	for _, it := range items {
		p := Post(countryOf("", it.Partner))
		q := out[p]
		q.Partner = it.Partner
		if it.Arrived.IsZero() {
			continue
		}
		q.Arrived++
		if !it.ArrivalSent.IsZero() && it.ArrivalSent.Sub(it.Arrived) <= 24*time.Hour {
			q.ArrivalSent++
		}
		if !it.Final.IsZero() {
			q.Final++
			if it.WithinStandard {
				q.Within++
			}
			if !it.FinalSent.IsZero() && it.FinalSent.Sub(it.Final) <= 24*time.Hour {
				q.FinalSent++
			}
		}
		out[p] = q
	}
	for p, q := range out {
		q.ArrivalPct = share(q.ArrivalSent, q.Arrived)
		q.FinalPct = share(q.FinalSent, q.Final)
		q.WithinShare = share(q.Within, q.Final)
		q.Met = q.Arrived > 0 && q.Final > 0 && q.ArrivalPct >= QualityThreshold && q.FinalPct >= QualityThreshold
		out[p] = q
	}
	return out
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// InboundStats counts received items per origin post, month, class and
// format.
func InboundStats(items []InboundItem) []InboundStat {
	type k struct{ partner, month, class, format string }
	m := map[k]*InboundStat{}
	for _, it := range items {
		class := classOf(it.Subclass, it.Item)
		format := class.String()
		if class == postal.ClassLetterPost {
			format = string(inboundFormat(it))
		}
		partner := it.Partner
		if partner == "" {
			partner = countryOf(it.Origin, "") + "POST"
		}
		key := k{partner, it.ReceivedAt.UTC().Format("2006-01"), string(class), format}
		s := m[key]
		if s == nil {
			s = &InboundStat{Partner: key.partner, Month: key.month, Class: key.class, Format: key.format}
			m[key] = s
		}
		s.Items += max(it.Items, 1)
		s.WeightG += it.WeightG
	}
	out := make([]InboundStat, 0, len(m))
	for _, s := range m {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b InboundStat) int {
		return compareStrings(a.Partner+a.Month+a.Class+a.Format, b.Partner+b.Month+b.Class+b.Format)
	})
	return out
}
