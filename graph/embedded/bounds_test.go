package embedded

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/photorec/photorec/cypher"
	"github.com/photorec/photorec/graph"
)

// The Neo4j backend's read statements state in their headers the most rows they expand (the
// "rows:" field, terms in cypher/README.md) and a budget. This engine holds the same graph, so the
// tests below compute each formula for every member of the synthetic graphs of the benchmarks
// (bench_test.go) and fail when the largest value exceeds the statement's budget.

// synthState builds the synthetic graph of about faves FAVED edges in memory, without the log:
// every pull's batches and its full finish, applied as the log would replay them.
func synthState(tb testing.TB, faves int) *state {
	tb.Helper()
	g := newSynth(faves)
	st := newState()
	g.each(func(nsid string, photos []int) {
		p := g.pull(nsid, photos)
		for _, b := range p.batches {
			if _, err := st.apply(encodeAddFaves(b, b.At.UnixNano())); err != nil {
				tb.Fatal(err)
			}
		}
		if _, err := st.apply(encodeFinishPull(p.done, p.done.At.UnixNano())); err != nil {
			tb.Fatal(err)
		}
	})
	return st
}

// userTerms are the per-member terms of the rows formulas (cypher/README.md).
type userTerms struct {
	d, n, co, dis, nf, ex, cf int
	dp, du, c, cnf, nt, ct    int
	sf                        int // faves of the strongestLoad co-favers with the most faves
}

// strongestLoad is how many co-favers a Hybrid or RP3Beta ranking loads at most: the default
// graph.WalkParams.Users (600) and graph/neo4j's margin (600/8 + 8).
const strongestLoad = 600 + 600/8 + 8

// terms computes userTerms for every user of st in one pass over the FAVED edges.
func terms(st *state) []userTerms {
	out := make([]userTerms, len(st.users))
	mark := make([]uint32, len(st.users))  // mark[o] == u+1: o already counted as u's neighbor
	cmark := make([]uint32, len(st.users)) // cmark[v] == u+1: v already counted as u's co-faver
	var ds []int
	for i := range st.users {
		u := uint32(i)
		tm := &out[i]
		faves := st.Faves(u)
		tm.d = len(faves)
		for _, q := range faves {
			tm.co += st.Degree(q)
			o := st.Owner(q)
			if o == none || o == u || mark[o] == u+1 {
				continue
			}
			mark[o] = u + 1
			tm.n++
			tm.nf += len(st.Faves(o))
			tm.nt += len(st.Took(o))
		}
		ds = ds[:0]
		for _, q := range faves {
			for _, v := range st.Favers(q) {
				if v != u && cmark[v] != u+1 {
					cmark[v] = u + 1
					tm.cf += len(st.Faves(v))
					ds = append(ds, len(st.Faves(v)))
				}
			}
		}
		if len(ds) > strongestLoad {
			slices.Sort(ds)
			ds = ds[len(ds)-strongestLoad:]
		}
		for _, n := range ds {
			tm.sf += n
		}
		for _, q := range st.DismissedPhotos(u) {
			tm.dis += st.Degree(q)
		}
		tm.dp, tm.du, tm.c = len(st.DismissedPhotos(u)), len(st.DismissedUsers(u)), len(st.Contacts(u))
		for _, c := range st.Contacts(u) {
			tm.cnf += len(st.Faves(c))
			tm.ct += len(st.Took(c))
		}
		tm.ex = tm.d + len(st.DismissedPhotos(u)) + len(st.Took(u))
		for _, x := range st.DismissedUsers(u) {
			tm.ex += len(st.Took(x))
		}
	}
	return out
}

// maxRankingSize is the largest stored ranking config allows (neo4j.ranking_size).
const maxRankingSize = 2000

