package server

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// sessionStore keeps the live logged-in sessions of every member, so that a session cookie is
// only as good as its entry here: logging out ends one entry, logging out everywhere all of a
// member's. Anonymous sessions have no entry (there is nothing of theirs to protect).
type sessionStore interface {
	// start records session id of member nsid, live from now for ttl, and forgets nsid's
	// sessions that expired by now. Every session has the same ttl.
	start(ctx context.Context, nsid, id string, now time.Time, ttl time.Duration) error
	// live reports whether session id of nsid exists and has not expired at now.
	live(ctx context.Context, nsid, id string, now time.Time) (bool, error)
	// end removes session id of nsid and returns how many of nsid's sessions are still live at
	// now. Ending a session that does not exist is not an error.
	end(ctx context.Context, nsid, id string, now time.Time) (int, error)
	// endAll removes every session of nsid.
	endAll(ctx context.Context, nsid string) error
}

// redisSessions keeps each member's sessions in the sorted set photorec:sessions:{nsid}
// (member: session id, score: expiry in unix seconds), which expires with its newest session
// (every session has the same ttl, so the newest lives longest).
// Every replica shares it, so a logout on one ends the session on all.
type redisSessions struct{ rdb redis.UniversalClient }

func redisSessionsKey(nsid string) string { return "photorec:sessions:" + nsid }

func (r redisSessions) start(ctx context.Context, nsid, id string, now time.Time, ttl time.Duration) error {
	key := redisSessionsKey(nsid)
	_, err := r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZRemRangeByScore(ctx, key, "-inf", strconv.FormatInt(now.Unix(), 10))
		p.ZAdd(ctx, key, redis.Z{Score: float64(now.Add(ttl).Unix()), Member: id})
		p.Expire(ctx, key, ttl+time.Second)
		return nil
	})
	if err != nil {
		return fmt.Errorf("server: start session of %s: %w", nsid, err)
	}
	return nil
}

func (r redisSessions) live(ctx context.Context, nsid, id string, now time.Time) (bool, error) {
	exp, err := r.rdb.ZScore(ctx, redisSessionsKey(nsid), id).Result()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("server: session of %s: %w", nsid, err)
	}
	return int64(exp) > now.Unix(), nil
}

func (r redisSessions) end(ctx context.Context, nsid, id string, now time.Time) (int, error) {
	key := redisSessionsKey(nsid)
	var left *redis.IntCmd
	_, err := r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZRem(ctx, key, id)
		left = p.ZCount(ctx, key, "("+strconv.FormatInt(now.Unix(), 10), "+inf")
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("server: end session of %s: %w", nsid, err)
	}
	return int(left.Val()), nil
}

func (r redisSessions) endAll(ctx context.Context, nsid string) error {
	if err := r.rdb.Del(ctx, redisSessionsKey(nsid)).Err(); err != nil {
		return fmt.Errorf("server: end sessions of %s: %w", nsid, err)
	}
	return nil
}

// memorySessions is the single-replica fallback: sessions live in this process and end when it
// stops.
type memorySessions struct {
	mu sync.Mutex
	m  map[string]map[string]time.Time // nsid -> session id -> expiry
}

func newMemorySessions() *memorySessions {
	return &memorySessions{m: map[string]map[string]time.Time{}}
}

func (m *memorySessions) start(_ context.Context, nsid, id string, now time.Time, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := m.m[nsid]
	if ids == nil {
		ids = map[string]time.Time{}
		m.m[nsid] = ids
	}
	for k, exp := range ids {
		if exp.Unix() <= now.Unix() {
			delete(ids, k)
		}
	}
	ids[id] = now.Add(ttl)
	return nil
}

func (m *memorySessions) live(_ context.Context, nsid, id string, now time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	exp, ok := m.m[nsid][id]
	return ok && exp.Unix() > now.Unix(), nil
}

func (m *memorySessions) end(_ context.Context, nsid, id string, now time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := m.m[nsid]
	delete(ids, id)
	left := 0
	for _, exp := range ids {
		if exp.Unix() > now.Unix() {
			left++
		}
	}
	if len(ids) == 0 {
		delete(m.m, nsid)
	}
	return left, nil
}

func (m *memorySessions) endAll(_ context.Context, nsid string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, nsid)
	return nil
}
