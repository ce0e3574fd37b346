package graphtest

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/graph"
)

// randomWorld applies a random sequence of writes to s and to a fresh Model.
func randomWorld(t *testing.T, s graph.Store, seed uint64, users, photos int) *Model {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 99))
	m := NewModel(graph.DefaultParams())
	uid := func(i int) string { return fmt.Sprintf("%d@N0%d", 1000+i, i%3) }
	owner := make([]string, photos)
	for p := range owner {
		owner[p] = uid(r.IntN(users))
	}
	for u := 0; u < users; u++ {
		n := r.IntN(photos / 3)
		perm := r.Perm(photos)[:n]
		for len(perm) > 0 {
			k := min(len(perm), 1+r.IntN(10))
			b := graph.FavesBatch{User: uid(u), PullID: fmt.Sprintf("pull-%d", u), At: at(u)}
			for _, p := range perm[:k] {
				b.Faves = append(b.Faves, graph.Fave{Photo: photo(fmt.Sprint(500+p), owner[p]), FavedAt: at(r.IntN(1000))})
			}
			if r.IntN(3) == 0 {
				b.Owners = []graph.User{{NSID: owner[perm[0]], Username: "name of " + owner[perm[0]]}}
			}
			perm = perm[k:]
			mustDo(t, s.AddFaves(ctx(), b))
			m.AddFaves(b)
		}
	}
	// Photos nobody faves (an owner's photostream), and now and then a known photo under another
	// owner, which must keep its first one.
	for o := 0; o < users; o += 1 + r.IntN(3) {
		b := graph.PhotosBatch{Owner: uid(o), At: at(2000 + o)}
		for j := r.IntN(4); j > 0; j-- {
			b.Photos = append(b.Photos, photo(fmt.Sprintf("9%d%d", o, j), uid(o)))
		}
		if r.IntN(3) == 0 {
			b.Photos = append(b.Photos, photo(fmt.Sprint(500+r.IntN(photos)), uid(o)))
		}
		mustDo(t, s.AddPhotos(ctx(), b))
		m.AddPhotos(b)
	}
	for i := 0; i < users*3; i++ {
		u := uid(r.IntN(users))
		switch r.IntN(6) {
		case 0:
			p := fmt.Sprint(500 + r.IntN(photos))
			mustDo(t, s.RemoveFave(ctx(), u, p))
			m.RemoveFave(u, p)
		case 1, 2:
			p := fmt.Sprint(500 + r.IntN(photos))
			mustDo(t, s.DismissPhoto(ctx(), u, p))
			m.DismissPhoto(u, p)
		case 3:
			v := uid(r.IntN(users))
			mustDo(t, s.DismissUser(ctx(), u, v))
			m.DismissUser(u, v)
		case 4:
			var cs []graph.User
			for j := r.IntN(4); j > 0; j-- {
				cs = append(cs, graph.User{NSID: uid(r.IntN(users))})
			}
			mustDo(t, s.SetContacts(ctx(), u, cs))
			m.SetContacts(u, cs)
		case 5:
			for p := range m.DismissedPhotos[u] {
				mustDo(t, s.UndismissPhoto(ctx(), u, p))
				m.UndismissPhoto(u, p)
				break
			}
		}
	}
	return m
}

// checkAgainstModel compares every read of every user in m with the reference.
func checkAgainstModel(t *testing.T, s graph.Store, m *Model, pageSize int) {
	t.Helper()
	users := make([]string, 0, len(m.Users))
	for u := range m.Users {
		users = append(users, u)
	}
	sort.Strings(users)
	for _, u := range users {
		checkPhotos(t, "flexplore photos of "+u, allPhotos(t, s, u, opts(pageSize)), m.RecommendPhotos(u, graph.Flexplore, graph.DefaultWhy))
		checkPhotos(t, "popularity photos of "+u,
			allPhotos(t, s, u, graph.RecOptions{Algorithm: graph.Popularity, Limit: pageSize}),
			m.RecommendPhotos(u, graph.Popularity, graph.DefaultWhy))
		checkUsers(t, "users of "+u, allUsers(t, s, u, opts(pageSize)), m.RecommendUsers(u))

		want := m.Neighbors(u)
		got, err := s.Neighbors(ctx(), u, graph.ByScore, graph.MaxLimit)
		mustDo(t, err)
		var gotR, wantR []ranked
		for _, n := range got {
			gotR = append(gotR, ranked{n.User.NSID, n.Score})
		}
		byScore := append([]graph.Neighbor(nil), want...)
		sort.SliceStable(byScore, func(i, j int) bool { return byScore[i].Score > byScore[j].Score })
		for _, n := range byScore {
			wantR = append(wantR, ranked{n.User.NSID, n.Score})
		}
		checkRanking(t, "neighbors by score of "+u, gotR, wantR)

		sort.SliceStable(want, func(i, j int) bool { return want[i].Taken > want[j].Taken })
		got, err = s.Neighbors(ctx(), u, graph.ByTaken, graph.MaxLimit)
		mustDo(t, err)
		if diff := cmp.Diff(want, got, approx, cmpEmpty); diff != "" {
			t.Errorf("neighbors by taken of %s (-want +got):\n%s", u, diff)
		}

		sum, err := s.Summary(ctx(), u)
		mustDo(t, err)
		wantSum := graph.Summary{
			User:       m.Users[u],
			Faves:      len(m.Faves[u]),
			Neighbors:  len(want),
			Contacts:   len(m.Contacts[u]),
			Pull:       sum.Pull,
			Dismissals: len(m.DismissedPhotos[u]) + len(m.DismissedUsers[u]),
		}
		if diff := cmp.Diff(wantSum, sum); diff != "" {
			t.Errorf("summary of %s (-want +got):\n%s", u, diff)
		}
	}
	st, err := s.Stats(ctx())
	mustDo(t, err)
	faves, follows := 0, 0
	for _, f := range m.Faves {
		faves += len(f)
	}
	for _, c := range m.Contacts {
		follows += len(c)
	}
	if want := (graph.Stats{Users: len(m.Users), Photos: len(m.Photos), Faves: faves, Follows: follows}); st != want {
		t.Errorf("stats = %+v, want %+v", st, want)
	}
}

