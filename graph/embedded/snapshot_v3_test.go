package embedded

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/photorec/photorec/graph"
)

// TestReadSnapshotV3 checks that a format 3 snapshot, which kept one finished pull per user,
// still loads, its finished pull becoming the only one of the list. The format 3 file is the
// format 4 one with the magic and that user's list rewritten, and its CRC recomputed.
func TestReadSnapshotV3(t *testing.T) {
	st := newState()
	b := graph.FavesBatch{User: "u@N01", PullID: "pull-one", At: benchAt, Faves: []graph.Fave{{Photo: graph.Photo{ID: "1", Owner: "o@N01"}}}}
	if _, err := st.apply(encodeAddFaves(b, benchAt.UnixNano())); err != nil {
		t.Fatal(err)
	}
	done := graph.PullDone{User: "u@N01", PullID: "pull-one", Kind: graph.PullFull, At: benchAt}
	if _, err := st.apply(encodeFinishPull(done, benchAt.UnixNano())); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := writeSnapshot(dir, st); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, snapshotName(st.seq))
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Format 4 writes the list [pull-one] as a count (1) then the string; format 3 the string.
	v4 := append([]byte{1, byte(len("pull-one"))}, "pull-one"...)
	if bytes.Count(raw, v4) != 1 {
		t.Fatalf("the finished list %q is not in the snapshot exactly once", v4)
	}
	body := bytes.Replace(raw[:len(raw)-4], v4, v4[1:], 1)
	body = append([]byte(snapMagicV3), body[len(snapMagic):]...)
	v3 := binary.LittleEndian.AppendUint32(body, crc32.ChecksumIEEE(body))
	if err := os.WriteFile(path, v3, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := readSnapshot(path)
	if err != nil {
		t.Fatalf("read format 3: %v", err)
	}
	u, ok := got.userIdx["u@N01"]
	if !ok || got.users[u].x == nil || !slices.Equal(got.users[u].x.finished, []string{"pull-one"}) {
		t.Fatalf("finished pulls after reading format 3 = %v, want [pull-one]", got.users[u].x)
	}
	if n := len(got.users[u].faves); n != 1 {
		t.Errorf("faves of u = %d, want 1", n)
	}
}
