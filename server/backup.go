package server

import (
	"context"
	"io"
	"os"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// AdminBackupPath streams a consistent backup of the graph (GET, HTTP Basic auth as the other
// admin pages). `photorec backup` calls it while a server owns the data dir.
const AdminBackupPath = "/admin/backup"

// backupGraph is the part of a graph backend that can stream a consistent point-in-time backup
// while serving (graph/embedded). Backends without it answer 404 at AdminBackupPath.
type backupGraph interface {
	WriteBackup(ctx context.Context, w io.Writer) (seq uint64, err error)
}

// backupRoute mounts AdminBackupPath when an admin password is set and the graph supports
// backups. The backup holds sealed OAuth tokens: it is as secret as the data dir.
func (s *Server) backupRoute() {
	g, ok := s.opts.Graph.(backupGraph)
	if s.opts.AdminPassword == "" || !ok {
		return
	}
	s.app.Get(AdminBackupPath, s.requireAdmin, func(c *fiber.Ctx) error {
		// Spool to an unlinked temporary file (mode 0600), so the response streams after the
		// handler returns without holding the backup in memory.
		f, err := os.CreateTemp("", "photorec-backup-*")
		if err != nil {
			return err
		}
		_ = os.Remove(f.Name())
		seq, err := g.WriteBackup(c.UserContext(), f)
		if err != nil {
			f.Close()
			return err
		}
		size, err := f.Seek(0, io.SeekCurrent)
		if err == nil {
			_, err = f.Seek(0, io.SeekStart)
		}
		if err != nil {
			f.Close()
			return err
		}
		c.Set(fiber.HeaderContentType, "application/octet-stream")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="photorec-graph.backup"`)
		c.Set(fiber.HeaderCacheControl, "no-store")
		c.Set("X-Photorec-Backup-Seq", strconv.FormatUint(seq, 10))
		return c.SendStream(f, int(size)) // fasthttp closes f once sent
	})
}
