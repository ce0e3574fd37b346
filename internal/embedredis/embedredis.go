package embedredis

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// Tick is how often the server advances miniredis' clock; key expiry (TTLs, Asynq leases and
// uniqueness locks) does not advance by itself in miniredis.
const Tick = time.Second

// Server is a running in-process Redis. Its zero value is not usable; call Start.
type Server struct {
	// Addr is the host:port the server listens on (loopback).
	Addr string

	mr   *miniredis.Miniredis
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// Start runs an in-process Redis on a free loopback port. It advances key expiry once per Tick
// until ctx is done or Close is called. The caller must call Close.
func Start(ctx context.Context) (*Server, error) {
	return StartAddr(ctx, "127.0.0.1:0")
}

// StartAddr is Start on a given listen address ("host:port"; port 0 picks a free one).
func StartAddr(ctx context.Context, addr string) (*Server, error) {
	mr := miniredis.NewMiniRedis()
	if err := mr.StartAddr(addr); err != nil {
		return nil, fmt.Errorf("embedredis: listen on %s: %w", addr, err)
	}
	s := &Server{Addr: mr.Addr(), mr: mr, stop: make(chan struct{}), done: make(chan struct{})}
	go s.tick(ctx)
	return s, nil
}

func (s *Server) tick(ctx context.Context) {
	defer close(s.done)
	t := time.NewTicker(Tick)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.stop:
			return
		case now := <-t.C:
			s.mr.FastForward(now.Sub(last))
			last = now
		}
	}
}

// Close stops the ticker and the server and drops every key. Calling it twice is harmless.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.stop)
		<-s.done
		s.mr.Close()
	})
}
