package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/internal/favetsv"
)

// maxShownProblems caps the malformed lines import prints in full.
const maxShownProblems = 20

func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := newFlagSet("import", "--faves FILE [--config FILE] [--dry-run] [--batch N] [--progress-every N]", `
Load favorites from a TSV file into the graph that graph.backend selects.

Each line is `+favetsv.Format+`, e.g.
  12037949754@N01	53637883806	34427469121@N01	1700000000
faved_at_unix (seconds since 1970) may be left out. A first line starting with user_nsid is a
header; blank lines and lines starting with # are skipped.

The whole file is checked first. If any line is malformed, the problems are reported with their
line numbers (the first 20 in full, then a count) and NOTHING from the file is applied. Only then
are the favorites applied, in batches grouped per user. This is not a full pull: no favorite
already in the graph is removed and no pull is recorded for the users. Re-running the same file
is idempotent: its batches carry a pull id derived from the file's content (sha256) and every
write is a merge. (A later full pull of a user from Flickr does remove that user's imported
favorites that Flickr does not list.)

With the embedded graph, stop serve or demo first: one process at a time opens data_dir. With
Neo4j, run migrate first.`)
	cf := addConfigFlags(fs)
	faves := fs.String("faves", "", "TSV `file` to import (required; read twice, so not a pipe)")
	dryRun := fs.Bool("dry-run", false, "check the file and report, apply nothing")
	batch := fs.Int("batch", 5000, "favorites per write, at most `N`")
	every := fs.Int("progress-every", 250_000, "report progress on stderr every `N` rows (0: never)")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	var bad string
	switch {
	case *faves == "":
		bad = "import: --faves is required"
	case *faves == "-":
		bad = "import: --faves must name a file (it is read twice), not -"
	case *batch < 1:
		bad = "import: --batch must be at least 1"
	case *every < 0:
		bad = "import: --progress-every must not be negative"
	}
	if bad != "" {
		fs.SetOutput(stderr)
		fs.Usage()
		return &usageError{msg: bad}
	}
	cfg, err := cf.load()
	if err != nil {
		return err
	}

	checked, err := scanFaves(ctx, *faves, "checked", *every, stderr, nil)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if checked.bad > 0 {
		for _, p := range checked.problems {
			fmt.Fprintf(stderr, "%s:%d: %s\n", *faves, p.Line, p.Reason)
		}
		if more := checked.bad - len(checked.problems); more > 0 {
			fmt.Fprintf(stderr, "%s: ... and %d more malformed lines\n", *faves, more)
		}
		return fmt.Errorf("import: %s: %d malformed lines; nothing imported", *faves, checked.bad)
	}
	pullID := "import:" + checked.sum[:16]
	if *dryRun {
		_, err := fmt.Fprintf(stdout, "%s: %d favorites of %d users, no problems; dry run, nothing applied (pull id %s)\n",
			*faves, checked.rows, checked.users, pullID)
		return err
	}

	log := newLogger(cfg.Log, stderr)
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer func() {
		if cerr := store.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("import: close graph: %w", cerr))
		}
	}()
	b := &batcher{store: store, max: *batch, pullID: pullID, at: time.Now().UTC(), seen: map[string]bool{}}
	applied, err := scanFaves(ctx, *faves, "applied", *every, stderr, b.add)
	if err == nil {
		err = b.flush(ctx)
	}
	if err != nil {
		return fmt.Errorf("import: %s: %w (after %d batches; re-run the import to finish, it is idempotent)", *faves, err, b.batches)
	}
	if applied.sum != checked.sum || applied.bad > 0 {
		return fmt.Errorf("import: %s changed while it was imported; re-run the import", *faves)
	}
	_, err = fmt.Fprintf(stdout, "imported %d favorites of %d users from %s in %d batches (pull id %s)\n",
		applied.rows, applied.users, *faves, b.batches, pullID)
	return err
}

// favesAdder is what import needs of a graph.Store.
type favesAdder interface {
	AddFaves(ctx context.Context, b graph.FavesBatch) error
}

// batcher groups consecutive rows of one user into FavesBatch writes of at most max faves.
type batcher struct {
	store   favesAdder
	max     int
	pullID  string
	at      time.Time
	cur     graph.FavesBatch
	seen    map[string]bool // photo IDs in cur
	batches int
}

