package worker

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/photorec/photorec/flickr"
)

// Metrics are the pipeline's Prometheus metrics. It implements flickr.Observer: pass the same
// value to flickr.Options.Metrics and to Options.Metrics. Safe for concurrent use.
type Metrics struct {
	flickrCalls    *prometheus.CounterVec
	flickrLatency  *prometheus.HistogramVec
	limiterWait    *prometheus.HistogramVec
	taskDuration   *prometheus.HistogramVec
	queueDepth     *prometheus.GaugeVec
	favesIngested  prometheus.Counter
	refreshSeconds *prometheus.HistogramVec
}

var _ flickr.Observer = (*Metrics)(nil)

// NewMetrics creates the metrics and registers them on reg. A nil reg gives unregistered metrics
// (still safe to use). It fails when reg already holds metrics of the same names.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		flickrCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "photorec_flickr_calls_total",
			Help: "Flickr HTTP attempts by method and outcome.",
		}, []string{"method", "outcome"}),
		flickrLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "photorec_flickr_call_duration_seconds",
			Help:    "Duration of one Flickr HTTP attempt, by method.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 10),
		}, []string{"method"}),
		limiterWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "photorec_flickr_ratelimit_wait_seconds",
			Help:    "Time one Flickr attempt waited in the shared rate limiter, by lane.",
			Buckets: []float64{0, 0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 300},
		}, []string{"lane"}),
		taskDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "photorec_task_duration_seconds",
			Help:    "Duration of one task attempt by type and outcome (ok, retry, failed).",
			Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 12),
		}, []string{"type", "outcome"}),
		queueDepth: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "photorec_queue_tasks",
			Help: "Tasks per Asynq queue and state, sampled by the scheduler role.",
		}, []string{"queue", "state"}),
		favesIngested: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "photorec_faves_ingested_total",
			Help: "Favorites written to the graph by ingest tasks (repeats included).",
		}),
		refreshSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "photorec_refresh_duration_seconds",
			Help:    "Time from the start of a refresh run to its end, by outcome.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 14),
		}, []string{"outcome"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.flickrCalls, m.flickrLatency, m.limiterWait, m.taskDuration, m.queueDepth, m.favesIngested, m.refreshSeconds} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("worker: register metrics: %w", err)
		}
	}
	return m, nil
}

// Call implements flickr.Observer: one Flickr HTTP attempt.
func (m *Metrics) Call(method, outcome string, d time.Duration) {
	m.flickrCalls.WithLabelValues(method, outcome).Inc()
	m.flickrLatency.WithLabelValues(method).Observe(d.Seconds())
}

// Wait implements flickr.Observer: time one attempt spent in the rate limiter.
func (m *Metrics) Wait(lane flickr.Lane, d time.Duration) {
	m.limiterWait.WithLabelValues(lane.String()).Observe(d.Seconds())
}

func (m *Metrics) task(typ, outcome string, d time.Duration) {
	m.taskDuration.WithLabelValues(typ, outcome).Observe(d.Seconds())
}

func (m *Metrics) refreshDone(state string, d time.Duration) {
	m.refreshSeconds.WithLabelValues(state).Observe(d.Seconds())
}
