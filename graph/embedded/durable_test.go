package embedded

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/graph"
)

var ctx = context.Background()

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// dump is every read a user of the store can see, for comparing a store before and after reopen.
type dump struct {
	Stats  graph.Stats
	Due    []string
	Users  map[string]userDump
	Photos map[string]graph.Photo
}

type userDump struct {
	User      graph.User
	Summary   graph.Summary
	Flex      []graph.PhotoRec
	Pop       []graph.PhotoRec
	Recs      []graph.UserRec
	Neighbors []graph.Neighbor
	Faves     []graph.Photo
	Token     string
}

func takeDump(t *testing.T, s *Store) dump {
	t.Helper()
	d := dump{Users: map[string]userDump{}, Photos: map[string]graph.Photo{}}
	var err error
	d.Stats, err = s.Stats(ctx)
	must(t, err)
	d.Due, err = s.DueForRefresh(ctx, time.Now().Add(time.Hour), 10000)
	must(t, err)
	s.mu.RLock()
	var users, photos []string
	for _, u := range s.st.users {
		users = append(users, u.nsid)
	}
	for i, p := range s.st.photos {
		if s.st.owner[i] != none {
			photos = append(photos, p.id)
		}
	}
	s.mu.RUnlock()
	for _, id := range photos {
		d.Photos[id], err = s.Photo(ctx, id)
		must(t, err)
	}
	for _, u := range users {
		var ud userDump
		ud.User, err = s.User(ctx, u)
		must(t, err)
		ud.Summary, err = s.Summary(ctx, u)
		must(t, err)
		fp, err := s.RecommendPhotos(ctx, u, graph.RecOptions{Limit: graph.MaxLimit})
		must(t, err)
		ud.Flex = fp.Items
		pp, err := s.RecommendPhotos(ctx, u, graph.RecOptions{Limit: graph.MaxLimit, Algorithm: graph.Popularity})
		must(t, err)
		ud.Pop = pp.Items
		up, err := s.RecommendUsers(ctx, u, graph.RecOptions{Limit: graph.MaxLimit})
		must(t, err)
		ud.Recs = up.Items
		ud.Neighbors, err = s.Neighbors(ctx, u, graph.ByTaken, graph.MaxLimit)
		must(t, err)
		ud.Faves, err = s.CommonFaves(ctx, u, u, graph.MaxLimit)
		must(t, err)
		if tok, err := s.Token(ctx, u); err == nil {
			ud.Token = string(tok)
		}
		d.Users[u] = ud
	}
	return d
}

// writeWorld applies a random mix of every kind of write.
func writeWorld(t *testing.T, s *Store, seed uint64, n int) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	user := func() string { return fmt.Sprintf("%d@N0%d", r.IntN(30), seed%3) }
	for i := 0; i < n; i++ {
		u := user()
		switch r.IntN(10) {
		case 0, 1, 2, 3:
			b := graph.FavesBatch{User: u, PullID: fmt.Sprintf("pull-%d", r.IntN(5)), At: time.Unix(int64(1e9+i), 0)}
			for j := r.IntN(20); j > 0; j-- {
				id := strconv.Itoa(r.IntN(200))
				b.Faves = append(b.Faves, graph.Fave{
					Photo:   graph.Photo{ID: id, Owner: fmt.Sprintf("%d@N0%d", r.IntN(30), seed%3), Title: "ü " + id, Farm: 1, Server: "2", Secret: "s"},
					FavedAt: time.Unix(int64(1e9+r.IntN(1e6)), 0),
				})
			}
			b.Owners = []graph.User{{NSID: user(), Username: "n" + strconv.Itoa(i)}}
			must(t, s.AddFaves(ctx, b))
		case 4:
			kind := graph.PullIncremental
			if r.IntN(2) == 0 {
				kind = graph.PullFull
			}
			must(t, s.FinishPull(ctx, graph.PullDone{User: u, PullID: fmt.Sprintf("pull-%d", r.IntN(5)), Kind: kind, At: time.Unix(int64(2e9+i), 0)}))
		case 5:
			must(t, s.DismissPhoto(ctx, u, strconv.Itoa(r.IntN(220))))
		case 6:
			must(t, s.DismissUser(ctx, u, user()))
		case 7:
			must(t, s.SetContacts(ctx, u, []graph.User{{NSID: user()}, {NSID: user(), Realname: "R"}}))
		case 8:
			must(t, s.PutToken(ctx, u, []byte("tok-"+strconv.Itoa(i))))
			must(t, s.Register(ctx, u))
			_, err := s.MarkVisit(ctx, u, time.Unix(int64(3e9+i), 0))
			must(t, err)
		case 9:
			must(t, s.RemoveFave(ctx, u, strconv.Itoa(r.IntN(200))))
			must(t, s.UndismissPhoto(ctx, u, strconv.Itoa(r.IntN(220))))
			if r.IntN(3) == 0 {
				must(t, s.DeleteToken(ctx, u))
			}
		}
	}
}

