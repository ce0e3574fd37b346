package server

import (
	"testing"

	"github.com/photorec/photorec/graph"
)

func TestReasonText(t *testing.T) {
	person := func(name string, common int) contributionJSON {
		return contributionJSON{User: userJSON{Name: name}, Common: common}
	}
	owner := userJSON{Name: "Ximena Okafor"}
	nadia := viewOf("Nadia", false)
	tests := []struct {
		name string
		r    reasonJSON
		v    viewpoint
		want string
	}{
		{"owner faved", reasonJSON{Kind: graph.ReasonOwnerFaved, Count: 12, Users: []contributionJSON{person("Ximena Okafor", 0)}}, you,
			"You faved 12 photos by Ximena Okafor."},
		{"owner faved once, someone else's", reasonJSON{Kind: graph.ReasonOwnerFaved, Count: 1}, nadia,
			"Nadia faved a photo by Ximena Okafor."},
		{"owner followed", reasonJSON{Kind: graph.ReasonOwnerFollowed, Count: 1}, you,
			"By Ximena Okafor, whom you follow."},
		{"owner followed, someone else's", reasonJSON{Kind: graph.ReasonOwnerFollowed, Count: 1}, nadia,
			"By Ximena Okafor, whom Nadia follows."},
		{"co-favers, more than named", reasonJSON{Kind: graph.ReasonCoFavers, Count: 5, Users: []contributionJSON{person("Noah_film", 382), person("Ana", 120), person("Li", 1)}}, you,
			"Faved by 5 people whose faves overlap yours: Noah_film (382 faves in common with you), Ana (120), Li (1) and 2 more."},
		{"one co-faver with one fave in common", reasonJSON{Kind: graph.ReasonCoFavers, Count: 1, Users: []contributionJSON{person("Noah_film", 1)}}, nadia,
			"Faved by 1 person whose faves overlap Nadia's: Noah_film (1 fave in common with Nadia)."},
		{"co-favers named nobody", reasonJSON{Kind: graph.ReasonCoFavers, Count: 4}, you,
			"Faved by 4 people whose faves overlap yours."},
		{"neighbors", reasonJSON{Kind: graph.ReasonNeighbors, Count: 2, Users: []contributionJSON{person("Ana", 7), person("Li", 3)}}, you,
			"Faved by 2 photographers whose photos you faved: Ana (7 faves in common with you) and Li (3)."},
		{"contacts, all named", reasonJSON{Kind: graph.ReasonContactsFaved, Count: 2, Users: []contributionJSON{person("Ana", 0), person("Li", 0)}}, you,
			"Faved by Ana and Li, whom you follow."},
		{"contacts, more than named", reasonJSON{Kind: graph.ReasonContactsFaved, Count: 4, Users: []contributionJSON{person("Ana", 0)}}, nadia,
			"Faved by Ana and 3 more people Nadia follows."},
		{"contacts, nobody named", reasonJSON{Kind: graph.ReasonContactsFaved, Count: 1}, you,
			"Faved by 1 person you follow."},
		{"popular", reasonJSON{Kind: graph.ReasonPopular, Count: 312}, you, "Faved by 312 people."},
		{"popular once", reasonJSON{Kind: graph.ReasonPopular, Count: 1}, you, "Faved by 1 person."},
		{"also faved, with a viewer", reasonJSON{Kind: graph.ReasonAlsoFaved, Count: 14, Users: []contributionJSON{person("Ana", 9), person("Li", 0)}}, you,
			"Faved by 14 people who faved this one, among them Ana (9 faves in common with you)."},
		{"also faved, without a viewer", reasonJSON{Kind: graph.ReasonAlsoFaved, Count: 1, Users: []contributionJSON{person("Ana", 0)}}, you,
			"Faved by 1 person who faved this one."},
		{"unknown kind", reasonJSON{Kind: "telepathy", Count: 3}, you, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := reasonText(tt.r, owner, tt.v); got != tt.want {
				t.Errorf("reasonText = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestReasonTextForEveryKind: every kind an algorithm can give has words.
func TestReasonTextForEveryKind(t *testing.T) {
	kinds := []graph.ReasonKind{graph.ReasonAlsoFaved}
	for _, a := range graph.AlgorithmList {
		kinds = append(kinds, a.Reasons...)
	}
	for _, k := range kinds {
		if reasonText(reasonJSON{Kind: k, Count: 2}, userJSON{Name: "X"}, you) == "" {
			t.Errorf("reason kind %q has no sentence", k)
		}
	}
}

func TestSrcset(t *testing.T) {
	const base = "https://live.staticflickr.com/65535/53637883806_0a1b2c3d4e"
	tests := []struct {
		name          string
		url           string
		width, height int
		want          string
	}{
		{"landscape 1024", base + "_b.jpg", 1024, 683,
			base + "_m.jpg 240w, " + base + ".jpg 500w, " + base + "_z.jpg 640w, " + base + "_b.jpg 1024w"},
		{"portrait 1024", base + "_b.jpg", 768, 1024,
			base + "_m.jpg 180w, " + base + ".jpg 375w, " + base + "_z.jpg 480w, " + base + "_b.jpg 768w"},
		{"500 without suffix", base + ".jpg", 500, 333,
			base + "_m.jpg 240w, " + base + ".jpg 500w"},
		{"small original: no size above it", base + "_b.jpg", 600, 400,
			base + "_m.jpg 240w, " + base + ".jpg 500w, " + base + "_b.jpg 600w"},
		{"unknown size: the suffix's edge, landscape", base + "_z.jpg", 0, 0,
			base + "_m.jpg 240w, " + base + ".jpg 500w, " + base + "_z.jpg 640w"},
		{"not Flickr's scheme", "https://example.com/photo.png", 800, 600, ""},
		{"unknown suffix", base + "_h.jpg", 1600, 1200, ""},
		{"empty", "", 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := srcset(tt.url, tt.width, tt.height); got != tt.want {
				t.Errorf("srcset(%q, %d, %d) =\n%q\nwant\n%q", tt.url, tt.width, tt.height, got, tt.want)
			}
		})
	}
}
