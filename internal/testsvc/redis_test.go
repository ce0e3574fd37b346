package testsvc

import "testing"

func TestRedisStartsAndRestarts(t *testing.T) {
	s := Redis(t)
	if err := ping(s.Addr); err != nil {
		t.Fatalf("ping after start: %v", err)
	}
	s.Restart()
	if err := ping(s.Addr); err != nil {
		t.Fatalf("ping after restart: %v", err)
	}
	s.Stop()
	if err := ping(s.Addr); err == nil {
		t.Fatal("ping after stop succeeded, want an error")
	}
}
