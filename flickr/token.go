package flickr

import "log/slog"

// String shows the token's first characters and never its secret, so a token printed by
// mistake leaks nothing usable.
func (t Token) String() string {
	if len(t.Token) <= 6 {
		return "Token{redacted}"
	}
	return "Token{" + t.Token[:6] + "…}"
}

// LogValue makes slog print the redacted form.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }

// String shows who the token belongs to and the redacted token.
func (a AccessToken) String() string {
	return "AccessToken{" + a.UserNSID + " " + a.Username + " " + a.Token.String() + "}"
}

// LogValue makes slog print the redacted form.
func (a AccessToken) LogValue() slog.Value { return slog.StringValue(a.String()) }
