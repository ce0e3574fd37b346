package runs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/photorec/photorec/internal/testsvc"
)

func newState(t *testing.T) *Store {
	t.Helper()
	rs := testsvc.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rdb.Close() })
	return NewStore(rdb, StoreOptions{Prefix: "test:", TTL: time.Hour})
}

func TestProgressCountsEachJobOnce(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	type step struct {
		job, outcome string // outcome "" adds the job instead
	}
	tests := []struct {
		name  string
		steps []step
		want  Progress
	}{
		{"no jobs yet", nil, Progress{State: StateRunning}},
		{"one done", []step{{"a", ""}, {"a", OutcomeDone}}, Progress{State: StateComplete, Made: 1, Done: 1, Changed: 1}},
		{"redelivered done counts once", []step{{"a", ""}, {"b", ""}, {"a", OutcomeDone}, {"a", OutcomeDone}},
			Progress{State: StateRunning, Made: 2, Done: 1, Changed: 1}},
		{"done then failed keeps done", []step{{"a", ""}, {"b", ""}, {"a", OutcomeDone}, {"a", OutcomeFailed}, {"b", OutcomeFailed}},
			Progress{State: StateCompleteWithErrors, Made: 2, Done: 1, Failed: 1, Changed: 1}},
		{"job added twice is made once", []step{{"a", ""}, {"a", ""}, {"a", OutcomeDone}}, Progress{State: StateComplete, Made: 1, Done: 1, Changed: 1}},
		{"unknown job is ignored", []step{{"a", ""}, {"zzz", OutcomeDone}}, Progress{State: StateRunning, Made: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newState(t)
			run, created, err := st.Start(ctx, "u@N01", "r1", "login", now, time.Minute)
			if err != nil || !created {
				t.Fatalf("startRun = %q, %v, %v", run, created, err)
			}
			for _, s := range tt.steps {
				if s.outcome == "" {
					if _, err := st.AddJob(ctx, run, s.job); err != nil && !errors.Is(err, ErrRunEnded) {
						t.Fatal(err)
					}
					continue
				}
				if _, err := st.FinishJob(ctx, run, s.job, s.outcome, now.Add(time.Second)); err != nil {
					t.Fatal(err)
				}
			}
			got, err := st.Progress(ctx, "u@N01")
			if err != nil {
				t.Fatal(err)
			}
			tt.want.RunID, tt.want.User, tt.want.StartedAt = "r1", "u@N01", now
			if tt.want.State != StateRunning {
				tt.want.FinishedAt = now.Add(time.Second)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("progress (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStartRunJoinsAndCoolsDown(t *testing.T) {
	ctx := context.Background()
	st := newState(t)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	run, created, err := st.Start(ctx, "u@N01", "r1", "login", now, time.Minute)
	if err != nil || !created {
		t.Fatalf("first startRun = %q, %v, %v", run, created, err)
	}
	tests := []struct {
		name        string
		id          string
		at          time.Time
		finishFirst bool
		cooldown    time.Duration
		wantID      string
		wantCreated bool
	}{
		{"joins the running run", "r2", now.Add(time.Hour), false, time.Minute, "r1", false},
		{"ended within cooldown: same run", "r3", now.Add(30 * time.Second), true, time.Minute, "r1", false},
		{"no cooldown: new run", "r4", now.Add(30 * time.Second), false, 0, "r4", true},
	}
	for _, tt := range tests {
		if tt.finishFirst {
			if _, err := st.AddJob(ctx, "r1", "a"); err != nil {
				t.Fatal(err)
			}
			if _, err := st.FinishJob(ctx, "r1", "a", OutcomeDone, now); err != nil {
				t.Fatal(err)
			}
		}
		id, created, err := st.Start(ctx, "u@N01", tt.id, "view", tt.at, tt.cooldown)
		if err != nil {
			t.Fatal(err)
		}
		if id != tt.wantID || created != tt.wantCreated {
			t.Errorf("%s: startRun = %q created=%v, want %q created=%v", tt.name, id, created, tt.wantID, tt.wantCreated)
		}
	}
	if _, err := st.AddJob(ctx, "r1", "late"); !errors.Is(err, ErrRunEnded) {
		t.Errorf("addJob to an ended run: err = %v, want ErrRunEnded", err)
	}
	running, err := st.Running(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"r4"}, running); diff != "" {
		t.Errorf("running runs (-want +got):\n%s", diff)
	}
}

func TestReleaseOnlyByTheHolder(t *testing.T) {
	ctx := context.Background()
	st := newState(t)
	const job = "neighbor:n@N01"
	if ok, err := st.Lock(ctx, job, "p1", time.Hour); err != nil || !ok {
		t.Fatalf("lock = %v, %v", ok, err)
	}
	if ok, err := st.Lock(ctx, job, "p2", time.Hour); err != nil || ok {
		t.Fatalf("second lock = %v, %v; want false", ok, err)
	}
	tests := []struct {
		name      string
		pullID    string
		wantOK    bool
		wantFresh bool
	}{
		{"an older pull does not release a newer one's lock", "p0", false, false},
		{"the holder releases and marks fresh", "p1", true, true},
		{"a late end with no lock held still counts", "p9", true, true},
	}
	for _, tt := range tests {
		ok, err := st.Release(ctx, job, tt.pullID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := st.IsFresh(ctx, job)
		if err != nil {
			t.Fatal(err)
		}
		if ok != tt.wantOK || fresh != tt.wantFresh {
			t.Errorf("%s: released=%v fresh=%v, want %v and %v", tt.name, ok, fresh, tt.wantOK, tt.wantFresh)
		}
	}
}
