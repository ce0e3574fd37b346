package flickr

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Limiter decides when a call may go out. Wait blocks until the call may be made, or returns
// an error (ctx's error when ctx ends first). Every process using one API key must share one
// limit, so production uses NewRedisLimiter.
type Limiter interface {
	Wait(ctx context.Context, lane Lane) error
}

type unlimited struct{}

func (unlimited) Wait(ctx context.Context, _ Lane) error { return ctx.Err() }

// Unlimited never waits. For tests and benchmarks against the simulator only.
var Unlimited Limiter = unlimited{}

// LimitOptions configures NewRedisLimiter. Zero values take the documented defaults.
type LimitOptions struct {
	// CallsPerHour is the sustained rate for the whole API key; 0 means 3600 (Flickr's limit).
	CallsPerHour int
	// Burst is the bucket size: calls that may go out back to back after a quiet spell; 0 means 10.
	Burst int
	// Key prefixes the Redis keys; 0 value means "photorec:flickr:limit". It is wrapped in a
	// hash tag so both keys live in one Redis Cluster slot.
	Key string
	// Reserve is how many tokens the background lane must leave in the bucket for the
	// interactive lane; 0 means Burst/4. Values >= Burst are lowered to Burst-1.
	Reserve int
	// AnonymousPerHour is the share of CallsPerHour the Anonymous lane may use, with a bucket
	// of its own; 0 means CallsPerHour/5. Anonymous calls take a token from both buckets.
	AnonymousPerHour int
	// AnonymousBurst is the size of the Anonymous lane's own bucket; 0 means Burst/4 (at least 1).
	AnonymousBurst int
	// MaxPoll caps one sleep between attempts (waiters re-check at least this often);
	// 0 means 1s.
	MaxPoll time.Duration
}

// RedisLimiter is a token bucket in Redis shared by every process that uses the same Redis and
// Key. Guarantees, all times taken from the Redis server's clock (process clocks don't matter):
//
//   - Budget: over any interval of length T, at most Burst + T*CallsPerHour/3600 calls are let
//     through, summed over all processes and both lanes.
//   - Reserve: the background lane never takes the last Reserve tokens, so a person arriving
//     while refreshes run finds tokens ready unless other people used them.
//   - Priority: while any interactive caller is waiting, no background or anonymous caller is
//     let through; the next token goes to an interactive waiter. Background can starve under
//     sustained interactive demand; interactive waiters among themselves are not ordered.
//   - Anonymous share: the Anonymous lane also takes a token from a bucket of its own
//     (AnonymousPerHour, AnonymousBurst), so over any interval T anonymous calls are at most
//     AnonymousBurst + T*AnonymousPerHour/3600, however many visitors ask. It does not keep the
//     background reserve, so it goes before background work.
//
// A waiter that dies while registered is forgotten after its registration expires (its next
// poll, at most MaxPoll away, plus 2s), so a crashed process holds background back for at most
// MaxPoll+2s. When Redis fails, Wait fails (calls are not let through unmetered).
type RedisLimiter struct {
	rdb       redis.UniversalClient
	perUs     float64
	burst     int
	reserve   int
	bucket    string
	waiters   string
	anon      string
	anonPerUs float64
	anonBurst int
	maxPoll   time.Duration
	graceUs   int64
	keyTTLms  int64
}

// NewRedisLimiter returns a limiter sharing its state through rdb.
func NewRedisLimiter(rdb redis.UniversalClient, o LimitOptions) *RedisLimiter {
	if o.CallsPerHour <= 0 {
		o.CallsPerHour = 3600
	}
	if o.Burst <= 0 {
		o.Burst = 10
	}
	if o.Reserve <= 0 {
		o.Reserve = o.Burst / 4
	}
	if o.Reserve >= o.Burst {
		o.Reserve = o.Burst - 1
	}
	if o.Key == "" {
		o.Key = "photorec:flickr:limit"
	}
	if o.MaxPoll <= 0 {
		o.MaxPoll = time.Second
	}
	if o.AnonymousPerHour <= 0 {
		o.AnonymousPerHour = max(1, o.CallsPerHour/5)
	}
	if o.AnonymousBurst <= 0 {
		o.AnonymousBurst = max(1, o.Burst/4)
	}
	tag := o.Key
	if !strings.Contains(tag, "{") {
		tag = "{" + tag + "}"
	}
	perUs := float64(o.CallsPerHour) / 3600e6
	anonPerUs := float64(o.AnonymousPerHour) / 3600e6
	// A key lives as long as its bucket takes to refill from empty, plus a minute: a key that
	// expired would have been full anyway.
	refillMs := int64(max(float64(o.Burst)/perUs, float64(o.AnonymousBurst)/anonPerUs)/1000) + 60_000
	return &RedisLimiter{
		rdb:       rdb,
		perUs:     perUs,
		burst:     o.Burst,
		reserve:   o.Reserve,
		bucket:    tag + ":bucket",
		waiters:   tag + ":interactive_waiters",
		anon:      tag + ":anonymous_bucket",
		anonPerUs: anonPerUs,
		anonBurst: o.AnonymousBurst,
		maxPoll:   o.MaxPoll,
		graceUs:   2_000_000,
		keyTTLms:  refillMs,
	}
}

