package main

import (
	"cmp"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/photorec/photorec/graph"
)

func TestEvalWorldJSON(t *testing.T) {
	stdout, stderr, err := runCmd(t, "eval", "--world", "--world-users", "120", "--seed", "4",
		"--algorithms", "flexplore,popularity,hybrid", "--sweep", "prior=100,250", "--k", "5,10", "--compare", "hybrid,flexplore@2", "--json")
	if err != nil {
		t.Fatalf("eval: %v\n%s", err, stderr)
	}
	var rep evalReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("eval --json: %v\n%s", err, stdout)
	}
	var got []string
	for _, r := range rep.Results {
		got = append(got, string(r.Algorithm))
		if r.Users != rep.TestUsers || r.Users == 0 {
			t.Errorf("%s: %d users, want %d (every held-out user)", r.Algorithm, r.Users, rep.TestUsers)
		}
		if _, ok := r.HR[10]; !ok {
			t.Errorf("%s: no HR@10 in %v", r.Algorithm, r.HR)
		}
	}
	if want := "flexplore flexplore popularity hybrid"; strings.Join(got, " ") != want {
		t.Errorf("results for %q, want %q (the prior sweep applies to flexplore only)", strings.Join(got, " "), want)
	}
	if p := rep.Results[1].Params; p != "prior=250" {
		t.Errorf("second flexplore row's params %q, want prior=250", p)
	}
	if rep.Paired == nil || rep.Paired.A != "hybrid" || rep.Paired.B != "flexplore (prior=250)" || rep.Paired.Users != rep.TestUsers {
		t.Errorf("paired comparison %+v, want hybrid against the second flexplore row over every user", rep.Paired)
	}
	if !strings.Contains(stderr, "held out") {
		t.Errorf("stderr lacks the split summary:\n%s", stderr)
	}
}

func TestEvalFileAndTestPairs(t *testing.T) {
	faves := writeFile(t, "faves.tsv", "1@N01\t100\t9@N01\n1@N01\t101\t7@N01\n9@N01\t101\t7@N01\n9@N01\t300\t8@N01\n")
	test := writeFile(t, "test.tsv", "1@N01\t300\t8@N01\n")
	stdout, stderr, err := runCmd(t, "eval", "--faves", faves, "--test", test, "--algorithms", "flexplore", "--k", "1")
	if err != nil {
		t.Fatalf("eval: %v\n%s", err, stderr)
	}
	// 1's neighbor 9 faves the held-out 300: a hit at rank 1.
	tables := strings.Split(strings.TrimSpace(stdout), "\n\n")
	lines := strings.Split(tables[0], "\n")
	if len(tables) != 2 || len(lines) != 2 || !strings.Contains(lines[1], "flexplore") || !strings.Contains(lines[1], " 1.0000 ") {
		t.Errorf("tables:\n%s\nwant one flexplore row with HR@1 1.0000, then the breakdown", stdout)
	}
	follows := writeFile(t, "follows.tsv", "1@N01\t8@N01\n")
	stdout, stderr, err = runCmd(t, "eval", "--faves", faves, "--test", test, "--follows", follows, "--algorithms", "follows", "--k", "1")
	if err != nil {
		t.Fatalf("eval --follows: %v\n%s", err, stderr)
	}
	// 1 follows 8, who took 300: a hit at rank 1, in the owner-followed bucket.
	if !strings.Contains(stdout, " 1.0000 ") || !strings.Contains(stdout, "owner_followed(1)") {
		t.Errorf("eval --follows:\n%s\nwant HR@1 1.0000 and one owner-followed user", stdout)
	}
}

func TestEvalUsage(t *testing.T) {
	for _, args := range [][]string{
		{"eval"},
		{"eval", "--world", "--faves", "x.tsv"},
		{"eval", "--world", "--k", "0"},
		{"eval", "--world", "--sweep", "prior=a"},
		{"eval", "--world", "--sweep", "nope=1"},
		{"eval", "--world", "--set", "alpha"},
		{"eval", "--world", "--algorithms", "magic"},
		{"eval", "--world", "--compare", "hybrid"},
		{"eval", "--world", "--compare", "hybrid,magic"},
		{"eval", "--world", "--follows", "f.tsv"},
		{"eval", "--world", "--min-faves", "1"},
	} {
		_, _, err := runCmd(t, args...)
		if exitCode(err) != 2 {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
}

// TestQualityFloorHASC runs the default ranking on real Flickr favorites (the HASC sample's
// validation split, ../shared/data/hasc or PHOTOREC_HASC_DIR) and fails below the quality floor.
// Without the data it skips, except under CI, where a skip would hide the floor.
func TestQualityFloorHASC(t *testing.T) {
	const floor = 0.043 // HR@10 on val; the default measured 0.0516 (docs/evaluation.md)
	dir := cmp.Or(os.Getenv("PHOTOREC_HASC_DIR"), filepath.Join("..", "shared", "data", "hasc"))
	train := filepath.Join(dir, "train.tsv.gz")
	if _, err := os.Stat(train); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but the real favorites are missing (%v): the quality floor cannot be checked", err)
		}
		t.Skipf("real favorites not found (%v); set PHOTOREC_HASC_DIR to check the quality floor", err)
	}
	stdout, stderr, err := runCmd(t, "eval", "--faves", train, "--test", filepath.Join(dir, "val.tsv.gz"),
		"--follows", filepath.Join(dir, "follows.tsv.gz"), "--algorithms", string(graph.DefaultAlgorithm), "--k", "10", "--json")
	if err != nil {
		t.Fatalf("eval: %v\n%s", err, stderr)
	}
	var rep evalReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("eval --json: %v", err)
	}
	r := rep.Results[0]
	t.Logf("%s on HASC val: HR@10 %.4f, NDCG@10 %.4f, why@10 %.4f over %d users", r.Algorithm, r.HR[10], r.NDCG[10], r.Explained[10], r.Users)
	if r.Users < 4000 {
		t.Errorf("evaluated %d users, want the whole val split (4,418)", r.Users)
	}
	if r.HR[10] < floor {
		t.Errorf("HR@10 %.4f of the default (%s) is below the quality floor %.3f", r.HR[10], r.Algorithm, floor)
	}
	if r.Explained[10] < 0.95 {
		t.Errorf("why@10 %.4f: fewer than 95%% of the default's top-10 photos say why", r.Explained[10])
	}
}
