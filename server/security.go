package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
)

// contentSecurityPolicy allows scripts and styles from our own files only (no inline code),
// images from imageSources, and form posts to ourselves and to Flickr's OAuth pages (the login
// form's redirect goes there).
func contentSecurityPolicy(imageSources []string, oauthOrigin string) string {
	img := append([]string{"'self'", "data:"}, imageSources...)
	form := []string{"'self'"}
	if oauthOrigin != "" {
		form = append(form, oauthOrigin)
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src " + strings.Join(img, " "),
		"connect-src 'self'",
		"font-src 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action " + strings.Join(form, " "),
		"frame-ancestors 'none'",
	}, "; ")
}

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", s.csp)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set(fiber.HeaderReferrerPolicy, "strict-origin-when-cross-origin")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	if s.opts.Secure {
		c.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000; includeSubDomains")
	}
	return c.Next()
}

// rateLimiter bounds requests per logged-in member, else per client IP (in process: each
// replica counts its own). A member is not held to the count of others behind the same IP.
func (s *Server) rateLimiter() fiber.Handler {
	if s.opts.RateLimit.Requests < 0 {
		return func(c *fiber.Ctx) error { return c.Next() }
	}
	return limiter.New(limiter.Config{
		Max:        s.opts.RateLimit.Requests,
		Expiration: s.opts.RateLimit.Window,
		KeyGenerator: func(c *fiber.Ctx) string {
			if ss := sess(c); ss.loggedIn() {
				return "member:" + ss.NSID
			}
			return "ip:" + c.IP()
		},
		LimitReached: func(c *fiber.Ctx) error {
			return &apiError{Status: http.StatusTooManyRequests, Code: codeRateLimited, Message: "too many requests; slow down"}
		},
	})
}

// directoriesNotFound answers 404 where static serves a directory (/static/, /static/x/): the
// filesystem middleware refuses them with 403, which would say the path exists.
func directoriesNotFound(static fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		err := static(c)
		if errors.Is(err, fiber.ErrForbidden) {
			return fiber.ErrNotFound
		}
		return err
	}
}
