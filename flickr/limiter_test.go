package flickr

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/photorec/photorec/internal/embedredis"
	"github.com/photorec/photorec/internal/testsvc"
)

// The limiter tests run clients in this process (each with its own go-redis connection pool)
// and one in a child process: the test binary re-executed with limiterChildEnv set.
const limiterChildEnv = "PHOTOREC_FLICKR_LIMITER_CHILD"

func newRedis(t *testing.T, addr string) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// startChild runs TestLimiterChild in a child process with env; its stdout is returned by wait.
func startChild(t *testing.T, env ...string) (wait func() string) {
	t.Helper()
	_, wait = startChildCmd(t, env...)
	return wait
}

func startChildCmd(t *testing.T, env ...string) (*exec.Cmd, func() string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLimiterChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), append(env, limiterChildEnv+"=1")...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start child: %v", err)
	}
	return cmd, func() string {
		t.Helper()
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child: %v\n%s", err, out.String())
		}
		return out.String()
	}
}

// childResult reads "result=<v>" from a child's output.
func childResult(t *testing.T, out string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "result="); ok {
			return v
		}
	}
	t.Fatalf("child printed no result:\n%s", out)
	return ""
}

// TestLimiterChild is the child-process side; it does nothing unless limiterChildEnv is set.
func TestLimiterChild(t *testing.T) {
	if os.Getenv(limiterChildEnv) == "" {
		t.Skip("child process helper; runs only when re-executed by the limiter tests")
	}
	rdb := redis.NewClient(&redis.Options{Addr: os.Getenv("REDIS_ADDR")})
	defer rdb.Close()
	perHour, _ := strconv.Atoi(os.Getenv("CALLS_PER_HOUR"))
	burst, _ := strconv.Atoi(os.Getenv("BURST"))
	lim := NewRedisLimiter(rdb, LimitOptions{CallsPerHour: perHour, Burst: burst, Key: os.Getenv("LIMIT_KEY"),
		MaxPoll: 50 * time.Millisecond})
	ctx := context.Background()
	switch os.Getenv("MODE") {
	case "budget":
		d, _ := time.ParseDuration(os.Getenv("DURATION"))
		c, err := New(Options{APIKey: "k", APIBase: os.Getenv("SERVER_URL"), Limiter: lim, MaxRetries: -1})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		fmt.Println("result=" + strconv.Itoa(callUntilDone(ctx, c)))
	case "order":
		if err := rdb.RPush(ctx, os.Getenv("LOG_KEY"), "started").Err(); err != nil {
			t.Fatal(err)
		}
		if err := lim.Wait(ctx, Background); err != nil {
			t.Fatal(err)
		}
		if err := rdb.RPush(ctx, os.Getenv("LOG_KEY"), "b:child").Err(); err != nil {
			t.Fatal(err)
		}
		fmt.Println("result=ok")
	case "hang":
		// Wait as an interactive caller until killed.
		_ = lim.Wait(ctx, Interactive)
		t.Fatal("interactive wait ended; want to be killed while waiting")
	default:
		t.Fatalf("unknown MODE %q", os.Getenv("MODE"))
	}
}

// callUntilDone makes getInfo calls until ctx ends and returns how many succeeded.
func callUntilDone(ctx context.Context, c *Client) int {
	n := 0
	for {
		if _, err := c.PersonInfo(ctx, "1@N01"); err != nil {
			return n
		}
		n++
	}
}

