package graphtest

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/photorec/photorec/graph"
)

// basic is the hand-computed world:
//
//	u faves pa1 pa2 (by a) and pb1 (by b): neighbors a (taken 2) and b (taken 1).
//	a faves pb1 pc1 pc2:          total 3, common 1 -> 150*sqrt(1/253) = 9.430419...
//	b faves pa1 pa2 pc1 pu1 px1:  total 5, common 2 -> 150*sqrt(2/255) = 13.284223...
//	c faves pa1 (c is not u's neighbor).
//
// u's photos: pc1 = a+b, px1 = b, pc2 = a; pu1 is u's own photo, pa1 pa2 pb1 are u's faves.
var basic = fixture{
	owners: map[string]string{
		"pa1": "a", "pa2": "a", "pb1": "b", "pc1": "c", "pc2": "c", "pu1": "u", "px1": "x",
	},
	faves: map[string][]string{
		"u": {"pa1", "pa2", "pb1"},
		"a": {"pb1", "pc1", "pc2"},
		"b": {"pa1", "pa2", "pc1", "pu1", "px1"},
		"c": {"pa1"},
	},
}

// Hand-computed neighbor scores of the basic world, written out as decimals.
const (
	scoreA        = 9.430419201928972 // 150*sqrt(1/253)
	scoreB        = 13.28422328310143 // 150*sqrt(2/255)
	scoreBMinus1  = 9.393364366277243 // 150*sqrt((2-1)/255): b after u dismissed one photo b faved
	handTolerance = 1e-12
)

type scored struct {
	ID    string
	Score float64
}

func photoScores(recs []graph.PhotoRec) []scored {
	out := []scored{}
	for _, r := range recs {
		out = append(out, scored{r.Photo.ID, r.Score})
	}
	return out
}

func userScores(recs []graph.UserRec) []scored {
	out := []scored{}
	for _, r := range recs {
		out = append(out, scored{r.User.NSID, r.Score})
	}
	return out
}

// whyOf maps each photo to the people of its ReasonNeighbors reason (Flexplore's why).
func whyOf(recs []graph.PhotoRec) map[string][]scored {
	return peopleOf(recs, graph.ReasonNeighbors)
}

// peopleOf maps each photo to the people of its reason of kind, with their scores.
func peopleOf(recs []graph.PhotoRec, kind graph.ReasonKind) map[string][]scored {
	out := map[string][]scored{}
	for _, r := range recs {
		w := []scored{}
		for _, rs := range r.Reasons {
			if rs.Kind != kind {
				continue
			}
			for _, c := range rs.Users {
				w = append(w, scored{c.User.NSID, c.Score})
			}
		}
		out[r.Photo.ID] = w
	}
	return out
}

// kindsOf maps each photo to the kinds of its reasons, in order.
func kindsOf(recs []graph.PhotoRec) map[string][]graph.ReasonKind {
	out := map[string][]graph.ReasonKind{}
	for _, r := range recs {
		ks := []graph.ReasonKind{}
		for _, rs := range r.Reasons {
			ks = append(ks, rs.Kind)
		}
		out[r.Photo.ID] = ks
	}
	return out
}

var handApprox = cmpopts.EquateApprox(handTolerance, 0)