// evalRows evaluates a rows formula: terms joined by "+", each "k", "k*name" or "name", with the
// names of cypher/README.md. limit is graph.MaxLimit+1 (a page asks for one more row); topdeg is
// the sum of the maxRankingSize largest photo degrees (the favers of a stored ranking's photos).
func evalRows(formula string, tm userTerms, reg, mig, topdeg int) (int, error) {
	total := 0
	for _, term := range strings.Split(formula, "+") {
		term = strings.TrimSpace(term)
		k := 1
		if a, b, ok := strings.Cut(term, "*"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(a))
			if err != nil {
				return 0, fmt.Errorf("term %q: bad factor", term)
			}
			k, term = n, strings.TrimSpace(b)
		}
		var v int
		switch term {
		case "d(me)":
			v = tm.d
		case "n(me)":
			v = tm.n
		case "co(me)":
			v = tm.co
		case "dis(me)":
			v = tm.dis
		case "nf(me)":
			v = tm.nf
		case "ex(me)":
			v = tm.ex
		case "cf(me)":
			v = tm.cf
		case "dp(me)":
			v = tm.dp
		case "du(me)":
			v = tm.du
		case "c(me)":
			v = tm.c
		case "cnf(me)":
			v = tm.cnf
		case "nt(me)":
			v = tm.nt
		case "ct(me)":
			v = tm.ct
		case "ranked":
			v = maxRankingSize
		case "sf(me)":
			v = tm.sf
		case "topdeg":
			v = topdeg
		case "limit":
			v = graph.MaxLimit + 1
		case "reg":
			v = reg
		case "mig":
			v = mig
		default:
			n, err := strconv.Atoi(term)
			if err != nil {
				return 0, fmt.Errorf("term %q: unknown name", term)
			}
			v = n
		}
		total += k * v
	}
	return total, nil
}

// checkRowBounds evaluates every read statement's rows formula for every member of st and
// fails when the largest value exceeds the budget; it logs each statement's largest value.
func checkRowBounds(t *testing.T, st *state) {
	t.Helper()
	ms, err := cypher.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	reg := 0
	for i := range st.users {
		if x := st.users[i].x; x != nil && x.registered {
			reg++
		}
	}
	all := terms(st)
	degs := slices.Clone(st.count)
	slices.Sort(degs)
	topdeg := 0
	for _, d := range degs[max(0, len(degs)-maxRankingSize):] {
		topdeg += int(d)
	}
	for _, s := range cypher.Store() {
		if s.Mode != cypher.Read {
			continue
		}
		if s.Rows == "" {
			t.Errorf("%s: a read without a rows bound in its header", s.Name)
			continue
		}
		worst, who := 0, ""
		for i, tm := range all {
			v, err := evalRows(s.Rows, tm, reg, len(ms), topdeg)
			if err != nil {
				t.Fatalf("%s: rows %q: %v", s.Name, s.Rows, err)
			}
			if v > worst {
				worst, who = v, st.users[i].nsid
			}
		}
		t.Logf("%-28s rows %-48s max %9d (%s), budget %9d", s.Name, s.Rows, worst, who, s.Budget)
		if worst > s.Budget {
			t.Errorf("%s: %s reaches %d rows for %s, over its budget of %d", s.Name, s.Rows, worst, who, s.Budget)
		}
	}
}

func TestEvalRows(t *testing.T) {
	tm := userTerms{d: 10, n: 3, co: 100, dis: 7, nf: 1000, ex: 20, cf: 5000, sf: 60}
	for _, tt := range []struct {
		formula string
		want    int
	}{
		{"1", 1},
		{"1 + 2*d(me) + 3*n(me) + co(me) + dis(me) + 2*nf(me)", 1 + 20 + 9 + 100 + 7 + 2000},
		{"2 + 2*limit + 2*ex(me)", 2 + 2*501 + 40},
		{"cf(me) + 3*co(me)", 5300},
		{"reg", 4},
		{"topdeg + 2*sf(me)", 9 + 2*60},
		{"mig", 5},
	} {
		got, err := evalRows(tt.formula, tm, 4, 5, 9)
		if err != nil || got != tt.want {
			t.Errorf("evalRows(%q) = %d, %v; want %d", tt.formula, got, err, tt.want)
		}
	}
	for _, bad := range []string{"x(me)", "2*", "a*d(me)"} {
		if _, err := evalRows(bad, tm, 0, 0, 0); err == nil {
			t.Errorf("evalRows(%q): no error", bad)
		}
	}
}

// TestCypherRowBounds1M holds every Neo4j read to its budget on the 1M-fave synthetic graph.
func TestCypherRowBounds1M(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the 1M-fave synthetic graph (about 10 s); not in -short")
	}
	checkRowBounds(t, synthState(t, 1_000_000))
}

// TestCypherRowBounds20M does the same on the 20M-fave graph. It needs several GB of memory and a
// few minutes, so it is opt-in: PHOTOREC_BOUNDS_LARGE=1 (docs/operations.md says when to run it).
func TestCypherRowBounds20M(t *testing.T) {
	if os.Getenv("PHOTOREC_BOUNDS_LARGE") == "" {
		t.Skip("set PHOTOREC_BOUNDS_LARGE=1 to build the 20M-fave synthetic graph")
	}
	checkRowBounds(t, synthState(t, 20_000_000))
}
