package embedded

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ExportFile is one CSV file of an export and what neo4j-admin imports it as.
type ExportFile struct {
	Name string // file name inside the export directory, e.g. "users.csv"
	Kind string // "nodes" or "relationships"
	Type string // the node label or relationship type, e.g. "User", "FAVED"
	Rows int    // data rows, the header excluded
}

// ExportInfo describes an export: the files written, in import order, and the log sequence
// number the exported state is at.
type ExportInfo struct {
	Dir   string
	Seq   uint64
	Files []ExportFile
}

// Export writes the graph to dir as CSV files for `neo4j-admin database import full` (Neo4j 5
// header format: inline headers, `:ID(User)`/`:ID(Photo)` id spaces, typed columns), with the
// labels, relationship types and property names that graph/neo4j's Cypher uses (cypher/README.md).
// Times are Unix nanoseconds, as in graph/neo4j; unknown values are empty fields (no property).
//
// Not exported: OAuth tokens (secrets; users log in again on the new backend), FAVED pulls
// and pulls in progress (finish pulls before exporting; the next full pull rewrites them), and
// Migration nodes (run `photorec migrate` after the import). Export holds the read lock, so the
// files hold one consistent state; writes wait until it finishes. dir is created if missing;
// existing files of the same names are replaced.
func (s *Store) Export(ctx context.Context, dir string) (ExportInfo, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return ExportInfo{}, fmt.Errorf("embedded: export: create %s: %w", dir, err)
	}
	if err := s.rlock(ctx); err != nil {
		return ExportInfo{}, err
	}
	defer s.mu.RUnlock()
	st := s.st
	info := ExportInfo{Dir: dir, Seq: st.seq}
	long := func(v int64) string {
		if v == 0 {
			return ""
		}
		return strconv.FormatInt(v, 10)
	}

	type file struct {
		ExportFile
		header []string
		rows   func(emit func(...string) error) error
	}
	files := []file{
		{ExportFile{"users.csv", "nodes", "User", 0},
			[]string{"nsid:ID(User)", "username", "realname", "icon_url", "registered:boolean",
				"last_pull_at:long", "last_full_pull_at:long", "last_visit_at:long"},
			func(emit func(...string) error) error {
				for i := range st.users {
					u := &st.users[i]
					var reg, pull, full, visit string
					if x := u.x; x != nil {
						if x.registered {
							reg = "true"
						}
						pull, full, visit = long(x.lastPull), long(x.lastFullPull), long(x.lastVisit)
					}
					if err := emit(u.nsid, u.username, u.realname, u.icon, reg, pull, full, visit); err != nil {
						return err
					}
				}
				return nil
			}},
		{ExportFile{"photos.csv", "nodes", "Photo", 0},
			[]string{"id:ID(Photo)", "title", "farm:long", "server", "secret", "thumb_url", "image_url", "added_at:long"},
			func(emit func(...string) error) error {
				for i := range st.photos {
					p := &st.photos[i]
					m := unpackMeta(p.meta)
					if err := emit(p.id, m[0], long(int64(p.farm)), m[1], m[2], m[3], m[4], long(p.addedAt)); err != nil {
						return err
					}
				}
				return nil
			}},
		{ExportFile{"took.csv", "relationships", "TOOK", 0},
			[]string{":START_ID(User)", ":END_ID(Photo)"},
			func(emit func(...string) error) error {
				for i := range st.photos {
					if o := st.owner[i]; o != none {
						if err := emit(st.users[o].nsid, st.photos[i].id); err != nil {
							return err
						}
					}
				}
				return nil
			}},
		{ExportFile{"faved.csv", "relationships", "FAVED", 0},
			[]string{":START_ID(User)", ":END_ID(Photo)", "faved_at:long"},
			func(emit func(...string) error) error {
				for i := range st.users {
					u := &st.users[i]
					for j, p := range u.faves {
						if err := emit(u.nsid, st.photos[p].id, long(int64(u.favedAt[j])*1e9)); err != nil {
							return err
						}
					}
				}
				return nil
			}},
		{ExportFile{"follows.csv", "relationships", "FOLLOWS", 0},
			[]string{":START_ID(User)", ":END_ID(User)"},
			userEdges(st, func(x *userExtra) []uint32 { return x.contacts }, func(i uint32) string { return st.users[i].nsid })},
		{ExportFile{"dismissed_photo.csv", "relationships", "DISMISSED_PHOTO", 0},
			[]string{":START_ID(User)", ":END_ID(Photo)"},
			userEdges(st, func(x *userExtra) []uint32 { return x.dismissedPhotos }, func(i uint32) string { return st.photos[i].id })},
		{ExportFile{"dismissed_user.csv", "relationships", "DISMISSED_USER", 0},
			[]string{":START_ID(User)", ":END_ID(User)"},
			userEdges(st, func(x *userExtra) []uint32 { return x.dismissedUsers }, func(i uint32) string { return st.users[i].nsid })},
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return ExportInfo{}, fmt.Errorf("embedded: export: %w", err)
		}
		n, err := writeCSV(filepath.Join(dir, f.Name), f.header, f.rows)
		if err != nil {
			return ExportInfo{}, fmt.Errorf("embedded: export %s: %w", f.Name, err)
		}
		f.Rows = n
		info.Files = append(info.Files, f.ExportFile)
	}
	return info, nil
}

// userEdges emits one row per (user, target) of the per-user set that list picks.
func userEdges(st *state, list func(*userExtra) []uint32, name func(uint32) string) func(func(...string) error) error {
	return func(emit func(...string) error) error {
		for i := range st.users {
			u := &st.users[i]
			if u.x == nil {
				continue
			}
			for _, v := range list(u.x) {
				if err := emit(u.nsid, name(v)); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

// writeCSV writes header and the rows to path (RFC 4180 quoting, which neo4j-admin reads with
// its default quote character) and returns the number of rows.
func writeCSV(path string, header []string, rows func(emit func(...string) error) error) (int, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	if err := w.Write(header); err != nil {
		return 0, err
	}
	n := 0
	err = rows(func(rec ...string) error {
		n++
		return w.Write(rec)
	})
	if err != nil {
		return 0, err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return 0, err
	}
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	return n, f.Close()
}

// ImportCommand returns the neo4j-admin (Neo4j 5.19 or later) command that imports the export in info into
// the database named db (which must be stopped; --overwrite-destination replaces it), with the
// files under importDir (info.Dir when ""; where the files are as the Neo4j server sees them).
func (info ExportInfo) ImportCommand(db, importDir string) string {
	if importDir == "" {
		importDir = info.Dir
	}
	if db == "" {
		db = "neo4j"
	}
	// Since Neo4j 5.19 the database name goes before the options.
	parts := []string{"neo4j-admin database import full " + db, "--overwrite-destination", "--multiline-fields=true"}
	for _, f := range info.Files {
		parts = append(parts, fmt.Sprintf("--%s=%s=%s", f.Kind, f.Type, filepath.Join(importDir, f.Name)))
	}
	return strings.Join(parts, " \\\n  ")
}