func TestRedisLimiterBudgetAcrossProcesses(t *testing.T) {
	rs := testsvc.Redis(t)
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		_, _ = w.Write(fixture(t, "people_getInfo.json"))
	}))
	defer srv.Close()
	const perHour, burst = 36000, 5 // 10 calls/s
	key := "test:budget"

	start := time.Now()
	wait := startChild(t, "MODE=budget", "REDIS_ADDR="+rs.Addr, "LIMIT_KEY="+key, "SERVER_URL="+srv.URL+"/",
		"CALLS_PER_HOUR="+strconv.Itoa(perHour), "BURST="+strconv.Itoa(burst), "DURATION=2s")
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var parentCalls atomic.Int64
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lim := NewRedisLimiter(newRedis(t, rs.Addr), LimitOptions{CallsPerHour: perHour, Burst: burst, Key: key,
				MaxPoll: 50 * time.Millisecond})
			c, err := New(Options{APIKey: "k", APIBase: srv.URL + "/", Limiter: lim, MaxRetries: -1})
			if err != nil {
				t.Error(err)
				return
			}
			parentCalls.Add(int64(callUntilDone(ctx, c)))
		}()
	}
	out := wait()
	cancel()
	wg.Wait()
	elapsed := time.Since(start)

	childCalls, err := strconv.Atoi(childResult(t, out))
	if err != nil {
		t.Fatal(err)
	}
	total := int(served.Load())
	budget := burst + int(math.Ceil(elapsed.Seconds()*perHour/3600))
	t.Logf("served %d calls (child %d, parent %d) in %v; budget %d", total, childCalls, parentCalls.Load(), elapsed, budget)
	if total > budget {
		t.Errorf("served %d calls in %v, budget is %d (burst %d + %d/h)", total, elapsed, budget, burst, perHour)
	}
	if got := childCalls + int(parentCalls.Load()); got != total {
		t.Errorf("clients counted %d successes, server served %d", got, total)
	}
	if childCalls == 0 || parentCalls.Load() == 0 {
		t.Errorf("child made %d calls, parent %d: both must share the budget", childCalls, parentCalls.Load())
	}
	if total < burst {
		t.Errorf("served %d calls, fewer than the burst %d: limiter too strict", total, burst)
	}
}

func TestRedisLimiterInteractiveFirst(t *testing.T) {
	rs := testsvc.Redis(t)
	ctl := newRedis(t, rs.Addr)
	ctx := context.Background()
	const perHour, burst = 7200, 2 // one token per 500ms; Reserve 0, so only the waiter queue gives priority
	const key, logKey = "test:order", "test:order:log"
	// Background waiters poll every 10ms (the child every 50ms), the interactive one only every
	// 200ms: without priority a background waiter would nearly always see the token first.
	opts := LimitOptions{CallsPerHour: perHour, Burst: burst, Key: key, MaxPoll: 10 * time.Millisecond}
	iopts := opts
	iopts.MaxPoll = 200 * time.Millisecond
	probe := NewRedisLimiter(ctl, opts)
	if probe.reserve != 0 {
		t.Fatalf("reserve = %d, want 0", probe.reserve)
	}
	// Put the bucket deep in debt so that nobody is served while the waiters line up.
	setTokens := func(n int) {
		t.Helper()
		now, err := ctl.Time(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		if err := ctl.HSet(ctx, probe.bucket, "tokens", n, "ts", now.UnixMicro()).Err(); err != nil {
			t.Fatal(err)
		}
	}
	setTokens(-1_000_000)

	wait := startChild(t, "MODE=order", "REDIS_ADDR="+rs.Addr, "LIMIT_KEY="+key, "LOG_KEY="+logKey,
		"CALLS_PER_HOUR="+strconv.Itoa(perHour), "BURST="+strconv.Itoa(burst))
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rdb := newRedis(t, rs.Addr)
			lim := NewRedisLimiter(rdb, opts)
			if err := rdb.RPush(ctx, logKey, "started").Err(); err != nil {
				t.Error(err)
				return
			}
			if err := lim.Wait(ctx, Background); err != nil {
				t.Error(err)
				return
			}
			_ = rdb.RPush(ctx, logKey, fmt.Sprintf("b:%d", i)).Err()
		}()
	}
	waitFor(t, "5 background waiters", func() bool { n, _ := ctl.LLen(ctx, logKey).Result(); return n == 5 })

	done := make(chan error, 1)
	go func() {
		rdb := newRedis(t, rs.Addr)
		err := NewRedisLimiter(rdb, iopts).Wait(ctx, Interactive)
		if err == nil {
			err = rdb.RPush(ctx, logKey, "i").Err()
		}
		done <- err
	}()
	waitFor(t, "the interactive waiter", func() bool { n, _ := ctl.ZCard(ctx, probe.waiters).Result(); return n == 1 })
	// One token now, then one per 500ms. Background waiters poll 20 times as often, so without
	// priority one of them would take it; the interactive waiter must get it.
	setTokens(1)

	if err := <-done; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if got := childResult(t, wait()); got != "ok" {
		t.Fatalf("child result %q", got)
	}
	log, err := ctl.LRange(ctx, logKey, 5, -1).Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 6 || log[0] != "i" || !strings.Contains(strings.Join(log, ","), "b:child") {
		t.Errorf("grant order = %v, want the interactive waiter first, then 5 background waiters (one the child)", log)
	}
	if n, _ := ctl.ZCard(ctx, probe.waiters).Result(); n != 0 {
		t.Errorf("%d interactive waiters left registered", n)
	}
}

