package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/interpost/interpost/customs"
)

// registerCustomsOutbox exports the customs → tracking outbox: events
// waiting to be delivered, and those of them that failed an attempt (an
// event tracking refuses stays there, with its reason on the customs item,
// until someone fixes it). It is read from the store at each scrape.
func registerCustomsOutbox(reg *prometheus.Registry, svc *customs.Service, log *slog.Logger) {
	reg.MustRegister(&outboxCollector{svc: svc, log: log, desc: prometheus.NewDesc("interpost_customs_outbox_events",
		"Customs decision events not yet delivered to tracking, by state: waiting (all of them), failed (of which at least one delivery attempt failed).",
		[]string{"state"}, nil)})
}

type outboxCollector struct {
	svc  *customs.Service
	log  *slog.Logger
	desc *prometheus.Desc
}

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := c.svc.Outbox(ctx)
	if err != nil {
		c.log.Error("count the customs outbox for metrics", "err", err)
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(st.Waiting), "waiting")
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(st.Failed), "failed")
}
