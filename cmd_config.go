package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/photorec/photorec/config"
)

func cmdConfig(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("config", "[--config FILE] [--keys]", `
Print the effective configuration (defaults, then the config file, then PHOTOREC_* environment
variables) as TOML, with every secret that is set shown as `+config.Mask+`. The output is a valid
config file. If the configuration is invalid, it is printed anyway, followed by every problem,
and the exit status is 1. PHOTOREC_* variables that name no key are listed on stderr
(they are ignored: tests and benchmarks use the prefix too).

With --keys, list every key instead: its environment variable, default and meaning.`)
	cf := addConfigFlags(fs)
	keys := fs.Bool("keys", false, "list every key, its environment variable, default and meaning")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if *keys {
		return printKeys(stdout)
	}
	cfg, loadErr := cf.load()
	if err := cfg.Redacted().WriteTOML(stdout); err != nil {
		return err
	}
	if unknown := config.UnknownEnv(os.Environ()); len(unknown) > 0 {
		fmt.Fprintf(stderr, "note: ignored environment variables that name no key: %s\n", strings.Join(unknown, ", "))
	}
	return loadErr
}

func printKeys(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tENVIRONMENT\tDEFAULT\tMEANING")
	for _, k := range config.Keys() {
		def, doc := k.DefaultString(), k.Doc
		if def == "" {
			def = `""`
		}
		if k.Secret {
			doc += "; secret: masked, also read from the file named by " + k.Env() + "_FILE"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.Name, k.Env(), def, doc)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write keys: %w", err)
	}
	return nil
}
