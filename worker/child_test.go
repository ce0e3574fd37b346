package worker

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/photorec/photorec/flickr"
)

// Environment of a worker child process (TestMain runs it instead of the tests).
const (
	envChild      = "PHOTOREC_WORKER_CHILD" // "1": be a pull worker
	envRedis      = "PHOTOREC_WORKER_REDIS"
	envSim        = "PHOTOREC_WORKER_SIM"
	envRate       = "PHOTOREC_WORKER_RATE"  // calls per hour of the shared limiter; "" unlimited
	envBurst      = "PHOTOREC_WORKER_BURST" // limiter burst
	envConcurrent = "PHOTOREC_WORKER_CONCURRENCY"
)

func TestMain(m *testing.M) {
	if os.Getenv(envChild) == "1" {
		if err := runChild(); err != nil {
			fmt.Fprintln(os.Stderr, "worker child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runChild is a `photorec work`-like pull process: it serves the pull queues until SIGTERM.
func runChild() error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv(envRedis)})
	defer rdb.Close()
	lim := flickr.Unlimited
	if rate, _ := strconv.Atoi(os.Getenv(envRate)); rate > 0 {
		burst, _ := strconv.Atoi(os.Getenv(envBurst))
		lim = flickr.NewRedisLimiter(rdb, flickr.LimitOptions{CallsPerHour: rate, Burst: burst})
	}
	conc, _ := strconv.Atoi(os.Getenv(envConcurrent))
	fc := newFlickrClient(nopTB{}, os.Getenv(envSim), lim, nil)
	w, err := New(Options{Redis: rdb, Roles: RolePull, Flickr: fc, Concurrency: conc, Logger: testLogger(),
		RetryDelay: fastRetry})
	if err != nil {
		return err
	}
	return w.Run(ctx)
}

// startChild starts a pull worker process; it is killed at the end of the test.
func startChild(t *testing.T, redisAddr, simURL string, extra ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envChild+"=1", envRedis+"="+redisAddr, envSim+"="+simURL)
	cmd.Env = append(cmd.Env, extra...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start worker child: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	return cmd
}

// nopTB lets the child build a flickr client with the test helper; it never fails.
type nopTB struct{ testing.TB }

func (nopTB) Helper()                        {}
func (nopTB) Fatalf(format string, a ...any) { panic(fmt.Sprintf(format, a...)) }
