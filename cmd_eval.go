package main

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/photorec/photorec/eval"
	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/embedded"
	"github.com/photorec/photorec/internal/favetsv"
)

// evalAlgorithms is what `eval` compares by default: every algorithm of the registry.
func evalAlgorithms() string {
	names := make([]string, 0, len(graph.AlgorithmList))
	for _, a := range graph.AlgorithmNames() {
		names = append(names, string(a))
	}
	return strings.Join(names, ",")
}

func cmdEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", "(--faves FILE | --world) [--test FILE] [--follows FILE] [--algorithms LIST] [--set K=V]... [--sweep K=LIST]... [--compare A,B] [--json]", `
Evaluate recommendation algorithms offline, through the real embedded engine: hold out favorites,
load the rest (and the follows, when given) into a temporary embedded graph, rank the whole
catalog for every held-out user (their training favorites and own photos excluded) and report HR,
Recall and NDCG at K, catalog coverage, the share of recommendations that come with a reason,
users with no recommendation and time per user, then HR and NDCG at the smallest K by where the
held-out photo's owner stands (already faved by the user, followed, neither).

Input: a favorites TSV in the import format (`+favetsv.Format+`; files ending in .gz
are decompressed), or the
simulator's generated world (--world, --world-users, --seed; its contacts are the follows).
Held-out pairs: --test FILE (same format), else one favorite per user with at least --min-faves
favorites, drawn with --seed (--split random) or each user's latest (--split time). --follows
FILE: follower_nsid<TAB>followee_nsid lines (Flickr contacts). Figures other than times are
deterministic for the same input, flags and seed. A progress bar goes to stderr.

