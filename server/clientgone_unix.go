//go:build linux || darwin || freebsd || netbsd || openbsd

package server

import (
	"errors"
	"syscall"
)

// peerClosed peeks one byte without blocking: 0 bytes and no error is the peer's FIN; an
// error other than "nothing yet" is a reset or a dead socket.
func peerClosed(rc syscall.RawConn) bool {
	closed := false
	err := rc.Read(func(fd uintptr) bool {
		var b [1]byte
		n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		switch {
		case err == nil:
			closed = n == 0
		case errors.Is(err, syscall.EAGAIN), errors.Is(err, syscall.EWOULDBLOCK), errors.Is(err, syscall.EINTR):
		default:
			closed = true
		}
		return true
	})
	return closed || err != nil
}
