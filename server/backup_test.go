package server

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/graph/embedded"
)

func TestAdminBackup(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.AdminPassword = testAdminPassword })
	nsid := e.world.Users()[0].NSID
	e.seedUser(t, nsid)
	ctx := context.Background()
	want, err := e.g.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want.Faves == 0 {
		t.Fatal("seeded graph has no faves")
	}

	cases := []struct {
		name   string
		header map[string]string
		status int
	}{
		{"no credentials", nil, http.StatusUnauthorized},
		{"wrong password", map[string]string{"Authorization": basic("admin", "nope")}, http.StatusUnauthorized},
		{"admin", map[string]string{"Authorization": basic("admin", testAdminPassword)}, http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, header, body := adminDo(t, e, http.MethodGet, AdminBackupPath, c.header)
			if status != c.status {
				t.Fatalf("status = %d, want %d: %s", status, c.status, body)
			}
			if status != http.StatusOK {
				return
			}
			if header.Get("X-Photorec-Backup-Seq") == "" || header.Get("Cache-Control") != "no-store" {
				t.Errorf("headers = %v", header)
			}
			dir := t.TempDir()
			if _, err := embedded.Restore(ctx, dir, bytes.NewReader([]byte(body)), embedded.RestoreOptions{}); err != nil {
				t.Fatalf("restore the downloaded backup: %v", err)
			}
			r, err := embedded.Open(ctx, embedded.Options{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got, err := r.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("restored stats (-served +restored):\n%s", diff)
			}
		})
	}
}

func TestAdminBackupNeedsPassword(t *testing.T) {
	e := newEnv(t, nil)
	status, _, _ := adminDo(t, e, http.MethodGet, AdminBackupPath, map[string]string{"Authorization": basic("admin", "")})
	if status != http.StatusNotFound {
		t.Errorf("without an admin password: status %d, want 404", status)
	}
}
