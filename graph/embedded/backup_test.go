package embedded

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/photorec/photorec/graph"
)

// stateOpts compare two states field by field. favers is derived from users' faves and its
// order depends on history, so it is left out; empty and nil are the same.
var stateOpts = cmp.Options{
	cmp.AllowUnexported(state{}, user{}, userExtra{}, photo{}, pullSeen{}),
	cmpopts.IgnoreFields(state{}, "favers", "gen", "stamps"), // favers is rebuilt; gen and stamps are the page cache's, not persisted
	cmpopts.EquateEmpty(),
}

// pullStates returns the PullState of every user.
func pullStates(t *testing.T, s *Store) map[string]graph.PullState {
	t.Helper()
	s.mu.RLock()
	var users []string
	for _, u := range s.st.users {
		users = append(users, u.nsid)
	}
	s.mu.RUnlock()
	out := map[string]graph.PullState{}
	for _, u := range users {
		ps, err := s.PullState(ctx, u)
		must(t, err)
		out[u] = ps
	}
	return out
}

// restoreTo restores backup into a fresh directory and opens it.
func restoreTo(t *testing.T, backup []byte) (*Store, BackupInfo) {
	t.Helper()
	dir := t.TempDir()
	info, err := Restore(ctx, dir, bytes.NewReader(backup), RestoreOptions{})
	must(t, err)
	return openTest(t, dir), info
}

// A restored backup answers every read exactly like the original, holds the same state, and
// keeps working (writes, reopen).
func TestBackupRestoreRoundTrip(t *testing.T) {
	s := openTest(t, t.TempDir())
	writeWorld(t, s, 1, 500)
	// A full pull in progress must survive too.
	must(t, s.AddFaves(ctx, graph.FavesBatch{User: "0@N01", PullID: "open-pull", At: time.Unix(5e9, 0),
		Faves: []graph.Fave{{Photo: graph.Photo{ID: "7", Owner: "1@N01"}}}}))
	want, wantPulls := takeDump(t, s), pullStates(t, s)
	if want.Stats.Faves == 0 || want.Stats.Follows == 0 {
		t.Fatalf("world too small: %+v", want.Stats)
	}
	tokens := 0
	for _, u := range want.Users {
		if u.Token != "" {
			tokens++
		}
	}
	if tokens == 0 {
		t.Fatal("world has no tokens")
	}

	var buf bytes.Buffer
	info, err := s.Backup(ctx, &buf)
	must(t, err)
	if info.Seq != s.st.seq || info.Bytes != int64(buf.Len()) {
		t.Errorf("Backup info = %+v, want seq %d and %d bytes", info, s.st.seq, buf.Len())
	}

	r, rinfo := restoreTo(t, buf.Bytes())
	if rinfo != info {
		t.Errorf("Restore info = %+v, want %+v", rinfo, info)
	}
	if diff := cmp.Diff(want, takeDump(t, r)); diff != "" {
		t.Fatalf("restored store reads differ (-original +restored):\n%s", diff)
	}
	if diff := cmp.Diff(wantPulls, pullStates(t, r)); diff != "" {
		t.Errorf("restored pull states differ (-original +restored):\n%s", diff)
	}
	if diff := cmp.Diff(s.st, r.st, stateOpts); diff != "" {
		t.Errorf("restored state differs (-original +restored):\n%s", diff)
	}

	// Both keep working identically after the restore, including the pull that was open.
	for _, st := range []*Store{s, r} {
		must(t, st.FinishPull(ctx, graph.PullDone{User: "0@N01", PullID: "open-pull", Kind: graph.PullFull, At: time.Unix(6e9, 0)}))
		writeWorld(t, st, 2, 100)
	}
	want = takeDump(t, s)
	if diff := cmp.Diff(want, takeDump(t, r)); diff != "" {
		t.Fatalf("after more writes, restored store differs (-original +restored):\n%s", diff)
	}
	dir := r.dir
	r2 := reopen(t, r, dir)
	t.Cleanup(func() { r2.Close() })
	if diff := cmp.Diff(want, takeDump(t, r2)); diff != "" {
		t.Fatalf("after reopen, restored store differs (-original +restored):\n%s", diff)
	}
}