// randomSeeds are the random worlds every backend is checked on: (seed, users, photos, page size).
var randomSeeds = []struct {
	seed          uint64
	users, photos int
	pageSize      int
}{
	{1, 6, 20, 1},
	{2, 14, 90, 4},
	{3, 20, 150, 7},
	{4, 30, 60, 50},
	{5, 12, 300, 500},
}

// testRandom checks one random graph per seed against the model, each in a fresh store.
func (su suite) testRandom(t *testing.T) {
	for _, c := range randomSeeds {
		t.Run(fmt.Sprintf("seed=%d", c.seed), func(t *testing.T) {
			s := su.open(t)
			m := randomWorld(t, s, c.seed, c.users, c.photos)
			checkAgainstModel(t, s, m, c.pageSize)
		})
	}
}

// testConcurrent reads while a writer ingests, then checks the final state against the model.
// Readers check what must hold at every instant: no error, a well-ordered ranking, and counts
// that never go down while only additions happen.
func (su suite) testConcurrent(t *testing.T) {
	s := su.open(t)
	const writers, batches, perBatch = 2, 60, 25
	m := NewModel(graph.DefaultParams())
	// u faves one photo of each of 20 neighbors up front, so every batch below changes u's recs.
	seedBatch := graph.FavesBatch{User: "u", PullID: "seed", At: t0}
	for i := 0; i < 20; i++ {
		seedBatch.Faves = append(seedBatch.Faves, graph.Fave{Photo: photo(fmt.Sprintf("seed%02d", i), fmt.Sprintf("n%02d", i)), FavedAt: at(i)})
	}
	mustDo(t, s.AddFaves(ctx(), seedBatch))
	m.AddFaves(seedBatch)

	var all []graph.FavesBatch
	r := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < writers*batches; i++ {
		n := fmt.Sprintf("n%02d", r.IntN(20))
		b := graph.FavesBatch{User: n, PullID: fmt.Sprintf("c-%d", i), At: t0}
		for j := 0; j < perBatch; j++ {
			p := r.IntN(400)
			owner := fmt.Sprintf("o%02d", p%30)
			if p < 20 {
				b.Faves = append(b.Faves, graph.Fave{Photo: photo(fmt.Sprintf("seed%02d", p), fmt.Sprintf("n%02d", p))})
				continue
			}
			b.Faves = append(b.Faves, graph.Fave{Photo: photo(fmt.Sprint(10000+p), owner), FavedAt: at(p)})
		}
		all = append(all, b)
		m.AddFaves(b)
	}

	var done atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(all); i += writers {
				if err := s.AddFaves(ctx(), all[i]); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	var readers sync.WaitGroup
	reads := atomic.Int64{}
	for rd := 0; rd < 3; rd++ {
		readers.Add(1)
		go func(rd int) {
			defer readers.Done()
			lastFaves := 0
			for !done.Load() {
				reads.Add(1)
				page, err := s.RecommendPhotos(ctx(), "u", graph.RecOptions{Limit: 20, Algorithm: []graph.Algorithm{graph.Flexplore, graph.Popularity}[rd%2]})
				if err != nil {
					errs <- fmt.Errorf("RecommendPhotos during ingest: %w", err)
					return
				}
				for i := 1; i < len(page.Items); i++ {
					a, b := page.Items[i-1], page.Items[i]
					if a.Score < b.Score || (a.Score == b.Score && a.Photo.ID >= b.Photo.ID) {
						errs <- fmt.Errorf("ranking out of order during ingest: %s %v then %s %v", a.Photo.ID, a.Score, b.Photo.ID, b.Score)
						return
					}
				}
				if _, err := s.Neighbors(ctx(), "u", graph.ByScore, 50); err != nil {
					errs <- fmt.Errorf("Neighbors during ingest: %w", err)
					return
				}
				st, err := s.Stats(ctx())
				if err != nil {
					errs <- fmt.Errorf("stats during ingest: %w", err)
					return
				}
				if st.Faves < lastFaves {
					errs <- fmt.Errorf("Stats.Faves went down during ingest: %d after %d", st.Faves, lastFaves)
					return
				}
				lastFaves = st.Faves
			}
		}(rd)
	}
	wg.Wait()
	done.Store(true)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if reads.Load() == 0 {
		t.Error("no reads ran")
	}
	checkPhotos(t, "photos of u after concurrent ingest", allPhotos(t, s, "u", opts(37)), m.RecommendPhotos("u", graph.Flexplore, graph.DefaultWhy))
	checkUsers(t, "users of u after concurrent ingest", allUsers(t, s, "u", opts(7)), m.RecommendUsers("u"))
}