Ranking constants (`+paramKeyList()+`) start at the product's defaults; --set K=V changes
one for every configuration, --sweep K=V1,V2,... evaluates every point of the grid of the swept
constants for each algorithm that ranks with them (the others once). One engine is loaded; each
configuration re-ranks it. --compare A,B pairs two rows (an algorithm name, or name@N for its
Nth row) user by user: NDCG wins and losses and a bootstrap 95% interval of the mean difference.`)
	faves := fs.String("faves", "", "favorites TSV `file` to evaluate on")
	world := fs.Bool("world", false, "evaluate on the simulator's generated world instead of --faves")
	worldUsers := fs.Int("world-users", 2000, "users of the generated world (`N`)")
	seed := fs.Int64("seed", 1, "seed of the world, the held-out draw, the user sample and the bootstrap")
	testFile := fs.String("test", "", "TSV `file` of held-out (user, photo) pairs, in the import format")
	followsFile := fs.String("follows", "", "TSV `file` of follows: follower_nsid, followee_nsid")
	split := fs.String("split", "random", "hold out one random favorite per user (random) or the latest (time)")
	minFaves := fs.Int("min-faves", 2, "hold out only for users with at least `N` favorites (2 or more)")
	algos := fs.String("algorithms", evalAlgorithms(), "comma-separated algorithms to evaluate")
	ks := fs.String("k", "10,20,50", "comma-separated cut-offs K")
	var sets, sweeps listFlag
	fs.Var(&sets, "set", "set a ranking constant, `K=V` (repeatable)")
	fs.Var(&sweeps, "sweep", "sweep a ranking constant, `K=V1,V2,...` (repeatable)")
	compare := fs.String("compare", "", "pair two rows user by user, `A,B`")
	boot := fs.Int("bootstrap", 2000, "bootstrap rounds of --compare")
	maxUsers := fs.Int("max-users", 0, "evaluate a seeded sample of at most `N` held-out users (0: all)")
	workers := fs.Int("workers", 0, "concurrent rankings (0: GOMAXPROCS)")
	asJSON := fs.Bool("json", false, "print JSON instead of tables")
	tmp := fs.String("tmp", "", "`dir` for the temporary graph (default: the system temp dir)")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	usage := func(msg string) error {
		fs.SetOutput(stderr)
		fs.Usage()
		return &usageError{msg: "eval: " + msg}
	}
	if (*faves == "") == !*world {
		return usage("give exactly one of --faves FILE and --world")
	}
	if *world && *followsFile != "" {
		return usage("--follows applies to --faves (the world brings its own contacts)")
	}
	if *minFaves < 2 {
		return usage("--min-faves must be at least 2")
	}
	if *boot < 1 {
		return usage("--bootstrap must be at least 1")
	}
	kList, err := parseInts(*ks)
	if err != nil {
		return usage("--k: " + err.Error())
	}
	configs, err := evalConfigs(*algos, sets, sweeps)
	if err != nil {
		return usage(err.Error())
	}
	var pair [2]int
	if *compare != "" {
		if pair, err = comparePair(*compare, configs); err != nil {
			return usage("--compare: " + err.Error())
		}
	}

	var all []eval.Fave
	var follows map[string][]string
	source := *faves
	if *world {
		source = fmt.Sprintf("generated world (seed %d, %d users)", *seed, *worldUsers)
		all, follows, err = worldFaves(*seed, *worldUsers)
	} else {
		all, err = readFavesFile(*faves)
		if err == nil && *followsFile != "" {
			follows, err = readFollowsFile(*followsFile)
		}
	}
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	var sp eval.Split
	if *testFile != "" {
		test, err := readFavesFile(*testFile)
		if err != nil {
			return fmt.Errorf("eval: --test: %w", err)
		}
		sp = eval.WithTest(all, test)
		*split = "file " + *testFile
	} else if sp, err = eval.HoldOut(all, eval.SplitMode(*split), uint64(*seed), *minFaves); err != nil {
		return err
	}
	sp.Follows = follows
	fmt.Fprintf(stderr, "eval: %s: %d favorites; %d training, %d held out for %d users; %d members with follows\n",
		source, len(all), len(sp.Train), sp.TestPairs(), len(sp.Test), len(follows))

	open := func(ctx context.Context) (eval.Engine, error) {
		dir, err := os.MkdirTemp(*tmp, "photorec-eval-")
		if err != nil {
			return nil, err
		}
		s, err := embedded.Open(ctx, embedded.Options{Dir: dir, NoPageCache: true, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			return nil, err
		}
		return &tempEngine{Store: s, dir: dir}, nil
	}
	opts := eval.Options{Ks: kList, Workers: *workers, MaxUsers: *maxUsers, Seed: uint64(*seed), Progress: stderr}
	results, err := eval.Run(ctx, open, sp, configs, opts)
	if err != nil {
		return err
	}
	var paired *eval.Paired
	if *compare != "" {
		p, err := eval.Compare(results[pair[0]], results[pair[1]], *boot, uint64(*seed))
		if err != nil {
			return err
		}
		paired = &p
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(evalReport{
			Source: source, Split: *split, Seed: *seed, TrainFaves: len(sp.Train),
			TestPairs: sp.TestPairs(), TestUsers: len(sp.Test), Ks: kList, Results: results, Paired: paired,
		})
	}
	if err := eval.WriteTable(stdout, results, kList); err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	if err := eval.WriteBreakdown(stdout, results, kList); err != nil {
		return err
	}
	if paired != nil {
		fmt.Fprintln(stdout)
		return eval.WritePaired(stdout, *paired, kList[0])
	}
	return nil
}

// paramKeyList names the ranking constants for the help text.
func paramKeyList() string {
	names := make([]string, len(graph.ParamKeys))
	for i, k := range graph.ParamKeys {
		names[i] = k.Name
	}
	return strings.Join(names, ", ")
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// evalConfigs builds the configurations: for each algorithm, the product's constants with sets
// applied, at every point of the grid of the swept constants it ranks with.
func evalConfigs(algos string, sets, sweeps []string) ([]eval.Config, error) {
	base := graph.DefaultParams()
	var setNames []string
	for _, kv := range sets {
		k, v, ok := strings.Cut(kv, "=")
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if !ok || err != nil {
			return nil, fmt.Errorf("--set %q: want K=V with a number V", kv)
		}
		if err := base.Set(strings.TrimSpace(k), x); err != nil {
			return nil, fmt.Errorf("--set: %w", err)
		}
		setNames = append(setNames, strings.TrimSpace(k))
	}
	type sweep struct {
		name   string
		values []float64
	}
	var grid []sweep
	for _, kv := range sweeps {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok {
			return nil, fmt.Errorf("--sweep %q: want K=V1,V2 (comma-separated values)", kv)
		}
		if _, known := base.Get(k); !known {
			return nil, fmt.Errorf("--sweep: unknown ranking constant %q (known: %s)", k, paramKeyList())
		}
		var vals []float64
		for _, f := range strings.Split(v, ",") {
			x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return nil, fmt.Errorf("--sweep %s: %q is not a number", k, f)
			}
			vals = append(vals, x)
		}
		grid = append(grid, sweep{k, vals})
	}
	var out []eval.Config
	for _, a := range strings.Split(algos, ",") {
		a := graph.Algorithm(strings.TrimSpace(a))
		info, ok := graph.LookupAlgorithm(a)
		if !ok {
			return nil, fmt.Errorf("--algorithms: unknown algorithm %q (known: %s)", a, evalAlgorithms())
		}
		points := []graph.Params{base}
		labels := [][]string{nil}
		for _, sw := range grid {
			if !slices.Contains(info.Params, sw.name) {
				continue
			}
			var np []graph.Params
			var nl [][]string
			for i, p := range points {
				for _, x := range sw.values {
					q := p
					if err := q.Set(sw.name, x); err != nil {
						return nil, fmt.Errorf("--sweep: %w", err)
					}
					np = append(np, q)
					nl = append(nl, append(slices.Clone(labels[i]), sw.name))
				}
			}
			points, labels = np, nl
		}
		for i, p := range points {
			var names []string
			for _, n := range append(slices.Clone(setNames), labels[i]...) {
				if slices.Contains(info.Params, n) && !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
			out = append(out, eval.Config{Algorithm: a, Params: p, Label: p.Label(names)})
		}
	}
	return out, nil
}

// comparePair finds the two rows --compare names: "algo" is its first row, "algo@N" its Nth.
func comparePair(spec string, configs []eval.Config) ([2]int, error) {
	names := strings.Split(spec, ",")
	if len(names) != 2 {
		return [2]int{}, fmt.Errorf("want two rows A,B, got %q", spec)
	}
	var out [2]int
	for j, n := range names {
		n = strings.TrimSpace(n)
		algo, nth := n, 1
		if a, num, ok := strings.Cut(n, "@"); ok {
			x, err := strconv.Atoi(num)
			if err != nil || x < 1 {
				return out, fmt.Errorf("%q: want algorithm@N with N from 1", n)
			}
			algo, nth = a, x
		}
		found := -1
		for i, c := range configs {
			if string(c.Algorithm) == algo {
				if nth--; nth == 0 {
					found = i
					break
				}
			}
		}
		if found < 0 {
			return out, fmt.Errorf("no row %q among the evaluated algorithms", n)
		}
		out[j] = found
	}
	return out, nil
}

// evalReport is the --json output.
type evalReport struct {
	Source     string        `json:"source"`
	Split      string        `json:"split"`
	Seed       int64         `json:"seed"`
	TrainFaves int           `json:"train_faves"`
	TestPairs  int           `json:"test_pairs"`
	TestUsers  int           `json:"test_users"`
	Ks         []int         `json:"ks"`
	Results    []eval.Result `json:"results"`
	Paired     *eval.Paired  `json:"paired,omitempty"`
}

// tempEngine is an embedded graph in a temporary directory, removed on Close.
type tempEngine struct {
	*embedded.Store
	dir string
}

func (e *tempEngine) Close() error {
	err := e.Store.Close()
	if rerr := os.RemoveAll(e.dir); err == nil {
		err = rerr
	}
	return err
}

// openData opens a data file; a name ending in .gz is decompressed as it is read.
func openData(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(path, ".gz") {
		return f, nil
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{zr, f}, nil
}

func readFavesFile(path string) ([]eval.Fave, error) {
	f, err := openData(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	faves, err := eval.ReadFaves(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return faves, nil
}

// worldFaves generates the simulator's world and reads its favorites as the import format, and
// its contacts as follows.
func worldFaves(seed int64, users int) ([]eval.Fave, map[string][]string, error) {
	w := flickrtest.Generate(flickrtest.WorldOptions{Seed: seed, Users: users})
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(w.WriteTSV(pw)) }()
	faves, err := eval.ReadFaves(pr)
	pr.Close()
	if err != nil {
		return nil, nil, err
	}
	follows := map[string][]string{}
	for _, u := range w.Users() {
		follows[u.NSID] = append(follows[u.NSID], w.ContactsOf(u.NSID)...)
		slices.Sort(follows[u.NSID])
	}
	return faves, follows, nil
}

func readFollowsFile(path string) (map[string][]string, error) {
	f, err := openData(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	follows, err := eval.ReadFollows(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return follows, nil
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > graph.MaxLimit {
			return nil, fmt.Errorf("%q is not a whole number from 1 to %d", f, graph.MaxLimit)
		}
		out = append(out, n)
	}
	return out, nil
}