func TestBackupEmptyStore(t *testing.T) {
	s := openTest(t, t.TempDir())
	var buf bytes.Buffer
	info, err := s.Backup(ctx, &buf)
	must(t, err)
	r, _ := restoreTo(t, buf.Bytes())
	st, err := r.Stats(ctx)
	must(t, err)
	if st != (graph.Stats{}) || info.Seq != 0 {
		t.Errorf("restored empty store: stats %+v, seq %d; want zero", st, info.Seq)
	}
}

func TestRestoreRefuses(t *testing.T) {
	src := openTest(t, t.TempDir())
	writeWorld(t, src, 1, 100)
	var good bytes.Buffer
	_, err := src.Backup(ctx, &good)
	must(t, err)
	corrupt := bytes.Clone(good.Bytes())
	corrupt[len(corrupt)/2] ^= 0xff

	// A dir holding another store, with its own content.
	other := t.TempDir()
	o, err := Open(ctx, Options{Dir: other})
	must(t, err)
	writeWorld(t, o, 2, 50)
	otherWant := takeDump(t, o)

	t.Run("locked by a running store", func(t *testing.T) {
		_, err := Restore(ctx, other, bytes.NewReader(good.Bytes()), RestoreOptions{Force: true})
		if err == nil {
			t.Fatal("Restore into an open store succeeded")
		}
	})
	must(t, o.Close())

	cases := []struct {
		name    string
		backup  []byte
		force   bool
		wantErr error // nil: any error
	}{
		{"not empty", good.Bytes(), false, ErrNotEmpty},
		{"corrupt", corrupt, true, errCorrupt},
		{"truncated", good.Bytes()[:good.Len()/2], true, errCorrupt},
		{"not a backup", []byte("hello"), true, errCorrupt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Restore(ctx, other, bytes.NewReader(c.backup), RestoreOptions{Force: c.force})
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("Restore error = %v, want %v", err, c.wantErr)
			}
		})
	}
	// Failed restores left the other store untouched.
	o = openTest(t, other)
	if diff := cmp.Diff(otherWant, takeDump(t, o)); diff != "" {
		t.Fatalf("a refused restore changed the store (-before +after):\n%s", diff)
	}
	must(t, o.Close())

	// Force replaces it.
	_, err = Restore(ctx, other, bytes.NewReader(good.Bytes()), RestoreOptions{Force: true})
	must(t, err)
	o2 := openTest(t, other)
	if diff := cmp.Diff(takeDump(t, src), takeDump(t, o2)); diff != "" {
		t.Fatalf("forced restore differs from the source (-source +restored):\n%s", diff)
	}
}