func reopen(t *testing.T, s *Store, dir string) *Store {
	t.Helper()
	must(t, s.Close())
	s2, err := Open(ctx, Options{Dir: dir, walFileBytes: 4 << 10})
	must(t, err)
	return s2
}

// Reopening replays the log, and snapshots plus log tails, into exactly the same store.
func TestReopenKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(ctx, Options{Dir: dir, walFileBytes: 4 << 10}) // many WAL files
	must(t, err)
	writeWorld(t, s, 1, 400)
	want := takeDump(t, s)
	if want.Stats.Faves == 0 || len(want.Due) == 0 {
		t.Fatalf("world too small: %+v", want.Stats)
	}

	steps := []struct {
		name   string
		before func(s *Store)
	}{
		{"log replay", func(*Store) {}},
		{"snapshot", func(s *Store) { must(t, s.Snapshot(ctx)) }},
		{"snapshot plus log", func(s *Store) { writeWorld(t, s, 2, 300) }},
		{"second snapshot", func(s *Store) { must(t, s.Snapshot(ctx)); writeWorld(t, s, 3, 50) }},
	}
	for _, step := range steps {
		step.before(s)
		want = takeDump(t, s)
		s = reopen(t, s, dir)
		got := takeDump(t, s)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%s: store differs after reopen (-before +after):\n%s", step.name, diff)
		}
	}
	must(t, s.Snapshot(ctx))
	must(t, s.Close())
	files, _ := filepath.Glob(filepath.Join(dir, "snapshot-*"))
	if len(files) != 1 {
		t.Errorf("snapshot files = %v, want exactly one", files)
	}
	wals, _ := filepath.Glob(filepath.Join(dir, "wal-*"))
	if len(wals) != 1 {
		t.Errorf("WAL files after a snapshot = %v, want only the open one", wals)
	}
}

// A full pull in progress when a snapshot is taken still removes unseen faves once finished.
func TestPullInProgressSurvivesSnapshot(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(ctx, Options{Dir: dir})
	must(t, err)
	add := func(pull string, ids ...string) {
		b := graph.FavesBatch{User: "u", PullID: pull, At: time.Unix(1e9, 0)}
		for _, id := range ids {
			b.Faves = append(b.Faves, graph.Fave{Photo: graph.Photo{ID: id, Owner: "o"}})
		}
		must(t, s.AddFaves(ctx, b))
	}
	add("", "1", "2", "3")
	add("full", "1")
	must(t, s.Snapshot(ctx))
	s = reopen(t, s, dir)
	add("full", "3")
	s = reopen(t, s, dir)
	must(t, s.FinishPull(ctx, graph.PullDone{User: "u", PullID: "full", Kind: graph.PullFull, At: time.Unix(1e9, 0)}))
	got, err := s.CommonFaves(ctx, "u", "u", 10)
	must(t, err)
	var ids []string
	for _, p := range got {
		ids = append(ids, p.ID)
	}
	sort.Strings(ids)
	if diff := cmp.Diff([]string{"1", "3"}, ids); diff != "" {
		t.Errorf("faves after the full pull (-want +got):\n%s", diff)
	}
	must(t, s.Close())
}

// Two processes (here: two opens) cannot share a directory.
func TestOpenLocksDir(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	if _, err := Open(ctx, Options{Dir: dir}); err == nil {
		t.Fatal("second Open of the same dir succeeded")
	}
	_ = s
}

