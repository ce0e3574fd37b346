package graphtest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/photorec/photorec/graph"
)

// Tolerance is the relative difference allowed between a store's score and the reference's:
// backends may sum contributions in another order.
const Tolerance = 1e-9

// Run runs the whole conformance suite. open must return a fresh, empty store scored with
// graph.DefaultFlexplore() whose default algorithm is graph.Flexplore, and register its own
// cleanup. Run the suite with -race: some cases read while others write.
//
// Besides graph/score.go and graph/algorithms.go, the suite pins: bad arguments are
// *graph.ArgumentError with Field "nsid", "photo_id", "owner", "limit", "cursor", "algorithm",
// "why", "order" or "kind" (use graph.CheckID, graph.CheckLimit, graph.NormalizeRecOptions and
// graph.DecodeCursor); NextCursor is "" exactly on the last page (fetch limit+1); photo IDs
// order as strings; CommonFaves puts unknown fave times last; DueForRefresh orders by last pull
// (never first), then NSID, and takes any limit >= 1.
func Run(t *testing.T, open func(t *testing.T) graph.Store) {
	t.Helper() // a test driver: it only starts subtests, each reporting on its own t
	su := suite{open: open}
	t.Run("HandComputedScores", su.testHandComputed)
	t.Run("DismissalFeedback", su.testDismissalFeedback)
	t.Run("Undismiss", su.testUndismiss)
	t.Run("DismissedUser", su.testDismissedUser)
	t.Run("ContactsExcludedFromUserRecs", su.testContacts)
	t.Run("OwnPhotosExcluded", su.testOwnPhotos)
	t.Run("UserWithNoFaves", su.testNoFaves)
	t.Run("NeighborWithNoStoredFaves", su.testNeighborNoFaves)
	t.Run("DuplicateIngest", su.testDuplicateIngest)
	t.Run("PullRemovals", su.testPullRemovals)
	t.Run("RemoveFave", su.testRemoveFave)
	t.Run("FirstOwnerWins", su.testFirstOwnerWins)
	t.Run("RepeatedFinishPull", su.testRepeatedFinishPull)
	t.Run("OverlappingPulls", su.testOverlappingPulls)
	t.Run("UnicodeNames", su.testUnicode)
	t.Run("UpsertKeepsKnownFields", su.testUpsertKeeps)
	t.Run("PagingAcrossTies", su.testPagingTies)
	t.Run("Why", su.testWhy)
	t.Run("Popularity", su.testPopularity)
	t.Run("AddPhotos", su.testAddPhotos)
	t.Run("BadArguments", su.testBadArguments)
	t.Run("UnknownUsers", su.testUnknown)
	t.Run("Tokens", su.testTokens)
	t.Run("MarkVisit", su.testMarkVisit)
	t.Run("DueForRefresh", su.testDueForRefresh)
	t.Run("Neighbors", su.testNeighbors)
	t.Run("CommonFaves", su.testCommonFaves)
	t.Run("SummaryAndStats", su.testSummary)
	t.Run("ConcurrentReadersDuringIngest", su.testConcurrent)
	t.Run("RandomGraphs", su.testRandom)
}

// suite holds what every conformance case needs: each case is a method passed straight to
// t.Run, and opens its own fresh store with open(t).
type suite struct {
	open func(t *testing.T) graph.Store
}

// t0 is the suite's epoch; every time is whole seconds after it (FAVED times have 1 s resolution).
var t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

func at(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }

// photo returns a photo with every field set, so round trips are checked.
func photo(id, owner string) graph.Photo {
	return graph.Photo{
		ID:       id,
		Owner:    owner,
		Title:    "title of " + id,
		Farm:     66,
		Server:   "65535",
		Secret:   "s" + id,
		ThumbURL: "https://live.staticflickr.com/65535/" + id + "_s" + id + "_q.jpg",
		ImageURL: "https://live.staticflickr.com/65535/" + id + "_s" + id + "_b.jpg",
		Width:    1024,
		Height:   683,
	}
}

// fixture is a small world: owner of each photo and each user's faves, in order.
type fixture struct {
	owners map[string]string   // photo -> owner
	faves  map[string][]string // user -> photos
}

