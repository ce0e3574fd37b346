package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// readyTimeout bounds all readiness checks together.
const readyTimeout = 3 * time.Second

// healthz is GET /healthz: the process is up and serving.
func (s *Server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(map[string]string{"status": "ok"})
}

type readyJSON struct {
	Status string            `json:"status"` // "ok" or "unavailable"
	Checks map[string]string `json:"checks"` // name -> "ok" or "failing"
}

// readyz is GET /readyz: 200 when every injected check passes, else 503 naming the failing
// checks (their errors go to the log only).
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), readyTimeout)
	defer cancel()
	out := readyJSON{Status: "ok", Checks: make(map[string]string, len(s.opts.Ready))}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, ch := range s.opts.Ready {
		wg.Go(func() {
			err := ch.Func(ctx)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				out.Status = "unavailable"
				out.Checks[ch.Name] = "failing"
				s.log.Warn("readiness check failed", "check", ch.Name, "err", err.Error())
				return
			}
			out.Checks[ch.Name] = "ok"
		})
	}
	wg.Wait()
	c.Set(fiber.HeaderCacheControl, "no-store")
	status := http.StatusOK
	if out.Status != "ok" {
		status = http.StatusServiceUnavailable
	}
	return c.Status(status).JSON(out)
}

// httpMetrics count and time requests by route pattern (never by raw path).
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	streams  prometheus.Gauge
}

func newHTTPMetrics(reg prometheus.Registerer) (*httpMetrics, error) {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "photorec_http_requests_total",
			Help: "HTTP requests served, by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "photorec_http_request_duration_seconds",
			Help:    "Time to produce a response (for event streams: until the handler returns).",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
		streams: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "photorec_event_streams",
			Help: "Server-Sent Event streams open now.",
		}),
	}
	for _, col := range []prometheus.Collector{m.requests, m.duration, m.streams} {
		if err := reg.Register(col); err != nil {
			return nil, fmt.Errorf("server: register metrics: %w", err)
		}
	}
	return m, nil
}

func (s *Server) measure(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		// The error handler has not run yet: count the status it will send.
		status = classify(err).Status
	}
	route := c.Route().Path
	if status == http.StatusNotFound && route == "/" && c.Path() != "/" {
		route = "unmatched"
	}
	s.metrics.requests.WithLabelValues(c.Method(), route, strconv.Itoa(status)).Inc()
	s.metrics.duration.WithLabelValues(c.Method(), route).Observe(time.Since(start).Seconds())
	return err
}
