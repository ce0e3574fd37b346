package flickr

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var nsidRE = regexp.MustCompile(`^[0-9]{1,20}@N[0-9]{2}$`)

// IsNSID reports whether s has the form of a Flickr NSID, e.g. "12037949754@N01".
func IsNSID(s string) bool { return nsidRE.MatchString(s) }

// inputKind is what a person typed to name a Flickr member.
type inputKind int

const (
	inputNSID inputKind = iota + 1 // an NSID, typed or found in a URL: no call needed
	inputURL                       // a photos/people URL with a path alias: urls.lookupUser
	inputName                      // a bare username or alias: people.findByUsername
)

// userInput is the parsed form of what was typed.
type userInput struct {
	kind  inputKind
	value string // the NSID, the canonical URL, or the trimmed name
	alias string // the path segment (inputURL) or the name if it could be an alias (inputName)
}

var aliasRE = regexp.MustCompile(`^[A-Za-z0-9_\-]{1,64}$`)

// parseUserInput reads a Flickr profile or photo URL (www., m., secure. or bare flickr.com,
// with or without scheme; /photos/<x>/..., /people/<x>/...), an NSID, or a bare name.
func parseUserInput(s string) (userInput, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 512 || !utf8.ValidString(s) {
		return userInput{}, ErrInvalidUserInput
	}
	if IsNSID(s) {
		return userInput{kind: inputNSID, value: s}, nil
	}
	if strings.ContainsAny(s, "/") || strings.Contains(strings.ToLower(s), "flickr.com") {
		return parseFlickrURL(s)
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) }) >= 0 ||
		utf8.RuneCountInString(s) > 64 {
		return userInput{}, ErrInvalidUserInput
	}
	in := userInput{kind: inputName, value: s}
	if aliasRE.MatchString(s) {
		in.alias = s
	}
	return in, nil
}

func parseFlickrURL(s string) (userInput, error) {
	raw := s
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return userInput{}, ErrInvalidUserInput
	}
	host := strings.ToLower(u.Hostname())
	switch host {
	case "flickr.com", "www.flickr.com", "m.flickr.com", "secure.flickr.com":
	default:
		return userInput{}, ErrInvalidUserInput
	}
	segs := strings.FieldsFunc(u.Path, func(r rune) bool { return r == '/' })
	if len(segs) < 2 || (segs[0] != "photos" && segs[0] != "people") {
		return userInput{}, ErrInvalidUserInput
	}
	seg := segs[1]
	if IsNSID(seg) {
		return userInput{kind: inputNSID, value: seg}, nil
	}
	if !aliasRE.MatchString(seg) {
		return userInput{}, ErrInvalidUserInput
	}
	return userInput{kind: inputURL, value: "https://www.flickr.com/" + segs[0] + "/" + seg + "/", alias: seg}, nil
}

// LookupUser resolves what a person typed: a Flickr URL (https://www.flickr.com/photos/alias/,
// /people/nsid/, a photo page, m.flickr.com, no scheme), an NSID, or a bare username or alias.
//   - An NSID, typed or in a URL, needs no call; Username is then empty.
//   - A URL with an alias goes through flickr.urls.lookupUser (an alias is not a username).
//   - A bare name goes through flickr.people.findByUsername; if no user has that name and it
//     could be an alias, flickr.urls.lookupUser on https://www.flickr.com/photos/<name>/ is
//     tried next.
//
// Junk gives ErrInvalidUserInput; a well-formed name nobody has gives ErrNotFound.
func (c *Client) LookupUser(ctx context.Context, input string) (UserRef, error) {
	in, err := parseUserInput(input)
	if err != nil {
		return UserRef{}, fmt.Errorf("flickr: lookup %q: %w", input, err)
	}
	switch in.kind {
	case inputNSID:
		return UserRef{NSID: in.value}, nil
	case inputURL:
		return c.lookupURL(ctx, in.value)
	}
	const method = "flickr.people.findByUsername"
	body, err := c.rest(ctx, call{method: method, params: url.Values{"username": {in.value}}})
	if err == nil {
		u, err := decodeUser(method, body)
		if err != nil {
			return UserRef{}, fmt.Errorf("flickr: lookup %q: %w", input, err)
		}
		return u, nil
	}
	if errors.Is(err, ErrNotFound) && in.alias != "" {
		return c.lookupURL(ctx, "https://www.flickr.com/photos/"+in.alias+"/")
	}
	return UserRef{}, fmt.Errorf("flickr: lookup %q: %w", input, err)
}

func (c *Client) lookupURL(ctx context.Context, u string) (UserRef, error) {
	const method = "flickr.urls.lookupUser"
	body, err := c.rest(ctx, call{method: method, params: url.Values{"url": {u}}})
	if err != nil {
		return UserRef{}, fmt.Errorf("flickr: lookup %s: %w", u, err)
	}
	ref, err := decodeUser(method, body)
	if err != nil {
		return UserRef{}, fmt.Errorf("flickr: lookup %s: %w", u, err)
	}
	return ref, nil
}