// waitFor polls cond until it holds; the test's own deadline bounds it.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		if dl, ok := t.Deadline(); ok && time.Until(dl) < 5*time.Second {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRedisLimiterReserveAndCancel(t *testing.T) {
	rs := testsvc.Redis(t)
	rdb := newRedis(t, rs.Addr)
	// 1 call per hour: no refill during the test.
	lim := NewRedisLimiter(rdb, LimitOptions{CallsPerHour: 1, Burst: 8, Key: "test:reserve", MaxPoll: 10 * time.Millisecond})
	if lim.reserve != 2 {
		t.Fatalf("reserve = %d, want Burst/4 = 2", lim.reserve)
	}
	ctx := context.Background()
	take := func(lane Lane) bool {
		ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		err := lim.Wait(ctx, lane)
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Wait: %v", err)
		}
		return err == nil
	}
	var got []string
	for range 8 {
		got = append(got, fmt.Sprint(take(Background)))
	}
	for range 3 {
		got = append(got, fmt.Sprint(take(Interactive)))
	}
	want := "true true true true true true false false true true false"
	if strings.Join(got, " ") != want {
		t.Errorf("grants = %s, want %s (background stops at the reserve of 2, interactive takes it)", strings.Join(got, " "), want)
	}
	if n, _ := rdb.ZCard(ctx, lim.waiters).Result(); n != 0 {
		t.Errorf("canceled interactive waiter still registered (%d)", n)
	}
}

func TestRedisLimiterForgetsCrashedInteractiveWaiter(t *testing.T) {
	rs := testsvc.Redis(t)
	rdb := newRedis(t, rs.Addr)
	ctx := context.Background()
	const key = "test:crash"
	lim := NewRedisLimiter(rdb, LimitOptions{CallsPerHour: 1, Burst: 4, Key: key, MaxPoll: 50 * time.Millisecond})
	if err := rdb.HSet(ctx, lim.bucket, "tokens", -1000, "ts", time.Now().UnixMicro()).Err(); err != nil {
		t.Fatal(err)
	}
	cmd, _ := startChildCmd(t, "MODE=hang", "REDIS_ADDR="+rs.Addr, "LIMIT_KEY="+key, "CALLS_PER_HOUR=1", "BURST=4")
	waitFor(t, "the child's interactive registration", func() bool { n, _ := rdb.ZCard(ctx, lim.waiters).Result(); return n == 1 })
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // killed: the exit error is expected
	if err := rdb.HSet(ctx, lim.bucket, "tokens", 4).Err(); err != nil {
		t.Fatal(err)
	}
	// The dead waiter still blocks background for up to MaxPoll+2s, then is forgotten.
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := lim.Wait(wctx, Background); err != nil {
		t.Fatalf("background after a crashed interactive waiter: %v (its registration never expired)", err)
	}
	if n, _ := rdb.ZCard(ctx, lim.waiters).Result(); n != 0 {
		t.Errorf("%d waiters registered, want the dead one forgotten", n)
	}
}

