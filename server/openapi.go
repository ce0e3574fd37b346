package server

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// openAPIDoc is the OpenAPI 3 description of /api/v1; TestOpenAPIMatchesRoutes keeps it true.
//
//go:embed openapi.json
var openAPIDoc []byte

// openAPI is GET /api/v1/openapi.json.
func (s *Server) openAPI(c *fiber.Ctx) error {
	c.Type("json", "utf-8")
	return c.Send(openAPIDoc)
}
