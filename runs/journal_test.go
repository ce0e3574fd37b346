package runs

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestFileJournalOutlivesItsProcess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "runs.db")
	j, err := OpenFileJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a := Run{ID: "a", User: "1@N01", Reason: ReasonLogin, StartedAt: t0.Add(time.Minute)}
	b := Run{ID: "b", User: "2@N01", Reason: ReasonSchedule, StartedAt: t0}
	c := Run{ID: "c", User: "3@N01", Reason: ReasonView, StartedAt: t0.Add(2 * time.Minute)}
	for _, r := range []Run{a, b, c, a} {
		if err := j.Started(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Ended(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	if err := j.Ended(ctx, "never-started"); err != nil {
		t.Errorf("Ended of an unknown run: %v", err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	j, err = OpenFileJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	got, err := j.Unfinished(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Run{b, a}, got); diff != "" {
		t.Errorf("Unfinished after reopening (-want +got):\n%s", diff)
	}
}

func TestRestore(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	run := Run{ID: "r1", User: "u@N01", Reason: ReasonLogin, StartedAt: now.Add(-time.Hour)}
	tests := []struct {
		name            string
		setup           func(s *Store)
		resume          bool
		restored, again bool
		want            Progress
	}{
		{"lost, resumed", nil, true, true, true,
			Progress{RunID: "r1", User: "u@N01", State: StateRunning, StartedAt: run.StartedAt}},
		{"lost, too old: ended with the user's pull failed", nil, false, true, false,
			Progress{RunID: "r1", User: "u@N01", State: StateCompleteWithErrors, Made: 1, Failed: 1, StartedAt: run.StartedAt, FinishedAt: now}},
		{"lost, the user has a newer run: ended", func(s *Store) {
			if _, _, err := s.Start(ctx, "u@N01", "r2", string(ReasonView), now, 0); err != nil {
				t.Fatal(err)
			}
		}, true, true, false,
			Progress{RunID: "r1", User: "u@N01", State: StateCompleteWithErrors, Made: 1, Failed: 1, StartedAt: run.StartedAt, FinishedAt: now}},
		{"known to Redis: untouched", func(s *Store) {
			if _, _, err := s.Start(ctx, "u@N01", "r1", string(ReasonLogin), run.StartedAt, 0); err != nil {
				t.Fatal(err)
			}
		}, true, false, false,
			Progress{RunID: "r1", User: "u@N01", State: StateRunning, StartedAt: run.StartedAt}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newState(t)
			if tt.setup != nil {
				tt.setup(s)
			}
			restored, resumed, err := s.Restore(ctx, run, tt.resume, now)
			if err != nil || restored != tt.restored || resumed != tt.again {
				t.Fatalf("Restore = %v, %v, %v; want %v, %v", restored, resumed, err, tt.restored, tt.again)
			}
			got, err := s.RunProgress(ctx, "r1")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("progress (-want +got):\n%s", diff)
			}
		})
	}
}
