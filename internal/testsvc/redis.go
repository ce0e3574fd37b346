package testsvc

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// RedisServer is a redis-server process owned by one test.
type RedisServer struct {
	Addr string // host:port on loopback
	Dir  string // working directory (holds any dump or AOF file)
	t    testing.TB
	cmd  *exec.Cmd
	port int
	args []string
}

// Redis starts a fresh redis-server on a free loopback port and stops it when the test ends.
// extra are additional redis-server arguments, e.g. "--appendonly", "yes".
func Redis(t testing.TB, extra ...string) *RedisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		Missing(t, "redis-server")
	}
	port, err := FreePort()
	if err != nil {
		t.Fatalf("testsvc: free port: %v", err)
	}
	s := &RedisServer{
		Addr: fmt.Sprintf("127.0.0.1:%d", port),
		Dir:  t.TempDir(),
		t:    t,
		port: port,
		args: append([]string{"--bind", "127.0.0.1", "--port", fmt.Sprint(port), "--save", "", "--appendonly", "no"}, extra...),
	}
	s.start(bin)
	t.Cleanup(s.Stop)
	return s
}

func (s *RedisServer) start(bin string) {
	s.t.Helper()
	args := append([]string{}, s.args...)
	args = append(args, "--dir", s.Dir)
	cmd := exec.Command(bin, args...)
	logf, err := os.Create(filepath.Join(s.Dir, "redis.log"))
	if err != nil {
		s.t.Fatalf("testsvc: redis log: %v", err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("testsvc: start redis-server: %v", err)
	}
	s.cmd = cmd
	if err := waitRedis(s.Addr, 10*time.Second); err != nil {
		s.Stop()
		log, _ := os.ReadFile(filepath.Join(s.Dir, "redis.log"))
		s.t.Fatalf("testsvc: redis-server on %s not ready: %v\n%s", s.Addr, err, log)
	}
}

// Stop kills the server (SIGKILL) and waits for it; calling it twice is harmless.
func (s *RedisServer) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Restart stops the server and starts it again on the same port and directory (what survives
// depends on the persistence arguments given to Redis).
func (s *RedisServer) Restart() {
	s.t.Helper()
	s.Stop()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		Missing(s.t, "redis-server")
	}
	s.start(bin)
}

// Missing skips the test because a binary is absent, or fails it when CI is set.
func Missing(t testing.TB, binary string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("testsvc: %s is not installed, and CI is set: install it (see .ci/run)", binary)
	}
	t.Skipf("testsvc: %s is not installed; skipped (this fails when CI is set)", binary)
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func waitRedis(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		last = ping(addr)
		if last == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return last
}

func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+PONG") {
		return fmt.Errorf("unexpected reply %q", line)
	}
	return nil
}