// TestRedisLimiterOnEveryRedis runs the token bucket on a real redis-server and on the demo's
// in-process Redis (miniredis runs the script with gopher-lua, whose number parsing is
// stricter), at rates whose per-microsecond refill prints in exponent form with %g.
func TestRedisLimiterOnEveryRedis(t *testing.T) {
	emb, err := embedredis.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Close)
	servers := map[string]string{"redis-server": testsvc.Redis(t).Addr, "embedded": emb.Addr}
	for name, addr := range servers {
		for _, perHour := range []int{3600, 360, 36000} {
			t.Run(fmt.Sprintf("%s/%d per hour", name, perHour), func(t *testing.T) {
				l := NewRedisLimiter(newRedis(t, addr), LimitOptions{CallsPerHour: perHour, Burst: 3, Key: t.Name()})
				for i := range 3 {
					if err := l.Wait(context.Background(), Interactive); err != nil {
						t.Fatalf("call %d within the burst: %v", i, err)
					}
				}
				ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
				defer cancel()
				if err := l.Wait(ctx, Interactive); !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("call past the burst: err = %v, want a wait cut short by the deadline", err)
				}
			})
		}
	}
}

// TestRedisLimiterAnonymousShare: the Anonymous lane takes at most its own bucket
// (AnonymousBurst here, no refill during the test) however much the main bucket holds, takes
// the background reserve, and waits while an interactive caller waits.
func TestRedisLimiterAnonymousShare(t *testing.T) {
	rs := testsvc.Redis(t)
	rdb := newRedis(t, rs.Addr)
	lim := NewRedisLimiter(rdb, LimitOptions{CallsPerHour: 1, Burst: 8, AnonymousPerHour: 1, AnonymousBurst: 3, Key: "test:anon", MaxPoll: 10 * time.Millisecond})
	ctx := context.Background()
	take := func(lane Lane) string {
		ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		err := lim.Wait(ctx, lane)
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Wait: %v", err)
		}
		return fmt.Sprint(err == nil)
	}
	var got []string
	for range 4 {
		got = append(got, take(Anonymous)) // 3 of the anonymous bucket, then none
	}
	for range 4 {
		got = append(got, take(Background)) // 5 left: background stops at the reserve of 2
	}
	for range 3 {
		got = append(got, take(Interactive)) // members take the reserve
	}
	want := "true true true false true true true false true true false"
	if strings.Join(got, " ") != want {
		t.Errorf("grants = %s, want %s", strings.Join(got, " "), want)
	}

	// A fresh key: anonymous tokens exist, but a registered interactive waiter goes first.
	lim = NewRedisLimiter(rdb, LimitOptions{CallsPerHour: 1, Burst: 8, AnonymousPerHour: 1, AnonymousBurst: 3, Key: "test:anon2", MaxPoll: 10 * time.Millisecond})
	if err := rdb.ZAdd(ctx, lim.waiters, redis.Z{Score: float64(time.Now().Add(time.Hour).UnixMicro()), Member: "member"}).Err(); err != nil {
		t.Fatal(err)
	}
	if got := take(Anonymous); got != "false" {
		t.Errorf("anonymous call went ahead of a waiting member")
	}
}

func TestMaxWaitFailsWithErrBusy(t *testing.T) {
	rs := testsvc.Redis(t)
	rdb := newRedis(t, rs.Addr)
	lim := NewRedisLimiter(rdb, LimitOptions{CallsPerHour: 1, Burst: 1, Key: "test:busy", MaxPoll: 10 * time.Millisecond})
	c, err := New(Options{APIKey: "k", APIBase: "http://127.0.0.1:1/", Limiter: lim, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := lim.Wait(ctx, Interactive); err != nil { // the only token
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.PersonInfo(WithMaxWait(WithLane(ctx, Interactive), 100*time.Millisecond), "1@N01")
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("PersonInfo with the budget spent: %v, want ErrBusy", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("ErrBusy after %v, want about the 100 ms bound", d)
	}
	if n, _ := rdb.ZCard(ctx, lim.waiters).Result(); n != 0 {
		t.Errorf("the caller that gave up is still registered as waiting (%d)", n)
	}
}
