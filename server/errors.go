package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/photorec/photorec/flickr"
	"github.com/photorec/photorec/graph"
)

// apiError is an error with a status, a stable code and a message safe to show a client.
// Err, when set, is the internal cause: it goes to the log, never to the client.
type apiError struct {
	Status  int
	Code    string
	Message string
	Err     error
	// RetryAfter, when positive, is sent as the Retry-After header (seconds).
	RetryAfter int
}

func (e *apiError) Error() string {
	if e.Err != nil {
		return e.Code + ": " + e.Err.Error()
	}
	return e.Code + ": " + e.Message
}

func (e *apiError) Unwrap() error { return e.Err }

// Error codes of the JSON error body {"error":{"code","message"}}.
const (
	codeNotFound           = "not_found"
	codeInvalidArgument    = "invalid_argument"
	codeUnauthenticated    = "unauthenticated"
	codeForbidden          = "forbidden"
	codeCSRF               = "csrf_failed"
	codeRateLimited        = "rate_limited"
	codeFlickrUnavailable  = "flickr_unavailable"
	codeFlickrRejected     = "flickr_rejected"
	codeFlickrRateLimited  = "flickr_rate_limited"
	codeFlickrBusy         = "flickr_busy"
	codeFlickrTokenInvalid = "flickr_token_invalid"
	codeFlickrPermission   = "flickr_permission_denied"
	codeLoginFailed        = "login_failed"
	codeMethodNotAllowed   = "method_not_allowed"
	codeUnavailable        = "unavailable"
	codeInternal           = "internal"
)

var (
	errCSRF            = &apiError{Status: http.StatusForbidden, Code: codeCSRF, Message: "missing or invalid CSRF token; reload the page and try again"}
	errUnauthenticated = &apiError{Status: http.StatusUnauthorized, Code: codeUnauthenticated, Message: "log in with Flickr first"}
	errForbidden       = &apiError{Status: http.StatusForbidden, Code: codeForbidden, Message: "only the owner can change these recommendations; browsing someone else's is read-only"}
)

func invalidArgument(field, reason string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: codeInvalidArgument, Message: "invalid " + field + ": " + reason}
}

// classify maps an error to what the client is told. Internal details never leave it.
func classify(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		switch fe.Code {
		case fiber.StatusNotFound:
			return &apiError{Status: fe.Code, Code: codeNotFound, Message: "no such page"}
		case fiber.StatusMethodNotAllowed:
			return &apiError{Status: fe.Code, Code: codeMethodNotAllowed, Message: "method not allowed"}
		case fiber.StatusRequestEntityTooLarge:
			return &apiError{Status: fe.Code, Code: codeInvalidArgument, Message: "request body too large"}
		}
		if fe.Code < 500 {
			return &apiError{Status: fe.Code, Code: codeInvalidArgument, Message: "bad request"}
		}
		return &apiError{Status: http.StatusInternalServerError, Code: codeInternal, Message: "internal error", Err: err}
	}
	var arg *graph.ArgumentError
	if errors.As(err, &arg) {
		return &apiError{Status: http.StatusBadRequest, Code: codeInvalidArgument, Message: "invalid " + arg.Field + ": " + arg.Reason, Err: err}
	}
	var ff *flickrError
	if errors.As(err, &ff) {
		return classifyFlickr(ff.err)
	}
	switch {
	case errors.Is(err, graph.ErrNotFound):
		return &apiError{Status: http.StatusNotFound, Code: codeNotFound, Message: "not found", Err: err}
	case errors.Is(err, graph.ErrInvalidArgument):
		return &apiError{Status: http.StatusBadRequest, Code: codeInvalidArgument, Message: "invalid argument", Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &apiError{Status: http.StatusServiceUnavailable, Code: codeUnavailable, Message: "the request took too long; try again", Err: err}
	}
	return &apiError{Status: http.StatusInternalServerError, Code: codeInternal, Message: "internal error", Err: err}
}

// flickrError marks an error returned by a Flickr call, so that it is reported as Flickr's
// failure (never as success, never as ours).
type flickrError struct{ err error }

func (f *flickrError) Error() string { return f.err.Error() }
func (f *flickrError) Unwrap() error { return f.err }

// fromFlickr wraps the error of a Flickr call; nil stays nil.
func fromFlickr(err error) error {
	if err == nil {
		return nil
	}
	return &flickrError{err: err}
}