func TestClosedStore(t *testing.T) {
	s, err := Open(ctx, Options{Dir: t.TempDir()})
	must(t, err)
	must(t, s.Close())
	must(t, s.Close())
	if err := s.UpsertUsers(ctx, []graph.User{{NSID: "a"}}); !errors.Is(err, ErrClosed) {
		t.Errorf("write after Close: %v, want ErrClosed", err)
	}
	if _, err := s.Stats(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("read after Close: %v, want ErrClosed", err)
	}
}

const (
	childEnv  = "PHOTOREC_EMBEDDED_KILL_CHILD"
	offsetEnv = "PHOTOREC_EMBEDDED_KILL_OFFSET"
)

// killBatch is the deterministic content of batch i written by the child.
func killBatch(i int) graph.FavesBatch {
	b := graph.FavesBatch{User: fmt.Sprintf("k%d", i%40), PullID: fmt.Sprintf("p%d", i), At: time.Unix(int64(1e9+i), 0)}
	for j := 0; j < 10; j++ {
		b.Faves = append(b.Faves, graph.Fave{
			Photo:   graph.Photo{ID: fmt.Sprintf("%d-%d", i, j), Owner: fmt.Sprintf("o%d", (i+j)%13), Title: "t"},
			FavedAt: time.Unix(int64(1e9+i), 0),
		})
	}
	return b
}

// TestKillChild is the child of TestKill9: it writes batches from several goroutines, printing
// "ack i" once AddFaves(i) returned, until it is killed. It does nothing in a normal test run.
func TestKillChild(t *testing.T) {
	dir := os.Getenv(childEnv)
	if dir == "" {
		t.Skip("child process of TestKill9 only")
	}
	// Tiny snapshots: the kill often lands during a snapshot or a log rotation.
	s, err := Open(ctx, Options{Dir: dir, SnapshotBytes: 32 << 10, walFileBytes: 8 << 10})
	if err != nil {
		fmt.Println("open failed:", err)
		os.Exit(3)
	}
	offset, _ := strconv.Atoi(os.Getenv(offsetEnv))
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := offset + g; ; i += 4 {
				if err := s.AddFaves(ctx, killBatch(i)); err != nil {
					fmt.Println("write failed:", err)
					os.Exit(4)
				}
				mu.Lock()
				fmt.Fprintf(out, "ack %d\n", i)
				out.Flush()
				mu.Unlock()
			}
		}(g)
	}
	wg.Wait()
}

// TestKill9 proves durability: a child process writes until it is killed with SIGKILL; every
// batch it acknowledged must be there after reopening, and every batch must be all or nothing.
func TestKill9(t *testing.T) {
	if os.Getenv(childEnv) != "" {
		t.Skip("in the child")
	}
	dir := t.TempDir()
	acked := map[int]bool{} // across rounds: each round writes new batches from round*1000
	for round, kills := range []int{150, 400, 900} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), childEnv+"="+dir, fmt.Sprintf("%s=%d", offsetEnv, round*1000))
		stdout, err := cmd.StdoutPipe()
		must(t, err)
		cmd.Stderr = os.Stderr
		must(t, cmd.Start())
		before := len(acked)
		sc := bufio.NewScanner(stdout)
		for len(acked)-before < kills && sc.Scan() {
			line := sc.Text()
			if n, ok := strings.CutPrefix(line, "ack "); ok {
				i, err := strconv.Atoi(n)
				must(t, err)
				acked[i] = true
				continue
			}
			t.Fatalf("child: %s", line)
		}
		must(t, cmd.Process.Signal(syscall.SIGKILL))
		for sc.Scan() { // acks printed before the kill landed count too
			if n, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
				i, _ := strconv.Atoi(n)
				acked[i] = true
			}
		}
		_ = cmd.Wait()
		if len(acked)-before < kills {
			t.Fatalf("round %d: child stopped after %d acks", round, len(acked)-before)
		}

		s, err := Open(ctx, Options{Dir: dir})
		must(t, err)
		maxAck := 0
		for i := range acked {
			maxAck = max(maxAck, i)
		}
		faves := map[string]map[string]bool{}
		for u := 0; u < 40; u++ {
			nsid := fmt.Sprintf("k%d", u)
			ph, err := s.CommonFaves(ctx, nsid, nsid, graph.MaxLimit)
			if errors.Is(err, graph.ErrNotFound) {
				continue // checked below: none of its batches may be acknowledged
			}
			must(t, err)
			faves[nsid] = map[string]bool{}
			for _, p := range ph {
				faves[nsid][p.ID] = true
			}
		}
		missing, partial := 0, 0
		for i := 0; i <= maxAck+64; i++ {
			b := killBatch(i)
			n := 0
			for _, f := range b.Faves {
				if faves[b.User][f.Photo.ID] {
					n++
				}
			}
			if acked[i] && n != len(b.Faves) {
				missing++
			}
			if n != 0 && n != len(b.Faves) {
				partial++
			}
		}
		if missing > 0 || partial > 0 {
			t.Errorf("round %d: %d acknowledged batches lost, %d batches partly applied (acked %d, max %d)", round, missing, partial, len(acked), maxAck)
		}
		t.Logf("round %d: killed after %d acks (%d in all); all present after reopen", round, len(acked)-before, len(acked))
		must(t, s.Close())
	}
}

