package flickr

import (
	"errors"
	"fmt"
	"net/http"
)

// Sentinels. Test with errors.Is; the concrete errors are *APIError and *HTTPError.
var (
	// ErrNotFound: the user or photo does not exist (Flickr code 1 of the methods photorec
	// calls, and code 5 "User deleted" of people.getInfo).
	ErrNotFound = errors.New("flickr: not found")
	// ErrRateLimited: Flickr answered HTTP 429.
	ErrRateLimited = errors.New("flickr: rate limited")
	// ErrUnauthorized: Flickr rejected the OAuth part of the request: HTTP 401 (bad signature,
	// consumer or token), or HTTP 400 with an oauth_problem (a missing OAuth parameter, an
	// unsupported signature method).
	ErrUnauthorized = errors.New("flickr: oauth request rejected")
	// ErrInvalidToken: the access token is unknown or revoked (code 98).
	ErrInvalidToken = errors.New("flickr: invalid auth token")
	// ErrInsufficientPermissions: the token lacks the permission the method needs (code 99).
	ErrInsufficientPermissions = errors.New("flickr: insufficient permissions")
	// ErrBusy: the call was not made because its wait for the rate limiter would have gone on
	// past the bound set with WithMaxWait (too many calls queued for the budget).
	ErrBusy = errors.New("flickr: too many calls waiting for the rate limit")
	// ErrCommentsNotAllowed: addComment answered code 99, which there also means the photo's
	// owner turned comments off or limits who may comment ("Insufficient permission to
	// comment"). Such an error also matches ErrInsufficientPermissions: the code cannot tell
	// the two apart, and photorec's logins always ask for write permission.
	ErrCommentsNotAllowed = errors.New("flickr: comments not allowed on this photo")
	// ErrInvalidUserInput: LookupUser got text that is neither a Flickr URL, an NSID nor a name.
	ErrInvalidUserInput = errors.New("flickr: not a flickr user url, nsid or name")
)

// APIError is a stat:"fail" reply. Switch on Code, never on Message (texts vary per call).
type APIError struct {
	Method  string // e.g. "flickr.people.getInfo"
	Code    int
	Message string
}

// Error implements error.
func (e *APIError) Error() string {
	return fmt.Sprintf("%s failed: code %d: %s", e.Method, e.Code, e.Message)
}

// Is maps codes to the sentinels: ErrNotFound, ErrInvalidToken (98),
// ErrInsufficientPermissions (99), and ErrCommentsNotAllowed (99 of addComment).
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return isNotFoundCode(e.Method, e.Code)
	case ErrInvalidToken:
		return e.Code == 98
	case ErrInsufficientPermissions:
		return e.Code == 99
	case ErrCommentsNotAllowed:
		return e.Code == 99 && e.Method == methodAddComment
	}
	return false
}

// isNotFoundCode reports the "not found" family: code 1 of every method photorec calls
// (User not found, Photo not found, Photo not in favorites), plus 5 "User deleted".
func isNotFoundCode(method string, code int) bool {
	switch {
	case code == 1:
		return true
	case code == 5 && method == "flickr.people.getInfo":
		return true
	}
	return false
}

// HTTPError is a reply with an HTTP status other than 200 (Flickr sends API errors as 200).
type HTTPError struct {
	Method  string // Flickr method or OAuth step ("oauth.request_token", ...)
	Status  int
	Problem string // oauth_problem of a 400 or 401 text/plain body, e.g. "signature_invalid"
}

// Error implements error.
func (e *HTTPError) Error() string {
	if e.Problem != "" {
		return fmt.Sprintf("%s: http %d: oauth_problem=%s", e.Method, e.Status, e.Problem)
	}
	return fmt.Sprintf("%s: http %d %s", e.Method, e.Status, http.StatusText(e.Status))
}

// Is maps 429 to ErrRateLimited, and 401 or a 400 with an oauth_problem to ErrUnauthorized.
func (e *HTTPError) Is(target error) bool {
	switch target {
	case ErrRateLimited:
		return e.Status == http.StatusTooManyRequests
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized || e.Status == http.StatusBadRequest && e.Problem != ""
	}
	return false
}

// netError marks a transport failure (connection refused or reset, truncated body, ...).
type netError struct {
	method string
	err    error
}

func (e *netError) Error() string { return fmt.Sprintf("%s: transport: %v", e.method, e.err) }
func (e *netError) Unwrap() error { return e.err }

// transientCodes are the stat:"fail" codes worth retrying: 105 service unavailable, 106 write
// operation failed, 201 and 0 "API service not currently available".
var transientCodes = map[int]bool{0: true, 105: true, 106: true, 201: true}

// IsRetryable reports whether a call that failed with err may succeed when repeated later:
// HTTP 429 and 5xx, Flickr codes 105, 106, 201 and 0, and transport failures. Permanent errors
// (not found, bad signature, bad token, bad key, method-specific codes) and context
// cancellation are not retryable.
func IsRetryable(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return transientCodes[apiErr.Code]
	}
	var httpErr *HTTPError
	if errors.As(err, &httpErr) {
		return httpErr.Status == http.StatusTooManyRequests || httpErr.Status >= 500
	}
	var ne *netError
	return errors.As(err, &ne)
}

// outcome is the metrics label of a call's result.
func outcome(err error) string {
	var apiErr *APIError
	var httpErr *HTTPError
	var ne *netError
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrNotFound):
		return "not_found"
	case errors.As(err, &apiErr):
		if transientCodes[apiErr.Code] {
			return "unavailable"
		}
		return "api_error"
	case errors.Is(err, ErrRateLimited):
		return "rate_limited"
	case errors.Is(err, ErrUnauthorized):
		return "unauthorized"
	case errors.As(err, &httpErr) && httpErr.Status >= 500:
		return "server_error"
	case errors.As(err, &httpErr):
		return "http_error"
	case errors.As(err, &ne):
		return "network_error"
	}
	return "error"
}
