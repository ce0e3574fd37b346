package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/photorec/photorec/runs"
)

// Event names of GET /api/v1/users/{nsid}/events.
const (
	eventProgress        = "progress"        // data: progress JSON, whenever it changes
	eventRecommendations = "recommendations" // data: {"changed":n}: new data landed, reload the lists
	eventDone            = "done"            // data: the final progress (reload the lists); the stream then ends
	eventError           = "error"           // data: {"code","message"}; the stream then ends
)

// events streams a user's refresh progress as Server-Sent Events. It polls the pipeline
// server side and pushes on change, sends a comment as heartbeat, and ends when the run
// finishes, the client goes away, the server shuts down or MaxStream passes.
func (s *Server) events(c *fiber.Ctx) error {
	nsid := c.Params("nsid")
	if _, err := s.opts.Graph.User(c.UserContext(), nsid); err != nil {
		return fmt.Errorf("server: user %s: %w", nsid, err)
	}
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderConnection, "keep-alive")
	c.Set("X-Accel-Buffering", "no")
	ctx, cancel := context.WithTimeout(s.streamCtx, s.opts.MaxStream)
	s.metrics.streams.Inc()
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer s.metrics.streams.Dec()
		defer cancel()
		s.stream(ctx, w, nsid)
	})
	return nil
}

// progressKey is what a progress event reports; times are left out so that equal states
// compare equal.
type progressKey struct {
	RunID, State       string
	Made, Done, Failed int
	Changed            int64
}

func keyOf(p runs.Progress) progressKey {
	return progressKey{RunID: p.RunID, State: p.State, Made: p.Made, Done: p.Done, Failed: p.Failed, Changed: p.Changed}
}

func (s *Server) stream(ctx context.Context, w *bufio.Writer, nsid string) {
	// Tell the browser how long to wait before reconnecting, and flush the headers now.
	if _, err := fmt.Fprintf(w, "retry: 3000\n\n"); err != nil || w.Flush() != nil {
		return
	}
	tick := time.NewTicker(s.opts.PollInterval)
	defer tick.Stop()
	var last progressKey
	first := true
	lastWrite := time.Now()
	for {
		p, err := s.opts.Pipeline.Progress(ctx, nsid)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("event stream progress failed", "user_nsid", nsid, "err", err.Error())
				_ = writeEvent(w, eventError, errorDetail{Code: codeUnavailable, Message: "progress is unavailable; reload the page"})
			}
			return
		}
		k := keyOf(p)
		if first || k != last {
			if !first && k.Changed != last.Changed {
				if writeEvent(w, eventRecommendations, map[string]int64{"changed": k.Changed}) != nil {
					return
				}
			}
			if writeEvent(w, eventProgress, progressView(p)) != nil {
				return
			}
			lastWrite = time.Now()
		}
		if p.State == runs.StateComplete || p.State == runs.StateCompleteWithErrors {
			_ = writeEvent(w, eventDone, progressView(p))
			return
		}
		first, last = false, k
		if time.Since(lastWrite) >= s.opts.Heartbeat {
			if _, err := fmt.Fprintf(w, ": heartbeat\n\n"); err != nil || w.Flush() != nil {
				return
			}
			lastWrite = time.Now()
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// writeEvent writes one event and flushes it; an error means the client went away.
func writeEvent(w *bufio.Writer, name string, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, b); err != nil {
		return err
	}
	return w.Flush()
}