// Backups taken while writers run hold the store at a sequence point: every writer's batches
// are a prefix of what it wrote, each batch whole or absent.
func TestBackupWhileWriting(t *testing.T) {
	s, err := Open(ctx, Options{Dir: t.TempDir(), walFileBytes: 16 << 10, SnapshotBytes: 64 << 10}) // automatic snapshots race the backups
	must(t, err)
	t.Cleanup(func() { s.Close() })
	const writers, batches, perBatch = 3, 300, 5
	batch := func(w, j int) graph.FavesBatch {
		b := graph.FavesBatch{User: fmt.Sprintf("w%d@N01", w), PullID: "p", At: time.Unix(int64(1e9+j), 0)}
		for k := 0; k < perBatch; k++ {
			id := strconv.Itoa(w*1_000_000 + j*perBatch + k)
			b.Faves = append(b.Faves, graph.Fave{Photo: graph.Photo{ID: id, Owner: fmt.Sprintf("o%d@N01", k), Title: id}})
		}
		return b
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < batches; j++ {
				if err := s.AddFaves(ctx, batch(w, j)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	var backups [][]byte
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		var buf bytes.Buffer
		_, err := s.Backup(ctx, &buf)
		must(t, err)
		backups = append(backups, buf.Bytes())
	}
	if len(backups) < 2 {
		t.Logf("only %d backups while writing", len(backups))
	}

	partial := 0
	for i, b := range backups {
		r, info := restoreTo(t, b)
		total := 0
		for w := 0; w < writers; w++ {
			nsid := fmt.Sprintf("w%d@N01", w)
			sum, err := r.Summary(ctx, nsid)
			if errors.Is(err, graph.ErrNotFound) {
				continue
			}
			must(t, err)
			if sum.Faves%perBatch != 0 {
				t.Fatalf("backup %d: %s has %d faves: a torn batch", i, nsid, sum.Faves)
			}
			k := sum.Faves / perBatch
			total += k
			// The photos held are exactly those of the first k batches.
			for _, j := range []int{0, k - 1, k, batches - 1} {
				if j < 0 || j >= batches {
					continue
				}
				id := batch(w, j).Faves[perBatch-1].Photo.ID
				_, err := r.Photo(ctx, id)
				if got, want := err == nil, j < k; got != want {
					t.Fatalf("backup %d: %s holds %d batches, photo of batch %d present = %v", i, nsid, k, j, got)
				}
			}
		}
		// Each AddFaves is one logged write: the backup's sequence number counts them.
		if uint64(total) != info.Seq {
			t.Errorf("backup %d: seq %d but %d batches", i, info.Seq, total)
		}
		if total > 0 && total < writers*batches {
			partial++
		}
		must(t, r.Close())
	}
	t.Logf("%d backups while writing, %d taken mid-stream", len(backups), partial)
}

// BenchmarkBackupExport measures Backup (to io.Discard) and Export of a store with 200,000
// faves of 4,000 users on 100,000 photos, and reports the backup's size.
func BenchmarkBackupExport(b *testing.B) {
	s, err := Open(ctx, Options{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for u := 0; u < 4000; u++ {
		batch := graph.FavesBatch{User: fmt.Sprintf("%d@N01", u), PullID: "p", At: time.Unix(1e9, 0)}
		for k := 0; k < 50; k++ {
			p := (u*7919 + k*104729) % 100_000
			batch.Faves = append(batch.Faves, graph.Fave{
				Photo:   graph.Photo{ID: strconv.Itoa(1e9 + p), Owner: fmt.Sprintf("%d@N01", p%4000), Title: "photo " + strconv.Itoa(p), Farm: 1, Server: "1234", Secret: "abcdef"},
				FavedAt: time.Unix(int64(1.5e9+k), 0),
			})
		}
		if err := s.AddFaves(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("backup", func(b *testing.B) {
		var n int64
		for b.Loop() {
			info, err := s.Backup(ctx, io.Discard)
			if err != nil {
				b.Fatal(err)
			}
			n = info.Bytes
		}
		b.ReportMetric(float64(n), "backup_bytes")
	})
	b.Run("export", func(b *testing.B) {
		dir := b.TempDir()
		for b.Loop() {
			if _, err := s.Export(ctx, dir); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestRemove checks that Remove empties a closed store, refuses (removing nothing) while the
// store is open, and accepts a dir that does not exist.
func TestRemove(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	addFave(t, s, "u@N01", "1", "a@N01", time.Unix(1_700_000_000, 0))
	if n, err := Remove(dir); err == nil || n != 0 {
		t.Errorf("Remove of an open store = %d, %v; want 0 and an error", n, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n, err := Remove(dir); err != nil || n == 0 {
		t.Fatalf("Remove of a closed store = %d, %v; want its files removed", n, err)
	}
	s, err = Open(ctx, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Faves != 0 || st.Users != 0 {
		t.Errorf("after Remove the store holds %+v, want nothing", st)
	}
	if n, err := Remove(filepath.Join(dir, "missing")); err != nil || n != 0 {
		t.Errorf("Remove of a missing dir = %d, %v; want 0, nil", n, err)
	}
}
