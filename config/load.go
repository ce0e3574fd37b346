package config

import (
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/viper"
)

// EnvConfigFile names the config file when no --config flag is given. Load ignores it; the
// caller reads it and passes Options.File.
const EnvConfigFile = EnvPrefix + "CONFIG"

// Options says where Load reads settings from.
type Options struct {
	// File is a config file; its extension (.yaml, .yml, .json, .toml) picks the format.
	// "" reads no file.
	File string
	// Environ is the environment in os.Environ form ("KEY=value"); nil reads none.
	Environ []string
	// ReadFile reads the files named by PHOTOREC_*_FILE; nil means os.ReadFile.
	ReadFile func(name string) ([]byte, error)
	// Set holds values by dotted key that win over everything else (command-line flags).
	Set map[string]string
	// Algorithms are the values recommend.algorithm may take (the graph's registry, which this
	// package does not import); nil accepts any non-empty name.
	Algorithms []string
}

// Load builds the Config from, lowest precedence first: the defaults table, Options.File, and
// the environment (PHOTOREC_<KEY>; for secrets also PHOTOREC_<KEY>_FILE, whose content minus
// trailing newlines is the value; setting both is an error), and Options.Set.
//
// An unreadable or unparsable file is returned at once as the only error. Otherwise Load reports
// every problem together, joined: values of the wrong type, unknown keys in the file or in
// Options.Set, *_FILE variables of non-secret keys, everything Validate finds, and a
// recommend.algorithm outside Options.Algorithms. Other
// PHOTOREC_* variables are ignored (tests and benchmarks use the prefix for their own knobs);
// UnknownEnv lists them. A key whose value could not be read keeps
// its default. The returned Config is complete either way (useful for printing), but it is safe
// to use only when the error is nil. Error messages never contain secret values.
func Load(opts Options) (Config, error) {
	v := viper.New()
	for _, k := range table {
		v.SetDefault(k.Name, k.Default)
	}
	if opts.File != "" {
		v.SetConfigFile(opts.File)
		if err := v.ReadInConfig(); err != nil {
			return Defaults(), fmt.Errorf("config: read %s: %w", opts.File, err)
		}
	}
	readFile := opts.ReadFile
	if readFile == nil {
		readFile = os.ReadFile
	}

	var errs []error
	env := environ(opts.Environ)
	for _, k := range table {
		val, set := env[k.Env()]
		fileVar := k.Env() + "_FILE"
		path, fromFile := env[fileVar]
		switch {
		case fromFile && !k.Secret:
			errs = append(errs, k.problem(fileVar+" is set, but only secrets are read from files; set "+k.Env()))
		case fromFile && set:
			errs = append(errs, k.problem("both "+k.Env()+" and "+fileVar+" are set; use one"))
			continue
		case fromFile:
			b, err := readFile(path)
			if err != nil {
				errs = append(errs, k.problem(fmt.Sprintf("read %s: %v", fileVar, err)))
				continue
			}
			val, set = strings.TrimRight(string(b), "\r\n"), true
		}
		if set {
			v.Set(k.Name, val)
		}
	}
	var names []string
	for name := range opts.Set {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, ok := lookup(name); !ok {
			errs = append(errs, &FieldError{Key: name, Problem: "unknown key"})
			continue
		}
		v.Set(name, opts.Set[name])
	}
	for _, name := range v.AllKeys() { // sorted by viper
		if _, ok := lookup(name); ok {
			continue
		}
		problem := "unknown key in " + opts.File
		if isSection(name) {
			problem = "is a section in " + opts.File + ": give it keys (like " + firstKeyOf(name) + "), not a value"
		}
		errs = append(errs, &FieldError{Key: name, Problem: problem})
	}

	c := Defaults()
	failed := map[string]bool{}
	for _, k := range table {
		raw := v.Get(k.Name)
		if raw == nil {
			continue // null in the file, or hidden by a section given a value (reported above)
		}
		if err := assign(k.field(&c), raw); err != nil {
			failed[k.Name] = true
			msg := err.Error()
			if !k.Secret {
				msg += fmt.Sprintf(", got %q", fmt.Sprint(raw))
			}
			errs = append(errs, k.problem(msg))
			_ = assign(k.field(&c), k.Default)
		}
	}
	for _, fe := range Problems(c.Validate()) {
		if !failed[fe.Key] {
			errs = append(errs, fe)
		}
	}
	if a := c.Recommend.Algorithm; opts.Algorithms != nil && a != "" && !slices.Contains(opts.Algorithms, a) {
		k, _ := lookup("recommend.algorithm")
		errs = append(errs, k.problem(fmt.Sprintf("must be one of %s, got %q", strings.Join(opts.Algorithms, ", "), a)))
	}
	return c, errors.Join(errs...)
}

// UnknownEnv returns the PHOTOREC_* variables in environ (os.Environ form) that name no key,
// sorted: likely typos, or knobs of tests and benchmarks. Load ignores them.
func UnknownEnv(environ []string) []string {
	known := map[string]bool{EnvConfigFile: true}
	for _, k := range table {
		known[k.Env()] = true
		known[k.Env()+"_FILE"] = true // non-secret ones are reported by Load
	}
	var out []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, EnvPrefix) && !known[name] && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// isSection reports whether name is the dotted prefix of some keys, like "flickr".
func isSection(name string) bool { return firstKeyOf(name) != "" }

func firstKeyOf(section string) string {
	for _, k := range table {
		if strings.HasPrefix(k.Name, section+".") {
			return k.Name
		}
	}
	return ""
}

func environ(kvs []string) map[string]string {
	env := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		if name, val, ok := strings.Cut(kv, "="); ok {
			env[name] = val
		}
	}
	return env
}

// assign converts raw (from the defaults table, a config file or the environment) into the field
// ptr points at. Its errors never contain the value.
func assign(ptr, raw any) error {
	switch p := ptr.(type) {
	case *string:
		switch x := raw.(type) {
		case string:
			*p = x
		case int, int64, float64, bool:
			*p = fmt.Sprint(x)
		default:
			return errors.New("want a string")
		}
	case *int:
		n, err := toInt(raw)
		if err != nil || int64(int(n)) != n {
			return errors.New("want an integer")
		}
		*p = int(n)
	case *int64:
		n, err := toInt(raw)
		if err != nil {
			return errors.New("want an integer")
		}
		*p = n
	case *float64:
		switch x := raw.(type) {
		case float64:
			*p = x
		case int:
			*p = float64(x)
		case int64:
			*p = float64(x)
		case string:
			f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return errors.New("want a number")
			}
			*p = f
		default:
			return errors.New("want a number")
		}
	case *time.Duration:
		switch x := raw.(type) {
		case time.Duration:
			*p = x
		case string:
			d, err := time.ParseDuration(strings.TrimSpace(x))
			if err != nil {
				return errors.New("want a duration such as 90m or 6h")
			}
			*p = d
		default:
			return errors.New("want a duration such as 90m or 6h")
		}
	default:
		return fmt.Errorf("unsupported field type %T", ptr)
	}
	return nil
}

func toInt(raw any) (int64, error) {
	switch x := raw.(type) {
	case int:
		return int64(x), nil
	case int64:
		return x, nil
	case float64:
		if x != math.Trunc(x) || x < math.MinInt64 || x > math.MaxInt64 {
			return 0, errors.New("not an integer")
		}
		return int64(x), nil
	case string:
		return strconv.ParseInt(strings.TrimSpace(x), 10, 64)
	}
	return 0, errors.New("not an integer")
}