func checkScores(t *testing.T, what string, got, want []scored) {
	t.Helper()
	if diff := cmp.Diff(want, got, handApprox, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

func (su suite) testHandComputed(t *testing.T) {
	s := su.open(t)
	if math.Abs(sc(1, 3)-scoreA) > handTolerance || math.Abs(sc(2, 5)-scoreB) > handTolerance {
		t.Fatalf("graph.NeighborScore disagrees with the hand-computed constants")
	}
	load(t, s, nil, basic)

	photos := allPhotos(t, s, "u", opts(50))
	checkScores(t, "photos of u", photoScores(photos), []scored{
		{"pc1", scoreA + scoreB}, {"px1", scoreB}, {"pc2", scoreA},
	})
	if diff := cmp.Diff(map[string][]scored{
		"pc1": {{"b", scoreB}, {"a", scoreA}},
		"px1": {{"b", scoreB}},
		"pc2": {{"a", scoreA}},
	}, whyOf(photos), handApprox); diff != "" {
		t.Errorf("why (-want +got):\n%s", diff)
	}
	if len(photos) > 0 {
		want := photo("pc1", "c")
		want.AddedAt = t0
		if diff := cmp.Diff(want, photos[0].Photo); diff != "" {
			t.Errorf("photo pc1 round trip (-want +got):\n%s", diff)
		}
		if photos[0].Owner.NSID != "c" {
			t.Errorf("owner of pc1 = %q, want c", photos[0].Owner.NSID)
		}
	}

	users := allUsers(t, s, "u", opts(50))
	checkScores(t, "users of u", userScores(users), []scored{{"b", scoreB}, {"a", scoreA}})
	want := []graph.UserRec{
		{User: graph.User{NSID: "b"}, Score: scoreB, Common: 2, Total: 5},
		{User: graph.User{NSID: "a"}, Score: scoreA, Common: 1, Total: 3},
	}
	if diff := cmp.Diff(want, users, handApprox); diff != "" {
		t.Errorf("user recs (-want +got):\n%s", diff)
	}

	// The default algorithm is Flexplore.
	explicit := allPhotos(t, s, "u", graph.RecOptions{Algorithm: graph.Flexplore, Limit: 50})
	if diff := cmp.Diff(photoScores(photos), photoScores(explicit), handApprox); diff != "" {
		t.Errorf("Algorithm \"\" differs from flexplore (-default +flexplore):\n%s", diff)
	}
}

func (su suite) testDismissalFeedback(t *testing.T) {
	s := su.open(t)
	load(t, s, nil, basic)
	// u dismisses px1, which b faved: px1 goes, and b's common count drops by DismissWeight (1).
	mustDo(t, s.DismissPhoto(ctx(), "u", "px1"))
	mustDo(t, s.DismissPhoto(ctx(), "u", "px1")) // idempotent: counted once
	checkScores(t, "photos after dismissing px1", photoScores(allPhotos(t, s, "u", opts(50))), []scored{
		{"pc1", scoreA + scoreBMinus1}, {"pc2", scoreA},
	})
	// b now scores below a, so the user ranking flips.
	checkScores(t, "users after dismissing px1", userScores(allUsers(t, s, "u", opts(50))), []scored{
		{"a", scoreA}, {"b", scoreBMinus1},
	})
	nb, err := s.Neighbors(ctx(), "u", graph.ByScore, 10)
	mustDo(t, err)
	got := []scored{}
	for _, n := range nb {
		got = append(got, scored{n.User.NSID, n.Score})
	}
	checkScores(t, "neighbors by score after dismissing px1", got, []scored{{"a", scoreA}, {"b", scoreBMinus1}})

	// pc1 is faved by both a and b: dismissing it cancels a's only common fave and b's second
	// one. Both score 0, so nothing is recommended, and both stay in user recs with score 0.
	mustDo(t, s.DismissPhoto(ctx(), "u", "pc1"))
	checkScores(t, "photos after dismissing px1 and pc1", photoScores(allPhotos(t, s, "u", opts(50))), nil)
	checkScores(t, "users after dismissing px1 and pc1", userScores(allUsers(t, s, "u", opts(50))), []scored{
		{"a", 0}, {"b", 0},
	})
	// A dismissed photo no neighbor faved changes no score.
	mustDo(t, s.DismissPhoto(ctx(), "u", "never-seen-photo"))
	mustDo(t, s.UndismissPhoto(ctx(), "u", "pc1"))
	checkScores(t, "users after undismissing pc1", userScores(allUsers(t, s, "u", opts(50))), []scored{
		{"a", scoreA}, {"b", scoreBMinus1},
	})
}

func (su suite) testUndismiss(t *testing.T) {
	s := su.open(t)
	load(t, s, nil, basic)
	mustDo(t, s.DismissPhoto(ctx(), "u", "px1"))
	mustDo(t, s.DismissPhoto(ctx(), "u", "pc1"))
	mustDo(t, s.UndismissPhoto(ctx(), "u", "px1"))
	mustDo(t, s.UndismissPhoto(ctx(), "u", "px1")) // idempotent
	mustDo(t, s.UndismissPhoto(ctx(), "u", "not-dismissed"))
	// Only pc1 stays dismissed: a scores 0 (its only common fave is cancelled), so pc2 goes.
	checkScores(t, "photos after undismissing px1", photoScores(allPhotos(t, s, "u", opts(50))), []scored{
		{"px1", scoreBMinus1},
	})
	mustDo(t, s.UndismissPhoto(ctx(), "u", "pc1"))
	checkScores(t, "photos after undismissing all", photoScores(allPhotos(t, s, "u", opts(50))), []scored{
		{"pc1", scoreA + scoreB}, {"px1", scoreB}, {"pc2", scoreA},
	})

	mustDo(t, s.DismissUser(ctx(), "u", "b"))
	mustDo(t, s.UndismissUser(ctx(), "u", "b"))
	mustDo(t, s.UndismissUser(ctx(), "u", "b"))
	checkScores(t, "users after undismissing b", userScores(allUsers(t, s, "u", opts(50))), []scored{
		{"b", scoreB}, {"a", scoreA},
	})
}

func (su suite) testDismissedUser(t *testing.T) {
	s := su.open(t)
	load(t, s, nil, basic)
	// Dismissing b removes b from user recs; photos b faved still count b's score.
	mustDo(t, s.DismissUser(ctx(), "u", "b"))
	mustDo(t, s.DismissUser(ctx(), "u", "b"))
	checkScores(t, "users after dismissing b", userScores(allUsers(t, s, "u", opts(50))), []scored{{"a", scoreA}})
	checkScores(t, "photos after dismissing b", photoScores(allPhotos(t, s, "u", opts(50))), []scored{
		{"pc1", scoreA + scoreB}, {"px1", scoreB}, {"pc2", scoreA},
	})
	// Dismissing a photographer removes their photos.
	mustDo(t, s.DismissUser(ctx(), "u", "c"))
	checkScores(t, "photos after dismissing c", photoScores(allPhotos(t, s, "u", opts(50))), []scored{{"px1", scoreB}})
}

func (su suite) testContacts(t *testing.T) {
	s := su.open(t)
	load(t, s, nil, basic)
	mustDo(t, s.SetContacts(ctx(), "u", []graph.User{{NSID: "b", Username: "bee"}, {NSID: "stranger"}}))
	checkScores(t, "users with contact b", userScores(allUsers(t, s, "u", opts(50))), []scored{{"a", scoreA}})
	// Photos by or faved by contacts are still recommended.
	checkScores(t, "photos with contact b", photoScores(allPhotos(t, s, "u", opts(50))), []scored{
		{"pc1", scoreA + scoreB}, {"px1", scoreB}, {"pc2", scoreA},
	})
	got, err := s.User(ctx(), "b")
	mustDo(t, err)
	if got.Username != "bee" {
		t.Errorf("SetContacts did not merge the contact's username: %+v", got)
	}
	// SetContacts replaces.
	mustDo(t, s.SetContacts(ctx(), "u", []graph.User{{NSID: "a"}}))
	checkScores(t, "users with contact a", userScores(allUsers(t, s, "u", opts(50))), []scored{{"b", scoreB}})
	mustDo(t, s.SetContacts(ctx(), "u", nil))
	checkScores(t, "users with no contacts", userScores(allUsers(t, s, "u", opts(50))), []scored{{"b", scoreB}, {"a", scoreA}})
}

func (su suite) testOwnPhotos(t *testing.T) {
	s := su.open(t)
	load(t, s, nil, basic)
	for _, r := range allPhotos(t, s, "u", opts(50)) {
		if r.Photo.Owner == "u" {
			t.Errorf("u's own photo %s recommended to u", r.Photo.ID)
		}
	}
	// u's own photo is recommended to others: b faved pu1, so a gets it.
	got := ids(allPhotos(t, s, "a", opts(50)))
	found := false
	for _, id := range got {
		found = found || id == "pu1"
	}
	if !found {
		t.Errorf("a's photos %v lack pu1 (faved by a's neighbor b)", got)
	}
}

func (su suite) testNoFaves(t *testing.T) {
	s := su.open(t)
	load(t, s, nil, basic)
	mustDo(t, s.UpsertUsers(ctx(), []graph.User{{NSID: "lonely"}}))
	for _, who := range []string{"lonely", "x"} {
		page, err := s.RecommendPhotos(ctx(), who, opts(10))
		mustDo(t, err)
		if len(page.Items) != 0 || page.NextCursor != "" {
			t.Errorf("photos of %s = %+v, want an empty last page", who, page)
		}
		upage, err := s.RecommendUsers(ctx(), who, opts(10))
		mustDo(t, err)
		if len(upage.Items) != 0 || upage.NextCursor != "" {
			t.Errorf("users of %s = %+v, want an empty last page", who, upage)
		}
		nb, err := s.Neighbors(ctx(), who, graph.ByScore, 10)
		mustDo(t, err)
		if len(nb) != 0 {
			t.Errorf("neighbors of %s = %+v, want none", who, nb)
		}
	}
}

func (su suite) testNeighborNoFaves(t *testing.T) {
	s := su.open(t)
	// u faves photos by a (no stored faves) and b (faves q1, which u does not).
	load(t, s, nil, fixture{
		owners: map[string]string{"pa": "a", "pb": "b", "q1": "z"},
		faves:  map[string][]string{"u": {"pa", "pb"}, "b": {"q1"}},
	})
	checkScores(t, "users", userScores(allUsers(t, s, "u", opts(50))), []scored{{"a", 0}, {"b", 0}})
	checkScores(t, "photos", photoScores(allPhotos(t, s, "u", opts(50))), nil)
	nb, err := s.Neighbors(ctx(), "u", graph.ByTaken, 10)
	mustDo(t, err)
	want := []graph.Neighbor{
		{User: graph.User{NSID: "a"}, Taken: 1},
		{User: graph.User{NSID: "b"}, Taken: 1, Total: 1},
	}
	if diff := cmp.Diff(want, nb, handApprox); diff != "" {
		t.Errorf("neighbors (-want +got):\n%s", diff)
	}
}
