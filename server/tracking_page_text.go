package server

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/interpost/interpost/i18n"
	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/tracking"
)

// publicText turns a timeline into the public page's sentences in one
// language: plain event texts, places as city and country in that
// language, local times with their UTC offset, and the customs hold's
// reason class with what the buyer can do.
type publicText struct {
	l       *i18n.Localizer
	offices map[string]network.Office
}

func newPublicText(l *i18n.Localizer, offices map[string]network.Office) publicText {
	return publicText{l: l, offices: offices}
}

func (p publicText) fill(v *trackView, tl tracking.Timeline) {
	l := p.l
	v.Status = l.T("public.status." + string(tl.Status))
	if tl.Lane != nil && tl.Lane.Origin != "" && tl.Lane.Dest != "" {
		v.Lane = l.T("track.lane", "From", l.Country(tl.Lane.Origin), "To", l.Country(tl.Lane.Dest))
	}
	if tl.TransitCountry != "" {
		v.Transit = l.T("track.transit", "Country", l.Country(tl.TransitCountry))
	}
	if e := tl.EstimatedDelivery; e != nil {
		if d, err := time.Parse(time.DateOnly, e.Date); err == nil {
			v.Expected = l.T("track.expected", "Date", p.date(d))
		}
	}
	if tl.EstimatedDelivery == nil && !tl.Final {
		v.NoEst = p.noEstimate(tl)
	}
	v.Hold = p.hold(tl)
	reached := 0
	for _, e := range tl.Events {
		info, ok := tracking.LookupCode(e.Code)
		if ok && (e.Code == tracking.EMI || !info.Final()) {
			reached = max(reached, info.Position)
		}
	}
	for _, st := range progressSteps {
		v.Steps = append(v.Steps, step{Label: l.T("track.step." + st.id), Done: reached >= st.from})
	}
	for _, e := range slices.Backward(tl.Events) {
		pe := publicEvent{Time: e.Time.Format(time.RFC3339), When: p.when(e), What: l.T("public.event." + string(e.Code)), Place: p.place(e)}
		if class := holdClass(e.Code, e.Reason); class != "" && class != "other" {
			pe.Detail = l.T("public.hold." + class + ".what")
		}
		v.Events = append(v.Events, pe)
	}
}

// holdView is the customs box: why customs holds or decided on the item,
// in the buyer's words, and what they can do.
type holdView struct {
	What, Amount, Next string
}

// hold describes the customs situation the item is in now: a hold with
// its reason class, duty due on release, or a return or seizure decided by
// customs; nil when customs has nothing to say to the buyer.
func (p publicText) hold(tl tracking.Timeline) *holdView {
	class, amount := "", ""
	switch tl.Status {
	case tracking.StatusImportCustomsHeld, tracking.StatusExportCustomsHeld:
		class = "other"
		for _, e := range slices.Backward(tl.Events) {
			if c := holdClass(e.Code, e.Reason); c != "" {
				class = c
				break
			}
		}
	case tracking.StatusReturning, tracking.StatusReturned, tracking.StatusSeized:
		for _, e := range slices.Backward(tl.Events) {
			if e.Code == tracking.EXX || e.Code == tracking.EDX {
				class = holdClass(e.Code, e.Reason)
				break
			}
		}
	default:
		if tl.DutyDue {
			class = "duty"
			for _, e := range slices.Backward(tl.Events) {
				if m := dutyAmount.FindStringSubmatch(e.Reason); e.Code == tracking.EDC && m != nil {
					if n, err := strconv.ParseFloat(m[1], 64); err == nil {
						amount = p.l.T("public.hold.duty.amount", "Amount", p.l.Number(n, 2)+" "+m[2])
					}
					break
				}
			}
		}
	}
	if class == "" {
		return nil
	}
	return &holdView{What: p.l.T("public.hold." + class + ".what"), Amount: amount, Next: p.l.T("public.hold." + class + ".next")}
}

// dutyAmount reads the amount customs writes into a release with duty due
// (customs/workflow.go: "released by customs; duty due 12.40 EUR").
var dutyAmount = regexp.MustCompile(`duty due ([0-9]+(?:\.[0-9]+)?) ([A-Z]{3})`)

// holdClass maps a customs event's reason (the retention code customs
// records: document_check, xray, physical_inspection, seizure; or its
// standard phrases for duty and returns) to the class the buyer is told
// about: documents, inspection, duty, returned, seized or other. "" for
// events that are not customs holds or decisions.
func holdClass(code tracking.Code, reason string) string {
	r := strings.ToLower(reason)
	switch code {
	case tracking.EME, tracking.EXB:
		switch {
		case strings.Contains(r, "document"):
			return "documents"
		case strings.Contains(r, "xray"), strings.Contains(r, "x-ray"), strings.Contains(r, "physical"), strings.Contains(r, "inspect"):
			return "inspection"
		case strings.Contains(r, "seiz"):
			return "seized"
		}
		return "other"
	case tracking.EDC:
		if strings.Contains(r, "duty due") {
			return "duty"
		}
	case tracking.EXX, tracking.EDX:
		for _, w := range []string{"seiz", "confiscat", "destroy", "destruct"} {
			if strings.Contains(r, w) {
				return "seized"
			}
		}
		if strings.Contains(r, "customs") {
			return "returned"
		}
	}
	return ""
}

