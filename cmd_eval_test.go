package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestEvalWorldJSON(t *testing.T) {
	stdout, stderr, err := runCmd(t, "eval", "--world", "--world-users", "120", "--seed", "4",
		"--algorithms", "flexplore,popularity", "--sweep-prior", "100,250", "--k", "5,10", "--json")
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
	if want := "flexplore flexplore popularity"; strings.Join(got, " ") != want {
		t.Errorf("results for %q, want %q (the prior sweep applies to flexplore)", strings.Join(got, " "), want)
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
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], "flexplore") || !strings.Contains(lines[1], " 1.0000 ") {
		t.Errorf("table:\n%s\nwant one flexplore row with HR@1 1.0000", stdout)
	}
}

func TestEvalUsage(t *testing.T) {
	for _, args := range [][]string{
		{"eval"},
		{"eval", "--world", "--faves", "x.tsv"},
		{"eval", "--world", "--k", "0"},
		{"eval", "--world", "--sweep-prior", "a"},
		{"eval", "--world", "--min-faves", "1"},
	} {
		_, _, err := runCmd(t, args...)
		if exitCode(err) != 2 {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
}