// load adds every user's faves as one batch (sorted by user for determinism) at second 0,
// with FavedAt = at(i+1) for the i-th fave, to s and m (either may be nil).
func load(t *testing.T, s graph.Store, m *Model, f fixture) {
	t.Helper()
	users := make([]string, 0, len(f.faves))
	for u := range f.faves {
		users = append(users, u)
	}
	sort.Strings(users)
	for _, u := range users {
		b := graph.FavesBatch{User: u, PullID: "load-" + u, At: t0}
		for i, pid := range f.faves[u] {
			owner, ok := f.owners[pid]
			if !ok {
				t.Fatalf("fixture: photo %s has no owner", pid)
			}
			b.Faves = append(b.Faves, graph.Fave{Photo: photo(pid, owner), FavedAt: at(i + 1)})
		}
		if s != nil {
			mustDo(t, s.AddFaves(context.Background(), b))
		}
		if m != nil {
			m.AddFaves(b)
		}
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ctx() context.Context { return context.Background() }

// sc is the default Flexplore neighbor score of a neighbor nothing of whose was dismissed.
func sc(common, total int) float64 {
	return graph.NeighborScore(graph.DefaultFlexplore(), common, 0, total)
}

var cmpEmpty = cmpopts.EquateEmpty()

var approx = cmpopts.EquateApprox(Tolerance, 0)

// ranked is one item of a ranking: its key and score.
type ranked struct {
	ID    string
	Score float64
}

// allPhotos pages through nsid's photo ranking with the given page size and returns every item.
// It checks the paging contract: full pages until the last, NextCursor "" only on the last one.
func allPhotos(t *testing.T, s graph.Store, nsid string, opts graph.RecOptions) []graph.PhotoRec {
	t.Helper()
	return allPages(t, "RecommendPhotos", nsid, opts, func(o graph.RecOptions) ([]graph.PhotoRec, string, error) {
		page, err := s.RecommendPhotos(ctx(), nsid, o)
		return page.Items, page.NextCursor, err
	})
}

// allUsers pages through nsid's user ranking; see allPhotos.
func allUsers(t *testing.T, s graph.Store, nsid string, opts graph.RecOptions) []graph.UserRec {
	t.Helper()
	return allPages(t, "RecommendUsers", nsid, opts, func(o graph.RecOptions) ([]graph.UserRec, string, error) {
		page, err := s.RecommendUsers(ctx(), nsid, o)
		return page.Items, page.NextCursor, err
	})
}

// allPages follows NextCursor through the pages fetch returns (method names the listing in
// failures) and checks the paging contract for allPhotos and allUsers.
func allPages[T any](t *testing.T, method, nsid string, opts graph.RecOptions, fetch func(graph.RecOptions) ([]T, string, error)) []T {
	t.Helper()
	var out []T
	for i := 0; ; i++ {
		if i > 10000 {
			t.Fatalf("%s(%s): paging does not end", method, nsid)
		}
		items, next, err := fetch(opts)
		if err != nil {
			t.Fatalf("%s(%s, %+v): %v", method, nsid, opts, err)
		}
		if len(items) > opts.Limit {
			t.Fatalf("%s(%s): %d items, limit %d", method, nsid, len(items), opts.Limit)
		}
		out = append(out, items...)
		if next == "" {
			return out
		}
		if len(items) != opts.Limit {
			t.Fatalf("%s(%s): short page of %d (limit %d) has a NextCursor", method, nsid, len(items), opts.Limit)
		}
		opts.Cursor = next
	}
}

func photoKeys(recs []graph.PhotoRec) []ranked {
	out := make([]ranked, len(recs))
	for i, r := range recs {
		out[i] = ranked{r.Photo.ID, r.Score}
	}
	return out
}

func userKeys(recs []graph.UserRec) []ranked {
	out := make([]ranked, len(recs))
	for i, r := range recs {
		out[i] = ranked{r.User.NSID, r.Score}
	}
	return out
}

func near(a, b float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= Tolerance*math.Max(math.Abs(a), math.Abs(b))
}

// checkRanking checks that got is ordered (score desc, then ID asc, no duplicates) and matches
// want up to Tolerance: items whose reference scores are within Tolerance of each other may come
// in either order, since a backend may sum in another order; all others must match position by
// position.
func checkRanking(t *testing.T, what string, got, want []ranked) {
	t.Helper()
	for _, p := range rankingProblems(got, want) {
		t.Errorf("%s: %s", what, p)
	}
}

func rankingProblems(got, want []ranked) []string {
	var out []string
	seen := map[string]bool{}
	for i, g := range got {
		if seen[g.ID] {
			out = append(out, fmt.Sprintf("%s appears twice", g.ID))
		}
		seen[g.ID] = true
		if i > 0 {
			p := got[i-1]
			if p.Score < g.Score || (p.Score == g.Score && p.ID >= g.ID) {
				out = append(out, fmt.Sprintf("item %d (%s %v) after (%s %v): not score desc, id asc", i, g.ID, g.Score, p.ID, p.Score))
			}
		}
	}
	if len(got) != len(want) {
		return append(out, fmt.Sprintf("%d items, want %d\n got: %v\nwant: %v", len(got), len(want), got, want))
	}
	for i := 0; i < len(want); {
		j := i + 1
		for j < len(want) && near(want[j-1].Score, want[j].Score) {
			j++
		}
		wantScores := map[string]float64{}
		for _, w := range want[i:j] {
			wantScores[w.ID] = w.Score
		}
		for _, g := range got[i:j] {
			ws, ok := wantScores[g.ID]
			if !ok {
				out = append(out, fmt.Sprintf("at %d..%d got %s (%v), want one of %v", i, j, g.ID, g.Score, want[i:j]))
				continue
			}
			if !near(ws, g.Score) {
				out = append(out, fmt.Sprintf("%s score %v, want %v", g.ID, g.Score, ws))
			}
		}
		i = j
	}
	return out
}

// checkPhotos compares a photo ranking with the reference: order via checkRanking, then every
// item's content (photo, owner, why) by photo ID.
func checkPhotos(t *testing.T, what string, got, want []graph.PhotoRec) {
	t.Helper()
	checkRanking(t, what, photoKeys(got), photoKeys(want))
	byID := map[string]graph.PhotoRec{}
	for _, w := range want {
		byID[w.Photo.ID] = w
	}
	for _, g := range got {
		w, ok := byID[g.Photo.ID]
		if !ok {
			continue
		}
		if diff := cmp.Diff(w, g, approx, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: photo %s (-want +got):\n%s", what, g.Photo.ID, diff)
		}
	}
}

// checkUsers compares a user ranking with the reference.
func checkUsers(t *testing.T, what string, got, want []graph.UserRec) {
	t.Helper()
	checkRanking(t, what, userKeys(got), userKeys(want))
	byID := map[string]graph.UserRec{}
	for _, w := range want {
		byID[w.User.NSID] = w
	}
	for _, g := range got {
		if w, ok := byID[g.User.NSID]; ok {
			if diff := cmp.Diff(w, g, approx); diff != "" {
				t.Errorf("%s: user %s (-want +got):\n%s", what, g.User.NSID, diff)
			}
		}
	}
}

// wantErr checks that err matches target with errors.Is and, for invalid arguments, that it is an
// *graph.ArgumentError naming field.
func wantErr(t *testing.T, what string, err, target error, field string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: err = %v, want %v", what, err, target)
		return
	}
	if errors.Is(target, graph.ErrInvalidArgument) && field != "" {
		var ae *graph.ArgumentError
		if !errors.As(err, &ae) {
			t.Errorf("%s: err = %T %v, want *graph.ArgumentError", what, err, err)
		} else if ae.Field != field {
			t.Errorf("%s: ArgumentError.Field = %q, want %q", what, ae.Field, field)
		}
	}
}

func opts(limit int) graph.RecOptions { return graph.RecOptions{Limit: limit} }

func ids(recs []graph.PhotoRec) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.Photo.ID
	}
	return out
}

func nsids(recs []graph.UserRec) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.User.NSID
	}
	return out
}
