package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// Set at link time by `go tool task build` (-ldflags "-X main.version=... -X main.commit=...");
// otherwise taken from the build info.
var (
	version = ""
	commit  = ""
)

func cmdVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "", "Print photorec's version, the commit it was built from, and the Go version.")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	v, c := buildVersion()
	_, err := fmt.Fprintf(stdout, "photorec %s\ncommit %s\ngo %s\n", v, c, runtime.Version())
	return err
}

// buildVersion returns the version and commit: link-time values first, then the module version
// and VCS stamp from debug.ReadBuildInfo, then "devel" and "unknown".
func buildVersion() (ver, rev string) {
	ver, rev = version, commit
	info, ok := debug.ReadBuildInfo()
	if ok && ver == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		ver = info.Main.Version
	}
	if ok && rev == "" {
		var modified bool
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if rev != "" && modified {
			rev += " (modified)"
		}
	}
	if ver == "" {
		ver = "devel"
	}
	if rev == "" {
		rev = "unknown"
	}
	return ver, rev
}
