package embedded

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// BackupInfo describes one backup: the log sequence number it holds the store at, and its size.
type BackupInfo struct {
	Seq   uint64 // the state after exactly this many logged writes
	Bytes int64
}

// Backup streams a consistent point-in-time copy of the store to w while the store keeps
// serving: it asks the writer pipeline for a snapshot (readers are never blocked; writes are
// logged meanwhile and applied once the snapshot file is written), then copies that snapshot
// file. The copy holds the state after a whole number of logged writes (never part of a batch)
// and is in the snapshot format, so Restore can check its checksum. It includes the sealed OAuth
// tokens: treat the output as a secret.
func (s *Store) Backup(ctx context.Context, w io.Writer) (BackupInfo, error) {
	if err := s.Snapshot(ctx); err != nil {
		return BackupInfo{}, fmt.Errorf("embedded: backup: %w", err)
	}
	// A later automatic snapshot may replace the one just written between listing and opening;
	// any published snapshot is complete and consistent, so take the newest that opens. Once
	// open, the file stays readable even if the store deletes it.
	var f *os.File
	var seq uint64
	for attempt := 0; f == nil; attempt++ {
		name, n, err := newestSnapshot(s.dir)
		if err != nil {
			return BackupInfo{}, fmt.Errorf("embedded: backup: %w", err)
		}
		f, err = os.Open(filepath.Join(s.dir, name))
		if err != nil {
			if errors.Is(err, os.ErrNotExist) && attempt < 10 {
				continue
			}
			return BackupInfo{}, fmt.Errorf("embedded: backup: %w", err)
		}
		seq = n
	}
	defer f.Close()
	n, err := io.Copy(w, readerCtx{ctx: ctx, r: f})
	if err != nil {
		return BackupInfo{}, fmt.Errorf("embedded: backup: copy: %w", err)
	}
	return BackupInfo{Seq: seq, Bytes: n}, nil
}

// newestSnapshot returns the name and sequence number of the newest snapshot file in dir.
func newestSnapshot(dir string) (string, uint64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", 0, err
	}
	var snaps []string
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, "snapshot-") && strings.HasSuffix(n, ".bin") {
			snaps = append(snaps, n)
		}
	}
	if len(snaps) == 0 {
		return "", 0, errors.New("no snapshot file")
	}
	sort.Strings(snaps)
	name := snaps[len(snaps)-1]
	var seq uint64
	if _, err := fmt.Sscanf(name, "snapshot-%016x.bin", &seq); err != nil {
		return "", 0, fmt.Errorf("snapshot name %s: %w", name, err)
	}
	return name, seq, nil
}

// readerCtx stops a long copy when ctx ends.
type readerCtx struct {
	ctx context.Context
	r   io.Reader
}

func (r readerCtx) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

// RestoreOptions configures Restore.
type RestoreOptions struct {
	// Force replaces the store already in Dir; without it, Restore refuses a Dir that holds one.
	Force bool
}

// ErrNotEmpty is returned by Restore when Dir already holds a store and Force is not set.
var ErrNotEmpty = errors.New("embedded: data dir already holds a store")

// Restore writes the backup read from r into dir so that Open finds exactly the backed-up state.
// It takes the store's lock, so it fails while a process has dir open; it checks the backup's
// checksum and decodes it fully before touching an existing store. dir is created if missing.
func Restore(ctx context.Context, dir string, r io.Reader, opts RestoreOptions) (BackupInfo, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return BackupInfo{}, fmt.Errorf("embedded: restore: create %s: %w", dir, err)
	}
	locker := &Store{dir: dir}
	if err := locker.lock(); err != nil {
		return BackupInfo{}, err // "embedded: <dir> is in use by another process"
	}
	defer locker.closeFiles()

	entries, err := os.ReadDir(dir)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("embedded: restore: %w", err)
	}
	var existing []string
	for _, e := range entries {
		if n := e.Name(); isStateFile(n) {
			existing = append(existing, n)
		}
	}
	if len(existing) > 0 && !opts.Force {
		return BackupInfo{}, fmt.Errorf("embedded: restore into %s: %w (use force to replace it)", dir, ErrNotEmpty)
	}

	// Copy to a temporary file (Open deletes *.tmp leftovers), then verify it.
	f, err := os.CreateTemp(dir, "restore-*.tmp")
	if err != nil {
		return BackupInfo{}, fmt.Errorf("embedded: restore: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	n, err := io.Copy(f, readerCtx{ctx: ctx, r: r})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return BackupInfo{}, fmt.Errorf("embedded: restore: write: %w", err)
	}
	st, err := readSnapshot(tmp)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("embedded: restore: not a valid backup: %w", err)
	}
	seq := st.seq // st is dead from here: the GC may reclaim the snapshot during the swap below
	if err := ctx.Err(); err != nil {
		return BackupInfo{}, fmt.Errorf("embedded: restore: %w", err)
	}

	// Remove the old store first: its log must not be replayed on top of the backup. A crash
	// between here and the rename leaves an empty store and the backup file, not a mix.
	for _, name := range existing {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return BackupInfo{}, fmt.Errorf("embedded: restore: remove %s: %w", name, err)
		}
	}
	if err := os.Rename(tmp, filepath.Join(dir, snapshotName(seq))); err != nil {
		return BackupInfo{}, fmt.Errorf("embedded: restore: publish: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return BackupInfo{}, fmt.Errorf("embedded: restore: %w", err)
	}
	return BackupInfo{Seq: seq, Bytes: n}, nil
}

// WriteBackup is Backup for consumers that declare their own interface and must not import
// this package (the HTTP server's /admin/backup): it returns the backup's sequence number.
func (s *Store) WriteBackup(ctx context.Context, w io.Writer) (uint64, error) {
	info, err := s.Backup(ctx, w)
	return info.Seq, err
}

// isStateFile reports whether a file name in a store's dir holds its state: a snapshot or a log.
func isStateFile(name string) bool {
	return (strings.HasPrefix(name, "snapshot-") && strings.HasSuffix(name, ".bin")) ||
		(strings.HasPrefix(name, "wal-") && strings.HasSuffix(name, ".db"))
}

// Remove deletes the store in dir (its snapshots, logs and leftovers), so that the next Open
// starts empty. It takes the store's lock, so it fails while a process has dir open, and then
// removes nothing. A dir that does not exist holds no store: Remove returns 0 and no error. It
// returns how many files it removed.
func Remove(dir string) (int, error) {
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	locker := &Store{dir: dir}
	if err := locker.lock(); err != nil {
		return 0, err // "embedded: <dir> is in use by another process"
	}
	defer locker.closeFiles()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("embedded: remove: %w", err)
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if !isStateFile(name) && !strings.HasSuffix(name, ".tmp") {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return n, fmt.Errorf("embedded: remove %s: %w", name, err)
		}
		n++
	}
	if err := syncDir(dir); err != nil {
		return n, fmt.Errorf("embedded: remove: %w", err)
	}
	return n, nil
}