func (b *batcher) add(ctx context.Context, row favetsv.Row) error {
	if row.User != b.cur.User || len(b.cur.Faves) >= b.max {
		if err := b.flush(ctx); err != nil {
			return err
		}
		b.cur = graph.FavesBatch{User: row.User, PullID: b.pullID, At: b.at}
	}
	if b.seen[row.PhotoID] {
		// The same fave twice in a row of lines: keep the later time.
		for i := range b.cur.Faves {
			if f := &b.cur.Faves[i]; f.Photo.ID == row.PhotoID && row.FavedAt.After(f.FavedAt) {
				f.FavedAt = row.FavedAt
			}
		}
		return nil
	}
	b.seen[row.PhotoID] = true
	b.cur.Faves = append(b.cur.Faves, graph.Fave{
		Photo:   graph.Photo{ID: row.PhotoID, Owner: row.Owner},
		FavedAt: row.FavedAt,
	})
	return nil
}

func (b *batcher) flush(ctx context.Context) error {
	if len(b.cur.Faves) == 0 {
		return nil
	}
	if err := b.store.AddFaves(ctx, b.cur); err != nil {
		return fmt.Errorf("add %d faves of %s: %w", len(b.cur.Faves), b.cur.User, err)
	}
	b.batches++
	b.cur.Faves = nil
	clear(b.seen)
	return nil
}

// scanResult is what one pass over a favorites file found.
type scanResult struct {
	sum      string // hex sha256 of the whole file
	rows     int    // well-formed rows
	users    int    // distinct users among them
	bad      int    // malformed lines
	problems []*favetsv.Error
}

// scanFaves reads path once, calling fn (if not nil) with every well-formed row, and checks
// what one line cannot show: a photo must have the same owner on every line. It prints
// "import: <phase> N rows (P%)" to progress every `every` rows.
func scanFaves(ctx context.Context, path, phase string, every int, progress io.Writer,
	fn func(context.Context, favetsv.Row) error) (scanResult, error) {
	var res scanResult
	f, err := os.Open(path)
	if err != nil {
		return res, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return res, err
	}
	if !info.Mode().IsRegular() {
		return res, fmt.Errorf("%s is not a regular file (it is read twice)", path)
	}
	h := sha256.New()
	cr := &countingReader{r: io.TeeReader(f, h)}
	rd := favetsv.NewReader(cr)

	type firstSeen struct {
		owner string
		line  int
	}
	owners := map[string]firstSeen{} // photo ID -> owner and line where first seen
	intern := map[string]string{}    // one copy of each owner NSID
	users := map[string]bool{}
	problem := func(p *favetsv.Error) {
		res.bad++
		if len(res.problems) < maxShownProblems {
			res.problems = append(res.problems, p)
		}
	}
	for {
		row, err := rd.Next()
		var pe *favetsv.Error
		switch {
		case errors.Is(err, io.EOF):
			if _, err := io.Copy(io.Discard, cr); err != nil { // hash all of it
				return res, fmt.Errorf("read %s: %w", path, err)
			}
			res.sum = hex.EncodeToString(h.Sum(nil))
			res.users = len(users)
			return res, nil
		case errors.As(err, &pe):
			problem(pe)
			continue
		case err != nil:
			return res, fmt.Errorf("read %s: %w", path, err)
		}
		first, seen := owners[row.PhotoID]
		switch {
		case seen && first.owner != row.Owner:
			problem(&favetsv.Error{Line: row.Line, Reason: fmt.Sprintf(
				"photo %s has owner_nsid %s here but %s on line %d", row.PhotoID, row.Owner, first.owner, first.line)})
			continue
		case !seen:
			owner, ok := intern[row.Owner]
			if !ok {
				owner = row.Owner
				intern[owner] = owner
			}
			owners[row.PhotoID] = firstSeen{owner: owner, line: row.Line}
		}
		users[row.User] = true
		res.rows++
		if fn != nil {
			if err := fn(ctx, row); err != nil {
				return res, err
			}
		}
		if every > 0 && res.rows%every == 0 {
			pct := 100
			if info.Size() > 0 {
				pct = int(cr.n * 100 / info.Size())
			}
			fmt.Fprintf(progress, "import: %s %d rows (%d%%)\n", phase, res.rows, pct)
		}
		if res.rows%4096 == 0 && ctx.Err() != nil {
			return res, ctx.Err()
		}
	}
}

// countingReader counts the bytes read through it, for progress percentages.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
