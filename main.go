// Command photorec is a Flickr photo recommender: it pulls public favorites into a graph and
// recommends photos and photographers with the Flexplore algorithm. Run `photorec --help`.
//
// Package main is the only composition root: one file per subcommand (cmd_*.go), each building
// its dependencies from config and passing them into constructors.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/photorec/photorec/config"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/graph/embedded"
	"github.com/photorec/photorec/graph/neo4j"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal during shutdown kills the process
	}()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "photorec: %v\n", err)
		os.Exit(exitCode(err))
	}
}

// command is one subcommand: cmd_<name>.go defines its run function.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"demo", "run everything in one process against a simulated Flickr", cmdDemo},
		{"serve", "run the HTTP API and web UI", cmdServe},
		{"work", "run queue workers (pull, ingest, scheduler)", cmdWork},
		{"migrate", "apply the Neo4j schema (nothing to do for the embedded graph)", cmdMigrate},
		{"import", "load favorites from a TSV file into the graph", cmdImport},
		{"backup", "write a consistent backup of the embedded graph, even while it serves", cmdBackup},
		{"restore", "restore a backup into the embedded graph (stopped)", cmdRestore},
		{"export", "write the embedded graph as neo4j-admin import CSVs", cmdExport},
		{"eval", "compare recommendation algorithms offline (HR, Recall, NDCG at K)", cmdEval},
		{"config", "print the effective configuration, secrets masked", cmdConfig},
		{"version", "print version, commit and Go version", cmdVersion},
	}
}

// run is main without os.Exit: tests call it. Usage errors are *usageError (exit code 2).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printUsage(stderr)
		return &usageError{msg: "no subcommand given"}
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		if name == "help" && len(args) > 1 {
			return run(ctx, []string{args[1], "--help"}, stdout, stderr)
		}
		printUsage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == name {
			err := c.run(ctx, args[1:], stdout, stderr)
			if errors.Is(err, errHelpShown) {
				return nil
			}
			return err
		}
	}
	printUsage(stderr)
	if strings.HasPrefix(name, "-") {
		return &usageError{msg: fmt.Sprintf("flag %s before a subcommand; flags go after it", name)}
	}
	return &usageError{msg: fmt.Sprintf("unknown subcommand %q", name)}
}

func printUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: photorec <subcommand> [flags]\n\nSubcommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun `photorec <subcommand> --help` for its flags. Configuration: a file (--config or\n"+
		"%s), then %s<KEY> environment variables; see `photorec config --keys`.\n", config.EnvConfigFile, config.EnvPrefix)
}

// usageError is a command-line mistake: main prints it and exits with exitCodeUsage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// exitCodeUsage is the process status for command-line mistakes, as with Go's flag package.
const exitCodeUsage = 2

// exitCode maps run's error to the process status: 2 for usage errors, else 1.
func exitCode(err error) int {
	var ue *usageError
	if errors.As(err, &ue) {
		return exitCodeUsage
	}
	return 1
}

// errHelpShown ends a subcommand after --help printed its usage; run turns it into success.
var errHelpShown = errors.New("help shown")

// newFlagSet returns a flag set whose usage prints synopsis and about before the flags.
func newFlagSet(name, synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: %s\n\n%s\n", strings.TrimSpace("photorec "+name+" "+synopsis), strings.TrimSpace(about))
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintf(w, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args. --help prints the usage to stdout and returns errHelpShown; a bad flag
// or a stray argument prints the usage to stderr and returns a *usageError.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fs.Usage()
		return errHelpShown
	case err != nil:
		fs.SetOutput(stderr)
		fs.Usage()
		return &usageError{msg: fs.Name() + ": " + err.Error()}
	case fs.NArg() > 0:
		fs.SetOutput(stderr)
		fs.Usage()
		return &usageError{msg: fmt.Sprintf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))}
	}
	return nil
}

// configFlags are the flags every subcommand that reads configuration has.
type configFlags struct {
	file string
	set  map[string]string // key -> value from subcommand flags that override config
}

func addConfigFlags(fs *flag.FlagSet) *configFlags {
	cf := &configFlags{set: map[string]string{}}
	fs.StringVar(&cf.file, "config", "", "config `file` (.yaml, .json or .toml); default $"+config.EnvConfigFile)
	return cf
}

