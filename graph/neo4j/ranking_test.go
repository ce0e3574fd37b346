package neo4j

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/rank"
)

// TestStoredReasonsRoundTrip checks that reasons stored as JSON (store_ranking) read back as
// the reasons the ranking gave, people named by their fields, cut to the page's why.
func TestStoredReasonsRoundTrip(t *testing.T) {
	h := newHood()
	a, b := h.user("a@N01"), h.user("b@N01")
	people := map[string]graph.User{"a@N01": {NSID: "a@N01", Username: "Ann"}}
	rs := []rank.Reason{
		{Kind: graph.ReasonCoFavers, Count: 7, Users: []rank.Person{{User: a, Score: 3, Common: 3}, {User: b, Score: 2, Common: 2}}},
		{Kind: graph.ReasonOwnerFaved, Count: 2, Users: []rank.Person{{User: b, Score: 2}}},
	}
	js, err := json.Marshal(reasonsOf(h, people, rs))
	if err != nil {
		t.Fatal(err)
	}
	var got []graph.Reason
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatal(err)
	}
	want := []graph.Reason{
		{Kind: graph.ReasonCoFavers, Count: 7, Users: []graph.Contribution{{User: graph.User{NSID: "a@N01", Username: "Ann"}, Score: 3, Common: 3}}},
		{Kind: graph.ReasonOwnerFaved, Count: 2, Users: []graph.Contribution{{User: graph.User{NSID: "b@N01"}, Score: 2}}},
	}
	if diff := cmp.Diff(want, trimWhy(got, 1)); diff != "" {
		t.Errorf("stored reasons (-want +got):\n%s", diff)
	}
}

func TestRankQueue(t *testing.T) {
	q := newRankQueue()
	defer q.cancel()
	q.add(rankJob{"u", graph.Hybrid})
	q.add(rankJob{"v", graph.Hybrid})
	q.add(rankJob{"u", graph.Hybrid}) // queued already
	q.add(rankJob{"u", graph.RP3Beta})
	var got []rankJob
	for {
		j, ok := q.next()
		if !ok {
			break
		}
		got = append(got, j)
	}
	want := []rankJob{{"u", graph.Hybrid}, {"v", graph.Hybrid}, {"u", graph.RP3Beta}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(rankJob{})); diff != "" {
		t.Errorf("jobs (-want +got):\n%s", diff)
	}
	q.add(rankJob{"u", graph.Hybrid}) // done: may be queued again
	if j, ok := q.next(); !ok || j != (rankJob{"u", graph.Hybrid}) {
		t.Errorf("after the queue emptied: next = %v, %v", j, ok)
	}
}