// noEstimate says why there is no delivery estimate, in the reader's
// language, from the same facts the domain's English reason comes from.
func (p publicText) noEstimate(tl tracking.Timeline) string {
	last := func() (tracking.TimelineEvent, bool) {
		if len(tl.Events) == 0 {
			return tracking.TimelineEvent{}, false
		}
		return slices.MaxFunc(tl.Events, func(a, b tracking.TimelineEvent) int { return a.Time.Compare(b.Time) }), true
	}
	switch {
	case !tl.HeldSince.IsZero():
		office := ""
		for _, e := range tl.Events {
			if e.Time.Equal(tl.HeldSince) {
				office = e.Office
			}
		}
		return p.l.T("track.noest.held", "Date", p.date(p.local(tl.HeldSince, office)))
	case tl.Status == tracking.StatusReturning:
		return p.l.T("track.noest.returning")
	case strings.HasPrefix(tl.NoEstimate, "no scan since"):
		if e, ok := last(); ok {
			return p.l.T("track.noest.silent", "Date", p.date(p.local(e.Time, e.Office)))
		}
	}
	return p.l.T("track.noest.none")
}

// local returns t in the office's time zone (as reported when the office
// or its zone is unknown).
func (p publicText) local(t time.Time, office string) time.Time {
	if o, ok := p.offices[office]; ok {
		if loc := loadZone(o.TZ); loc != nil {
			return t.In(loc)
		}
	}
	return t
}

func (p publicText) date(t time.Time) string {
	return p.l.T("track.date", "Day", t.Day(), "M", int(t.Month()), "Mon", p.l.T(fmt.Sprintf("track.month.%d", t.Month())))
}

func (p publicText) when(e tracking.TimelineEvent) string {
	t := p.local(e.Time, e.Office)
	return p.l.T("track.datetime", "Day", t.Day(), "M", int(t.Month()), "Mon", p.l.T(fmt.Sprintf("track.month.%d", t.Month())),
		"HM", t.Format("15:04"), "Zone", utcOffset(t))
}

// utcOffset names t's zone by its offset, e.g. UTC+8, UTC+5:30, UTC-3:
// abbreviations such as CST are ambiguous and unknown to most readers.
func utcOffset(t time.Time) string {
	_, off := t.Zone()
	if off == 0 {
		return "UTC"
	}
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	s := "UTC" + sign + strconv.Itoa(off/3600)
	if m := off % 3600 / 60; m != 0 {
		s += fmt.Sprintf(":%02d", m)
	}
	return s
}

// place is the event's office as "city, country" in the reader's
// language: the city from the catalogue's exonyms (public.city.LOCODE,
// by the office code's first five letters) when the language has one,
// else the Latin name from the network data.
func (p publicText) place(e tracking.TimelineEvent) string {
	name, country := e.OfficeName, e.OfficeCountry
	if o, ok := p.offices[e.Office]; ok {
		name, country = o.Name, o.Country
	}
	city := cityOf(name)
	if len(e.Office) >= 5 {
		if c, ok := p.l.Own("public.city." + e.Office[:5]); ok {
			city = c
		}
	}
	switch {
	case city == "" && country == "":
		return ""
	case country == "":
		return city
	case city == "":
		return p.l.Country(country)
	}
	return p.l.T("track.place", "City", city, "Country", p.l.Country(country))
}

// officeWords end the city part of an office's name ("Guangzhou
// International Mail Processing Centre", "Warszawa Office of Exchange").
var officeWords = []string{"International", "Office", "Border", "Rail", "E-commerce", "Air", "Overseas", "Port",
	"Cargo", "Hub", "Mail", "Service", "Processing", "Warehouse", "Terminal"}

// cityOf is the city part of an office's Latin name.
func cityOf(name string) string {
	f := strings.Fields(name)
	for i, w := range f {
		if i > 0 && slices.Contains(officeWords, w) {
			return strings.Join(f[:i], " ")
		}
	}
	return name
}

// zoneCache caches time.LoadLocation, which reads the zone file each call.
var zoneCache sync.Map // IANA name → *time.Location (nil when unknown)

func loadZone(name string) *time.Location {
	if v, ok := zoneCache.Load(name); ok {
		return v.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" {
		loc = nil
	}
	zoneCache.Store(name, loc)
	return loc
}