// override registers a string flag that, when given, sets config key.
func (cf *configFlags) override(fs *flag.FlagSet, flagName, key, usage string) {
	fs.Func(flagName, usage+" (overrides "+key+")", func(s string) error {
		cf.set[key] = s
		return nil
	})
}

// load reads the configuration from the flag's file (else $PHOTOREC_CONFIG), the environment
// and the overriding flags. Every problem is reported at once.
func (cf *configFlags) load() (config.Config, error) {
	file := cf.file
	if file == "" {
		file = os.Getenv(config.EnvConfigFile)
	}
	cfg, err := config.Load(config.Options{File: file, Environ: os.Environ(), Set: cf.set, Algorithms: algorithmNames()})
	if err != nil {
		return cfg, fmt.Errorf("invalid configuration:\n%w", err)
	}
	return cfg, nil
}

// newLogger builds the process logger from log.level and log.format, writing to w.
func newLogger(c config.Log, w io.Writer) *slog.Logger {
	var level slog.Level
	// Validate admits only names slog parses.
	_ = level.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// flexploreParams maps the recommend.* keys onto the graph's Flexplore constants.
func flexploreParams(c config.Recommend) graph.FlexploreParams {
	return graph.FlexploreParams{Scale: c.Scale, Prior: c.Prior, DismissWeight: c.DismissWeight}
}

// algorithmNames are the names of graph.AlgorithmList, for config validation.
func algorithmNames() []string {
	out := make([]string, 0, len(graph.AlgorithmList))
	for _, a := range graph.AlgorithmNames() {
		out = append(out, string(a))
	}
	return out
}

// rankParams are the graph's ranking constants: the defaults, with recommend.*'s Flexplore ones.
func rankParams(c config.Recommend) graph.Params {
	p := graph.DefaultParams()
	p.Flexplore = flexploreParams(c)
	return p
}

// graphDir is where the embedded graph lives inside data_dir.
func graphDir(cfg config.Config) string { return filepath.Join(cfg.DataDir, "graph") }

// openStore opens the graph backend that graph.backend selects. The caller closes it.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (graph.Store, error) {
	switch cfg.Graph.Backend {
	case config.BackendEmbedded:
		s, err := embedded.Open(ctx, embedded.Options{
			Dir:     graphDir(cfg),
			Params:  rankParams(cfg.Recommend),
			Default: graph.Algorithm(cfg.Recommend.Algorithm),
			Logger:  log,

			PageCacheSize: cfg.Recommend.CachePages,
			PageStale:     cfg.Recommend.CacheStale,
			Precompute:    cfg.Recommend.Precompute,
		})
		if err != nil {
			return nil, fmt.Errorf("open embedded graph in %s: %w", graphDir(cfg), err)
		}
		return s, nil
	case config.BackendNeo4j:
		s, err := openNeo4j(ctx, cfg, log, false)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	return nil, fmt.Errorf("unknown graph.backend %q", cfg.Graph.Backend)
}

// openNeo4j opens the Neo4j graph; migrating opens it whatever migrations it has recorded.
func openNeo4j(ctx context.Context, cfg config.Config, log *slog.Logger, migrating bool) (*neo4j.Store, error) {
	s, err := neo4j.Open(ctx, neo4j.Options{
		URI:      cfg.Neo4j.URI,
		Username: cfg.Neo4j.Username,
		Password: cfg.Neo4j.Password,
		Database: cfg.Neo4j.Database,
		Params:   flexploreParams(cfg.Recommend),
		Default:  graph.Algorithm(cfg.Recommend.Algorithm),
		Logger:   log,

		Ranking:         rankParams(cfg.Recommend),
		RankingSize:     cfg.Neo4j.RankingSize,
		RankingStale:    cfg.Neo4j.RankingStale,
		ReadTimeout:     cfg.Neo4j.ReadTimeout,
		SkipSchemaCheck: migrating,
	})
	if err != nil {
		return nil, fmt.Errorf("open neo4j at %s: %w", cfg.Redacted().Neo4j.URI, err)
	}
	return s, nil
}
