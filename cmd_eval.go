package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/photorec/photorec/eval"
	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/embedded"
	"github.com/photorec/photorec/internal/favetsv"
)

// evalAlgorithms is what `eval` compares by default: every algorithm the embedded engine ships.
const evalAlgorithms = "flexplore,popularity,itemknn,rp3beta,blend"

func cmdEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", "(--faves FILE | --world) [--test FILE] [--split random|time] [--algorithms LIST] [--sweep-prior LIST] [--json]", `
Evaluate recommendation algorithms offline, through the real embedded engine: hold out favorites,
load the rest into a temporary embedded graph, rank the whole catalog for every held-out user
(their training favorites and own photos excluded) and report HR, Recall and NDCG at K, catalog
coverage, users with no recommendation and time per user.

Input: a favorites TSV in the import format (`+favetsv.Format+`), or the
simulator's generated world (--world, --world-users, --seed). Held-out pairs: --test FILE (same
format), else one favorite per user with at least --min-faves favorites, drawn with --seed
(--split random) or each user's latest (--split time). Figures other than times are deterministic
for the same input, flags and seed. A progress bar goes to stderr.

--sweep-prior and --sweep-scale evaluate the Flexplore-based algorithms (flexplore, blend) at every
point of the grid; each point loads its own engine.`)
	faves := fs.String("faves", "", "favorites TSV `file` to evaluate on")
	world := fs.Bool("world", false, "evaluate on the simulator's generated world instead of --faves")
	worldUsers := fs.Int("world-users", 2000, "users of the generated world (`N`)")
	seed := fs.Int64("seed", 1, "seed of the world, the held-out draw and the user sample")
	testFile := fs.String("test", "", "TSV `file` of held-out (user, photo) pairs, in the import format")
	split := fs.String("split", "random", "hold out one random favorite per user (random) or the latest (time)")
	minFaves := fs.Int("min-faves", 2, "hold out only for users with at least `N` favorites (2 or more)")
	algos := fs.String("algorithms", evalAlgorithms, "comma-separated algorithms to evaluate")
	ks := fs.String("k", "10,20,50", "comma-separated cut-offs K")
	scale := fs.Float64("scale", 150, "Flexplore scale")
	prior := fs.Float64("prior", 250, "Flexplore prior (added to a neighbor's total favorites)")
	sweepScale := fs.String("sweep-scale", "", "comma-separated Flexplore scales to sweep (default: --scale)")
	sweepPrior := fs.String("sweep-prior", "", "comma-separated Flexplore priors to sweep (default: --prior)")
	maxUsers := fs.Int("max-users", 0, "evaluate a seeded sample of at most `N` held-out users (0: all)")
	workers := fs.Int("workers", 0, "concurrent rankings (0: GOMAXPROCS)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	tmp := fs.String("tmp", "", "`dir` for the temporary graphs (default: the system temp dir)")
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
	if *minFaves < 2 {
		return usage("--min-faves must be at least 2")
	}
	kList, err := parseInts(*ks)
	if err != nil {
		return usage("--k: " + err.Error())
	}
	scales, err := parseFloats(*sweepScale, *scale)
	if err != nil {
		return usage("--sweep-scale: " + err.Error())
	}
	priors, err := parseFloats(*sweepPrior, *prior)
	if err != nil {
		return usage("--sweep-prior: " + err.Error())
	}
	var configs []eval.Config
	base := graph.FlexploreParams{Scale: *scale, Prior: *prior, DismissWeight: 1}
	for _, a := range strings.Split(*algos, ",") {
		a := graph.Algorithm(strings.TrimSpace(a))
		if a != graph.Flexplore && a != "blend" {
			configs = append(configs, eval.Config{Algorithm: a, Params: base})
			continue
		}
		for _, s := range scales {
			for _, p := range priors {
				configs = append(configs, eval.Config{Algorithm: a, Params: graph.FlexploreParams{Scale: s, Prior: p, DismissWeight: 1}})
			}
		}
	}

	var all []eval.Fave
	source := *faves
	if *world {
		source = fmt.Sprintf("generated world (seed %d, %d users)", *seed, *worldUsers)
		all, err = worldFaves(*seed, *worldUsers)
	} else {
		all, err = readFavesFile(*faves)
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
	fmt.Fprintf(stderr, "eval: %s: %d favorites; %d training, %d held out for %d users\n",
		source, len(all), len(sp.Train), sp.TestPairs(), len(sp.Test))

	open := func(ctx context.Context, p graph.FlexploreParams) (eval.Engine, error) {
		dir, err := os.MkdirTemp(*tmp, "photorec-eval-")
		if err != nil {
			return nil, err
		}
		s, err := embedded.Open(ctx, embedded.Options{Dir: dir, Params: p, Logger: slog.New(slog.DiscardHandler)})
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
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(evalReport{
			Source: source, Split: *split, Seed: *seed, TrainFaves: len(sp.Train),
			TestPairs: sp.TestPairs(), TestUsers: len(sp.Test), Ks: kList, Results: results,
		})
	}
	return eval.WriteTable(stdout, results, kList)
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

func readFavesFile(path string) ([]eval.Fave, error) {
	f, err := os.Open(path)
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

// worldFaves generates the simulator's world and reads its favorites as the import format.
func worldFaves(seed int64, users int) ([]eval.Fave, error) {
	w := flickrtest.Generate(flickrtest.WorldOptions{Seed: seed, Users: users})
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(w.WriteTSV(pw)) }()
	faves, err := eval.ReadFaves(pr)
	pr.Close()
	return faves, err
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

// parseFloats parses a comma-separated list of non-negative numbers; "" gives just def.
func parseFloats(s string, def float64) ([]float64, error) {
	if strings.TrimSpace(s) == "" {
		return []float64{def}, nil
	}
	var out []float64
	for _, f := range strings.Split(s, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || x < 0 {
			return nil, fmt.Errorf("%q is not a non-negative number", f)
		}
		out = append(out, x)
	}
	return out, nil
}
