package warehouse

import (
	"math"
)

// Advice is the replenishment advice for one SKU at one warehouse.
type Advice struct {
	Warehouse   string   `json:"warehouse"`
	Merchant    string   `json:"merchant"`
	SKU         string   `json:"sku"`
	OnHand      int      `json:"on_hand"`
	Available   int      `json:"available"`
	InTransit   int      `json:"in_transit" doc:"Units on inbound shipments booked but not yet received"`
	Sold        int      `json:"sold" doc:"Units ordered (less cancellations) in the window"`
	DailyDemand float64  `json:"daily_demand"`
	DaysOfCover *float64 `json:"days_of_cover" doc:"(available + in transit) / daily demand; null when nothing sold"`
	Corridor    Corridor `json:"corridor" doc:"Corridor a replenishment would take from the merchant's office"`
	TargetDays  float64  `json:"target_days" doc:"transit + review period + safety days: the cover an inbound should restore"`
	Reorder     bool     `json:"reorder" doc:"Cover is shorter than transit + safety days: book an inbound now"`
	Suggested   int      `json:"suggested_quantity" doc:"Units to book so cover reaches target_days (0 when no reorder)"`
}

// Policy tunes replenishment advice.
type Policy struct {
	Weeks      int     // demand window (default 8)
	ReviewDays float64 // how often stock is reviewed (default 7)
	SafetyDays float64 // buffer against late inbounds and demand peaks (default 7)
}

func (p Policy) withDefaults() Policy {
	if p.Weeks == 0 {
		p.Weeks = 8
	}
	if p.ReviewDays == 0 {
		p.ReviewDays = 7
	}
	if p.SafetyDays == 0 {
		p.SafetyDays = 7
	}
	return p
}

// Advise computes advice from a stock row, the units sold in the policy's
// window and the units in transit. Demand is the window's daily average;
// reorder when (available + in transit) covers fewer days than the
// corridor's transit time plus the safety days; the suggested quantity tops
// cover up to transit + review + safety days.
func Advise(st Stock, sold, inTransit int, c Corridor, p Policy) Advice {
	p = p.withDefaults()
	a := Advice{
		Warehouse: st.Warehouse, Merchant: st.Merchant, SKU: st.SKU,
		OnHand: st.OnHand, Available: st.Available, InTransit: inTransit, Sold: sold,
		Corridor: c, TargetDays: c.TransitDays + p.ReviewDays + p.SafetyDays,
	}
	if sold <= 0 {
		return a
	}
	daily := float64(sold) / float64(p.Weeks*7)
	a.DailyDemand = math.Round(daily*100) / 100
	have := float64(st.Available + inTransit)
	cover := math.Round(have/daily*10) / 10
	a.DaysOfCover = &cover
	if have/daily < c.TransitDays+p.SafetyDays {
		a.Reorder = true
		a.Suggested = max(0, int(math.Ceil(daily*a.TargetDays-have)))
	}
	return a
}