func classifyFlickr(err error) *apiError {
	var flickrAPI *flickr.APIError
	switch {
	case errors.Is(err, flickr.ErrNotFound):
		return &apiError{Status: http.StatusNotFound, Code: codeNotFound, Message: "Flickr does not know that user or photo", Err: err}
	case errors.Is(err, flickr.ErrInvalidUserInput):
		return &apiError{Status: http.StatusBadRequest, Code: codeInvalidArgument, Message: "enter a Flickr URL, an NSID or a username", Err: err}
	case errors.Is(err, flickr.ErrRateLimited):
		return &apiError{Status: http.StatusServiceUnavailable, Code: codeFlickrRateLimited, Message: "Flickr is limiting our requests; try again in a minute", Err: err, RetryAfter: 60}
	case errors.Is(err, flickr.ErrBusy):
		return &apiError{Status: http.StatusServiceUnavailable, Code: codeFlickrBusy, Message: "too many requests are waiting for Flickr; try again in a few seconds", Err: err, RetryAfter: 5}
	case errors.Is(err, flickr.ErrInvalidToken), errors.Is(err, flickr.ErrUnauthorized):
		return &apiError{Status: http.StatusUnauthorized, Code: codeFlickrTokenInvalid, Message: "Flickr no longer accepts your login; log in again", Err: err}
	case errors.Is(err, flickr.ErrCommentsNotAllowed): // also an ErrInsufficientPermissions: test it first
		return &apiError{Status: http.StatusForbidden, Code: codeFlickrPermission, Message: "The photo's owner has turned comments off, or allows them only from some people", Err: err}
	case errors.Is(err, flickr.ErrInsufficientPermissions):
		return &apiError{Status: http.StatusForbidden, Code: codeFlickrPermission, Message: "Flickr did not allow this action", Err: err}
	case errors.As(err, &flickrAPI) && !flickr.IsRetryable(err):
		return &apiError{Status: http.StatusBadGateway, Code: codeFlickrRejected, Message: "Flickr refused the request", Err: err}
	}
	return &apiError{Status: http.StatusBadGateway, Code: codeFlickrUnavailable, Message: "Flickr is not answering; try again later", Err: err}
}

// errorBody is the JSON shape of every API error.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// handleError is Fiber's ErrorHandler: the one place errors are logged. API paths get JSON,
// pages get the HTML error page.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	if clientGone(c.UserContext()) {
		// Nobody reads the answer: 499, as nginx logs a request its client closed.
		s.log.Info("client went away", "method", c.Method(), "path", c.Path())
		return c.SendStatus(statusClientClosed)
	}
	ae := classify(err)
	level := slog.LevelInfo
	if ae.Status >= 500 {
		level = slog.LevelError
	}
	attrs := []any{"method", c.Method(), "path", c.Path(), "status", ae.Status, "code", ae.Code}
	if ae.Err != nil {
		attrs = append(attrs, "err", ae.Err.Error())
	}
	s.log.Log(c.UserContext(), level, "request failed", attrs...)
	if ae.RetryAfter > 0 {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(ae.RetryAfter))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if isAPIPath(c.Path()) || !strings.Contains(c.Get(fiber.HeaderAccept), "text/html") {
		return c.Status(ae.Status).JSON(errorBody{Error: errorDetail{Code: ae.Code, Message: ae.Message}})
	}
	if c.Method() == fiber.MethodPost && c.Path() == "/browse" {
		// The welcome form again, with what was typed (a stale page's CSRF token, the rate limit).
		msg := ae.Message
		if ae.Code == codeCSRF {
			msg = "This page had expired. Press Browse again."
		}
		return s.renderStatus(c, ae.Status, "welcome", welcomePage{Page: s.basePage(c, "photorec"), Query: c.FormValue("q"), Error: msg, Example: exampleQuery})
	}
	title := "Something went wrong · photorec"
	if ae.Status == http.StatusNotFound {
		title = "Not found · photorec"
	}
	return s.renderStatus(c, ae.Status, "error", errorPage{Page: s.basePage(c, title), Status: ae.Status, Message: pageMessage(ae)})
}

// pageMessage is what the error page says: the API's messages are written for programs, so
// pages say in plain words what happened and what to do.
func pageMessage(ae *apiError) string {
	switch {
	case ae.Code == codeNotFound:
		return "The link may be old or mistyped, or photorec does not know this Flickr member yet."
	case ae.Code == codeInvalidArgument:
		return "Part of this address is not something photorec understands. Start again from the home page."
	case ae.Code == codeRateLimited:
		return "Too many requests came from your connection at once. Wait a minute, then try again."
	case ae.Code == codeMethodNotAllowed:
		return "This page cannot be opened that way. Start again from the home page."
	case ae.Status >= 500 && strings.HasPrefix(ae.Code, "flickr_"):
		return ae.Message + "."
	case ae.Status >= 500 || ae.Message == "":
		return "photorec failed to answer. Try again in a moment; if it keeps happening, the fault is ours."
	}
	return strings.ToUpper(ae.Message[:1]) + ae.Message[1:] + "."
}

// statusClientClosed is the status of a request whose client closed the connection first.
const statusClientClosed = 499

func isAPIPath(p string) bool { return strings.HasPrefix(p, "/api/") }
