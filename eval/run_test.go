package eval

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/embedded"
)

// openEmbedded opens real embedded engines in fresh temporary directories.
func openEmbedded(t *testing.T) Opener {
	t.Helper()
	return func(ctx context.Context) (Engine, error) {
		return embedded.Open(ctx, embedded.Options{Dir: t.TempDir()})
	}
}

// ignoreTimes drops the wall-clock figures, the only ones that vary between runs.
var ignoreTimes = cmpopts.IgnoreFields(Result{}, "MeanMS", "P95MS", "PerUser")

func TestRunHandComputed(t *testing.T) {
	// 1 faves 100 (by 9) and 101 (by 7), and 300 is held out. 9 faves 101 and 300: the only
	// neighbor of 1 with common faves, so Flexplore ranks 300 first. 2, 3 and 4 fave 400, which
	// popularity ranks above 300. 2's held-out 500 is in no training fave; 2's only neighbor (8)
	// faves nothing, so Flexplore has nothing for 2.
	train := readTSV(t, `1@N01	100	9@N01
1@N01	101	7@N01
9@N01	101	7@N01
9@N01	300	8@N01
2@N01	400	8@N01
3@N01	400	8@N01
4@N01	400	8@N01
`)
	test := readTSV(t, "1@N01\t300\t8@N01\n2@N01\t500\t8@N01\n")
	split := WithTest(train, test)
	p := graph.DefaultParams()
	got, err := Run(t.Context(), openEmbedded(t), split, []Config{{graph.Flexplore, p, ""}, {graph.Popularity, p, ""}}, Options{Ks: []int{2, 1}, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	// The held-out photos are 8's: 2 faved 8's 400 (owner faved), 1 faved nothing of 8's (neither).
	buckets := func(hr2, hr1 float64) []Bucket {
		return []Bucket{{Owner: OwnerFaved, Users: 1, HR: hr2, NDCG: hr2}, {Owner: OwnerFollowed}, {Owner: OwnerNeither, Users: 1, HR: hr1, NDCG: hr1}}
	}
	want := []Result{{
		Algorithm: graph.Flexplore, Breakdown: buckets(0, 1),
		Metrics: Metrics{Users: 2, NoRecs: 1,
			HR: AtK{1: 0.5, 2: 0.5}, Recall: AtK{1: 0.5, 2: 0.5}, NDCG: AtK{1: 0.5, 2: 0.5},
			// Catalog: 100, 101, 300, 400. Flexplore shows 300 only.
			Coverage: AtK{1: 0.25, 2: 0.25},
			// 300 comes with its reason (faved by neighbor 9).
			Explained: AtK{1: 1, 2: 1}},
	}, {
		Algorithm: graph.Popularity, Breakdown: buckets(0, 0),
		// 1 gets [400 300]; 2 gets [101 100] (101 has two faves, then 100 before 300 by ID).
		Metrics: Metrics{Users: 2, NoRecs: 0,
			HR: AtK{1: 0, 2: 0.5}, Recall: AtK{1: 0, 2: 0.5}, NDCG: AtK{1: 0, 2: 0.5 / math.Log2(3)},
			Coverage: AtK{1: 0.5, 2: 1},
			// Popularity's reason: how many people faved the photo.
			Explained: AtK{1: 1, 2: 1}},
	}}
	if diff := cmp.Diff(want, got, approx, ignoreTimes); diff != "" {
		t.Errorf("Run (-want +got):\n%s", diff)
	}
}

func TestRunWorldIsDeterministic(t *testing.T) {
	w := flickrtest.Generate(flickrtest.WorldOptions{Seed: 3, Users: 150})
	var buf bytes.Buffer
	if err := w.WriteTSV(&buf); err != nil {
		t.Fatal(err)
	}
	faves, err := ReadFaves(&buf)
	if err != nil {
		t.Fatal(err)
	}
	split, err := HoldOut(faves, SplitRandom, 3, 5)
	if err != nil {
		t.Fatal(err)
	}
	prior50 := graph.DefaultParams()
	prior50.Flexplore.Prior = 50
	configs := []Config{
		{graph.Flexplore, graph.DefaultParams(), ""},
		{graph.Popularity, graph.DefaultParams(), ""},
		{graph.Flexplore, prior50, "prior=50"},
	}
	var progress strings.Builder
	first, err := Run(t.Context(), openEmbedded(t), split, configs, Options{Seed: 1, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	second, err := Run(t.Context(), openEmbedded(t), split, configs, Options{Seed: 1, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, second, ignoreTimes); diff != "" {
		t.Errorf("two runs differ (-first +second):\n%s", diff)
	}
	for i, r := range first {
		if r.Users != len(split.Test) || r.Algorithm != configs[i].Algorithm || r.Params != configs[i].Label {
			t.Errorf("result %d: %s (%s) over %d users, want %s (%s) over %d", i, r.Algorithm, r.Params, r.Users,
				configs[i].Algorithm, configs[i].Label, len(split.Test))
		}
		if r.HR[50] == 0 {
			t.Errorf("%s (%s): HR@50 is 0 on a structured world", r.Algorithm, r.Params)
		}
	}
	if !strings.Contains(progress.String(), "flexplore") || !strings.Contains(progress.String(), "users") {
		t.Errorf("progress output %q names no algorithm or users", progress.String())
	}
	var table strings.Builder
	if err := WriteTable(&table, first, nil); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(table.String(), "\n"); lines != 1+len(configs) {
		t.Errorf("table has %d lines, want %d:\n%s", lines, 1+len(configs), table.String())
	}
}

func TestRunSample(t *testing.T) {
	split := Split{Test: map[string][]string{}}
	for _, u := range []string{"1@N01", "2@N01", "3@N01", "4@N01", "5@N01"} {
		split.Test[u] = []string{"1"}
		split.Train = append(split.Train, Fave{User: u, Photo: "2", Owner: "9@N01"})
	}
	got, err := Run(t.Context(), openEmbedded(t), split, []Config{{graph.Popularity, graph.DefaultParams(), ""}}, Options{MaxUsers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Users != 3 {
		t.Errorf("MaxUsers 3: evaluated %d users", got[0].Users)
	}
	if _, err := Run(t.Context(), openEmbedded(t), split, []Config{{"magic", graph.DefaultParams(), ""}}, Options{}); err == nil {
		t.Error("unknown algorithm: no error")
	}
}
