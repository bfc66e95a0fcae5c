package server

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/interpost/interpost/tracking"
)

// trackingCounters are the tracking ingest metrics of one server, kept
// beside the shared metrics struct (by *metrics) so that struct stays as is.
type trackingCounters struct {
	events *prometheus.CounterVec
}

var trackingMetrics sync.Map // *metrics → *trackingCounters

func (m *metrics) registerTracking(reg *prometheus.Registry) {
	tc := &trackingCounters{events: promauto.With(reg).NewCounterVec(prometheus.CounterOpts{
		Name: "interpost_tracking_events_total",
		Help: "Tracking events received through the API, by outcome: new, duplicate, rejected, unlinked (a subset of new and duplicate), queued (sent to the bus).",
	}, []string{"outcome"})}
	trackingMetrics.Store(m, tc)
}

func (m *metrics) trackingEvents(r tracking.Result) {
	v, ok := trackingMetrics.Load(m)
	if !ok {
		return
	}
	c := v.(*trackingCounters).events
	if r.New == tracking.Unknown {
		c.WithLabelValues("queued").Add(float64(r.Accepted))
	} else {
		c.WithLabelValues("new").Add(float64(r.New))
		c.WithLabelValues("duplicate").Add(float64(r.Duplicates))
	}
	c.WithLabelValues("rejected").Add(float64(r.RejectedCount))
	c.WithLabelValues("unlinked").Add(float64(r.UnlinkedCount))
}

// Tracking's type names (Result, Item, Event …) clash with other packages'
// in the OpenAPI document: prefix them, as customs does.
func init() { schemaPrefixes["github.com/interpost/interpost/tracking"] = "Tracking" }
