package server

import (
	"context"
	"errors"
	"sync"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"
)

// errClientGone is the cause of a request context cancelled because its client closed the
// connection.
var errClientGone = errors.New("server: client closed the connection")

// clientGonePoll is how often a watched request checks its connection.
const clientGonePoll = 200 * time.Millisecond

// watchClient returns a context of c's that is cancelled, with cause errClientGone, when the
// client closes its connection while the handler runs, and a stop func the handler must call
// before it returns. fasthttp does not tell (RequestCtx.Done closes only at server shutdown and
// nothing reads the connection while a handler runs: valyala/fasthttp#468, #965), so a
// goroutine peeks at the socket every clientGonePoll without consuming a byte: an orderly close
// (EOF) or a reset means gone; bytes waiting (a pipelined request) mean nothing. Connections that
// are not sockets (TLS, App().Test) are never reported gone.
func watchClient(c *fiber.Ctx) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(c.UserContext())
	sc, ok := c.Context().Conn().(syscall.Conn)
	if !ok {
		return ctx, func() { cancel(nil) }
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return ctx, func() { cancel(nil) }
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(clientGonePoll)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if peerClosed(rc) {
				cancel(errClientGone)
				return
			}
		}
	}()
	return ctx, func() {
		close(stop)
		wg.Wait()
		cancel(nil)
	}
}

// clientGone reports whether err, or ctx, ended because the client went away.
func clientGone(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), errClientGone)
}