// Pulls abandoned by a crashed worker are bounded, and finishing one late removes nothing.
func TestAbandonedPulls(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(ctx, Options{Dir: dir})
	must(t, err)
	for i := 0; i < maxOpenPulls+2; i++ {
		must(t, s.AddFaves(ctx, graph.FavesBatch{User: "u", PullID: fmt.Sprint("pull-", i), At: time.Unix(1e9, 0),
			Faves: []graph.Fave{{Photo: graph.Photo{ID: fmt.Sprint(100 + i), Owner: "o"}}}}))
	}
	s = reopen(t, s, dir) // the bookkeeping survives a restart
	s.mu.RLock()
	open := len(s.st.users[s.st.userIdx["u"]].x.pulls)
	s.mu.RUnlock()
	if open != maxOpenPulls {
		t.Errorf("%d pulls in progress kept, want %d", open, maxOpenPulls)
	}
	// pull-0 was dropped: finishing it as full must not wipe faves it never saw.
	must(t, s.FinishPull(ctx, graph.PullDone{User: "u", PullID: "pull-0", Kind: graph.PullFull, At: time.Unix(1e9, 0)}))
	sum, err := s.Summary(ctx, "u")
	must(t, err)
	if sum.Faves != maxOpenPulls+2 {
		t.Errorf("faves after finishing a dropped pull = %d, want %d", sum.Faves, maxOpenPulls+2)
	}
	// The newest pull is still tracked: finishing it as full keeps only what it saw.
	must(t, s.FinishPull(ctx, graph.PullDone{User: "u", PullID: fmt.Sprint("pull-", maxOpenPulls+1), Kind: graph.PullFull, At: time.Unix(1e9, 0)}))
	sum, err = s.Summary(ctx, "u")
	must(t, err)
	if sum.Faves != 1 {
		t.Errorf("faves after finishing the newest full pull = %d, want 1", sum.Faves)
	}
	must(t, s.Close())
}

// TestReopenAfterCrashBeforeLogInit: a crash right after a new log file was created, before bbolt
// initialised it, leaves an empty file; opening must not fail on it.
func TestReopenAfterCrashBeforeLogInit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, Options{Dir: dir})
	must(t, err)
	must(t, s.Register(ctx, "a@N01"))
	must(t, s.Close())
	names, err := filepath.Glob(filepath.Join(dir, "wal-*.db"))
	must(t, err)
	var newest uint64
	for _, n := range names {
		if g, ok := walGen(filepath.Base(n)); ok {
			newest = max(newest, g)
		}
	}
	must(t, os.WriteFile(filepath.Join(dir, walName(newest+1)), nil, 0o600))
	s, err = Open(ctx, Options{Dir: dir})
	must(t, err)
	defer s.Close()
	st, err := s.PullState(ctx, "a@N01")
	must(t, err)
	if !st.Registered {
		t.Fatal("a@N01 lost its registration across the reopen")
	}
	must(t, s.Register(ctx, "b@N01"))
}
