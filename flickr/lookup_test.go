package flickr

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var userInputSeeds = []string{
	"https://www.flickr.com/photos/alias/",
	"https://www.flickr.com/people/12037949754@N01/",
	"flickr.com/photos/x/123",
	"https://m.flickr.com/photos/george/albums",
	"http://secure.flickr.com/photos/george",
	"www.flickr.com/photos/12037949754@N01/53637883806/in/faves",
	"george",
	"Stewart Butterfield",
	"12037949754@N01",
	"  12037949754@N01  ",
	"https://example.com/photos/george/",
	"https://www.flickr.com/groups/709526@N23/",
	"https://www.flickr.com/photos/",
	"ftp://www.flickr.com/photos/george/",
	"https://www.flickr.com/photos/bad%20alias/",
	"",
	"   ",
	"a/b",
	"José Müller",
	"\x00junk",
	"https://www.flickr.com:8080/photos/x",
	"https://www.flickr.com.evil.example/photos/x",
}

func TestParseUserInput(t *testing.T) {
	tests := []struct {
		in   string
		want userInput
		err  bool
	}{
		{in: "https://www.flickr.com/photos/alias/", want: userInput{kind: inputURL, value: "https://www.flickr.com/photos/alias/", alias: "alias"}},
		{in: "https://www.flickr.com/people/12037949754@N01/", want: userInput{kind: inputNSID, value: "12037949754@N01"}},
		{in: "flickr.com/photos/x/123", want: userInput{kind: inputURL, value: "https://www.flickr.com/photos/x/", alias: "x"}},
		{in: "https://m.flickr.com/photos/george/albums", want: userInput{kind: inputURL, value: "https://www.flickr.com/photos/george/", alias: "george"}},
		{in: "http://secure.flickr.com/people/george", want: userInput{kind: inputURL, value: "https://www.flickr.com/people/george/", alias: "george"}},
		{in: "www.flickr.com/photos/12037949754@N01/53637883806/in/faves", want: userInput{kind: inputNSID, value: "12037949754@N01"}},
		{in: "george", want: userInput{kind: inputName, value: "george", alias: "george"}},
		{in: " Stewart Butterfield ", want: userInput{kind: inputName, value: "Stewart Butterfield"}},
		{in: "José Müller", want: userInput{kind: inputName, value: "José Müller"}},
		{in: "  12037949754@N01  ", want: userInput{kind: inputNSID, value: "12037949754@N01"}},
		{in: "https://example.com/photos/george/", err: true},
		{in: "https://www.flickr.com.evil.example/photos/x", err: true},
		{in: "https://www.flickr.com/groups/709526@N23/", err: true},
		{in: "https://www.flickr.com/photos/", err: true},
		{in: "ftp://www.flickr.com/photos/george/", err: true},
		{in: "https://www.flickr.com/photos/bad%20alias/", err: true},
		{in: "", err: true},
		{in: "   ", err: true},
		{in: "a/b", err: true},
		{in: "\x00junk", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseUserInput(tt.in)
			if tt.err {
				if !errors.Is(err, ErrInvalidUserInput) {
					t.Errorf("parse = %+v, %v; want ErrInvalidUserInput", got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(userInput{})); diff != "" {
				t.Errorf("parse (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzParseUserInput checks that any text either is rejected with ErrInvalidUserInput or
// parses to a well-formed input, and that a canonical URL parses to itself.
func FuzzParseUserInput(f *testing.F) {
	for _, s := range userInputSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in, err := parseUserInput(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidUserInput) {
				t.Fatalf("parse(%q): unexpected error %v", s, err)
			}
			return
		}
		switch in.kind {
		case inputNSID:
			if !IsNSID(in.value) {
				t.Fatalf("parse(%q) = NSID %q, not an NSID", s, in.value)
			}
		case inputURL:
			if !strings.HasPrefix(in.value, "https://www.flickr.com/") || !aliasRE.MatchString(in.alias) {
				t.Fatalf("parse(%q) = URL %+v, not canonical", s, in)
			}
			again, err := parseUserInput(in.value)
			if err != nil || again != in {
				t.Fatalf("canonical %q parses to %+v, %v; want %+v", in.value, again, err, in)
			}
		case inputName:
			if in.value == "" || in.value != strings.TrimSpace(in.value) || strings.Contains(in.value, "/") {
				t.Fatalf("parse(%q) = name %q", s, in.value)
			}
			if in.alias != "" && in.alias != in.value {
				t.Fatalf("parse(%q): alias %q differs from name %q", s, in.alias, in.value)
			}
		default:
			t.Fatalf("parse(%q) = kind %d", s, in.kind)
		}
	})
}