// takeScript takes one token for a lane or says how long to wait (microseconds; 0 = taken).
// A waiting interactive caller is registered until its next poll (at most max poll away) plus
// the grace; background and anonymous callers are not let through while one is registered.
//
// KEYS[1]: the bucket hash (tokens, ts), the whole API key's budget
// KEYS[2]: the interactive waiters zset (member: waiter id, score: registered until, µs)
// KEYS[3]: the anonymous lane's bucket hash (tokens, ts)
// ARGV[1]: tokens per µs        ARGV[2]: burst           ARGV[3]: background reserve
// ARGV[4]: lane: "i" interactive, "a" anonymous, "b" background
// ARGV[5]: waiter id            ARGV[6]: waiter grace µs ARGV[7]: key ttl ms
// ARGV[8]: max poll µs          ARGV[9]: anonymous tokens per µs
// ARGV[10]: anonymous burst
var takeScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local reserve = tonumber(ARGV[3])
local lane = ARGV[4]
local id = ARGV[5]
local grace = tonumber(ARGV[6])
local ttl = tonumber(ARGV[7])
local maxpoll = tonumber(ARGV[8])
local arate = tonumber(ARGV[9])
local aburst = tonumber(ARGV[10])
local function load(key, size, r)
  local b = redis.call('HMGET', key, 'tokens', 'ts')
  local tokens = tonumber(b[1])
  local ts = tonumber(b[2])
  if tokens == nil or ts == nil then
    tokens = size
    ts = now
  end
  if now > ts then
    tokens = math.min(size, tokens + (now - ts) * r)
    ts = now
  end
  return tokens, ts
end
local function save(key, tokens, ts)
  redis.call('HSET', key, 'tokens', string.format('%.6f', tokens), 'ts', string.format('%d', ts))
  redis.call('PEXPIRE', key, ttl)
end
local tokens, ts = load(KEYS[1], burst, rate)
local atokens, ats = 0, 0
if lane == 'a' then
  atokens, ats = load(KEYS[3], aburst, arate)
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local need = 1
local blocked = false
if lane == 'b' then
  need = 1 + reserve
end
if lane ~= 'i' then
  blocked = redis.call('ZCARD', KEYS[2]) > 0
end
local wait = 0
if (not blocked) and tokens >= need and (lane ~= 'a' or atokens >= 1) then
  tokens = tokens - 1
  if lane == 'i' then
    redis.call('ZREM', KEYS[2], id)
  end
  if lane == 'a' then
    atokens = atokens - 1
  end
else
  if tokens < need then
    wait = math.ceil((need - tokens) / rate)
  end
  if lane == 'a' and atokens < 1 then
    wait = math.max(wait, math.ceil((1 - atokens) / arate))
  end
  local one = math.ceil(1 / rate)
  if blocked and wait < one then
    wait = one
  end
  if wait < 1 then
    wait = 1
  end
  if lane == 'i' then
    redis.call('ZADD', KEYS[2], now + math.min(wait, maxpoll) + grace, id)
    redis.call('PEXPIRE', KEYS[2], ttl)
  end
end
save(KEYS[1], tokens, ts)
if lane == 'a' then
  save(KEYS[3], atokens, ats)
end
return wait
`)

// Wait blocks until a token for lane is taken, or ctx ends (returns ctx's error).
func (l *RedisLimiter) Wait(ctx context.Context, lane Lane) error {
	laneArg := "b"
	switch lane {
	case Interactive:
		laneArg = "i"
	case Anonymous:
		laneArg = "a"
	}
	id := newWaiterID()
	registered := false
	defer func() {
		if registered && ctx.Err() != nil {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
			defer cancel()
			_ = l.rdb.ZRem(cctx, l.waiters, id).Err()
		}
	}()
	for {
		waitUs, err := takeScript.Run(ctx, l.rdb, []string{l.bucket, l.waiters, l.anon},
			strconv.FormatFloat(l.perUs, 'f', -1, 64), l.burst, l.reserve, laneArg, id, l.graceUs, l.keyTTLms, l.maxPoll.Microseconds(),
			strconv.FormatFloat(l.anonPerUs, 'f', -1, 64), l.anonBurst).Int64()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("flickr: rate limit: %w", err)
		}
		if waitUs == 0 {
			return nil
		}
		registered = lane == Interactive
		d := time.Duration(waitUs) * time.Microsecond
		if d > l.maxPoll {
			d = l.maxPoll
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

func newWaiterID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
