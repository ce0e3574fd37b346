package eval

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/photorec/photorec/graph"
)

func TestReadFollows(t *testing.T) {
	got, err := ReadFollows(strings.NewReader("1@N01\t2@N01\n\n1@N01\t3@N01\r\n1@N01\t2@N01\n4@N01\t1@N01\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"1@N01": {"2@N01", "3@N01"}, "4@N01": {"1@N01"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("follows (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"1@N01\n", "1@N01\t\n", "a\tb\tc\n"} {
		if _, err := ReadFollows(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("ReadFollows(%q) = %v, want an error naming line 1", bad, err)
		}
	}
}

// TestRunFollowsAndBreakdown loads follows as contacts (the Follows algorithm finds a followee's
// photo only through them) and splits the figures by where the held-out photo's owner stands.
func TestRunFollowsAndBreakdown(t *testing.T) {
	// 1 faves 100 (by 9) and holds out 101 (by 9: owner already faved). 2 faves 100 and holds
	// out 200 (by 7, whom 2 follows). 3 faves 100 and holds out 300 (by 6: neither).
	train := readTSV(t, `1@N01	100	9@N01
2@N01	100	9@N01
3@N01	100	9@N01
4@N01	101	9@N01
4@N01	200	7@N01
4@N01	300	6@N01
`)
	test := readTSV(t, "1@N01\t101\t9@N01\n2@N01\t200\t7@N01\n3@N01\t300\t6@N01\n")
	split := WithTest(train, test)
	split.Follows = map[string][]string{"2@N01": {"7@N01"}}
	p := graph.DefaultParams()
	got, err := Run(t.Context(), openEmbedded(t), split, []Config{{graph.Follows, p, ""}, {graph.Owners, p, ""}}, Options{Ks: []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]Bucket{
		// Follows: 2 gets 200 (by 7, whom 2 follows) first; nobody else follows anyone.
		{{OwnerFaved, 1, 0, 0}, {OwnerFollowed, 1, 1, 1}, {OwnerNeither, 1, 0, 0}},
		// Owners: 1 gets 101 (9's other photo) first.
		{{OwnerFaved, 1, 1, 1}, {OwnerFollowed, 1, 0, 0}, {OwnerNeither, 1, 0, 0}},
	}
	for i, r := range got {
		if diff := cmp.Diff(want[i], r.Breakdown, approx); diff != "" {
			t.Errorf("%s breakdown (-want +got):\n%s", r.Algorithm, diff)
		}
	}
	var table strings.Builder
	if err := WriteBreakdown(&table, got, []int{1}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "owner_followed(1) HR@1") {
		t.Errorf("breakdown table without its bucket heading:\n%s", table.String())
	}
}

func TestCompare(t *testing.T) {
	a := Result{Algorithm: graph.Hybrid, PerUser: []UserOutcome{{1, 1}, {0, 0}, {1, 0.5}, {0, 0}}}
	b := Result{Algorithm: graph.Blend, Params: "prior=50", PerUser: []UserOutcome{{0, 0}, {1, 0.5}, {1, 0.5}, {0, 0}}}
	got, err := Compare(a, b, 500, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := Paired{A: "hybrid", B: "blend (prior=50)", Users: 4, Wins: 1, Losses: 1, Ties: 2,
		MeanDiff: (1 - 0.5) / 4, HRA: 0.5, HRB: 0.5, NDCGA: 1.5 / 4, NDCGB: 1.0 / 4}
	if diff := cmp.Diff(want, got, approx, cmpIgnoreCI); diff != "" {
		t.Errorf("Compare (-want +got):\n%s", diff)
	}
	if got.CILow > got.MeanDiff || got.CIHigh < got.MeanDiff || got.CILow < -0.5 || got.CIHigh > 1 {
		t.Errorf("bootstrap interval [%v, %v] does not hold the mean difference %v within the differences' range", got.CILow, got.CIHigh, got.MeanDiff)
	}
	if _, err := Compare(a, Result{PerUser: a.PerUser[:2]}, 10, 1); err == nil {
		t.Error("Compare of results over different users: no error")
	}
}

var cmpIgnoreCI = cmpopts.IgnoreFields(Paired{}, "CILow", "CIHigh")
