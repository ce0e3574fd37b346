package eval

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progress draws a one-line bar on a terminal-like writer, redrawn at most every 200ms.
type progress struct {
	mu          sync.Mutex
	w           io.Writer
	label, unit string
	total, done int
	start, last time.Time
}

func newProgress(w io.Writer, label string, total int, unit string) *progress {
	now := time.Now()
	return &progress{w: w, label: label, unit: unit, total: total, start: now, last: now}
}

func (p *progress) add(n int) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	if now := time.Now(); now.Sub(p.last) >= 200*time.Millisecond {
		p.last = now
		p.draw()
	}
}

func (p *progress) draw() {
	const width = 30
	filled := width
	if p.total > 0 {
		filled = width * p.done / p.total
	}
	fmt.Fprintf(p.w, "\r%-12s [%s%s] %d/%d %s %.0fs", p.label, strings.Repeat("#", filled),
		strings.Repeat(".", width-filled), p.done, p.total, p.unit, time.Since(p.start).Seconds())
}

// finish draws the final state and ends the line.
func (p *progress) finish() {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.draw()
	fmt.Fprintln(p.w)
}
