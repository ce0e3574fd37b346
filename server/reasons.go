package server

import (
	"strconv"
	"strings"

	"github.com/photorec/photorec/graph"
)

// This file is the one place where a photo's reasons (graph.Reason, algorithms.go) become
// sentences for people. The HTML pages and the JSON ("text" of each reason) both take them from
// reasonText, so the grid, the lightbox and the no-script page say the same thing.

// viewpoint is whose recommendations a sentence speaks of: the person reading ("You faved")
// or someone they browse ("Nadia faved").
type viewpoint struct {
	self bool
	name string // display name of the recommended-for user when !self
}

// you is the viewpoint of the person reading their own recommendations.
var you = viewpoint{self: true}

func viewOf(name string, self bool) viewpoint {
	if self {
		return you
	}
	return viewpoint{name: name}
}

// subject is "You" or the name, at the start of a sentence.
func (v viewpoint) subject() string {
	if v.self {
		return "You"
	}
	return v.name
}

// object is "you" or the name, after a preposition.
func (v viewpoint) object() string {
	if v.self {
		return "you"
	}
	return v.name
}

// possessive stands for "their faves": "yours" or "Nadia's".
func (v viewpoint) possessive() string {
	if v.self {
		return "yours"
	}
	return v.name + "'s"
}

// follows is "you follow" or "Nadia follows".
func (v viewpoint) follows() string {
	if v.self {
		return "you follow"
	}
	return v.name + " follows"
}

// plural is "1 person" or "5 people".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// reasonText is the sentence of one reason of a photo by owner, seen from v; "" for a kind it
// does not know (the API may grow kinds before the words for them).
func reasonText(r reasonJSON, owner userJSON, v viewpoint) string {
	switch r.Kind {
	case graph.ReasonOwnerFaved:
		if r.Count == 1 {
			return v.subject() + " faved a photo by " + owner.Name + "."
		}
		return v.subject() + " faved " + strconv.Itoa(r.Count) + " photos by " + owner.Name + "."
	case graph.ReasonOwnerFollowed:
		return "By " + owner.Name + ", whom " + v.follows() + "."
	case graph.ReasonCoFavers:
		lead := "Faved by " + plural(r.Count, "person whose faves overlap ", "people whose faves overlap ") + v.possessive()
		return lead + commonList(r, v) + "."
	case graph.ReasonNeighbors:
		lead := "Faved by " + plural(r.Count, "photographer whose photos ", "photographers whose photos ") + v.object() + " faved"
		return lead + commonList(r, v) + "."
	case graph.ReasonContactsFaved:
		names := make([]string, 0, len(r.Users))
		for _, u := range r.Users {
			names = append(names, u.User.Name)
		}
		if more := r.Count - len(names); more > 0 || len(names) == 0 {
			if len(names) == 0 {
				return "Faved by " + plural(r.Count, "person ", "people ") + v.follows() + "."
			}
			return "Faved by " + strings.Join(names, ", ") + " and " + plural(more, "more person ", "more people ") + v.follows() + "."
		}
		return "Faved by " + andList(names) + ", whom " + v.follows() + "."
	case graph.ReasonPopular:
		return "Faved by " + plural(r.Count, "person", "people") + "."
	case graph.ReasonAlsoFaved:
		s := "Faved by " + plural(r.Count, "person who faved this one", "people who faved this one")
		if len(r.Users) > 0 && r.Users[0].Common > 0 {
			u := r.Users[0]
			s += ", among them " + u.User.Name + " (" + plural(u.Common, "fave", "faves") + " in common with " + v.object() + ")"
		}
		return s + "."
	}
	return ""
}

// commonList is ": A (382 faves in common with you), B (120) and 3 more" for the people a
// reason names, or "" when it names nobody.
func commonList(r reasonJSON, v viewpoint) string {
	if len(r.Users) == 0 {
		return ""
	}
	parts := make([]string, 0, len(r.Users)+1)
	for i, u := range r.Users {
		if i == 0 {
			parts = append(parts, u.User.Name+" ("+plural(u.Common, "fave", "faves")+" in common with "+v.object()+")")
			continue
		}
		parts = append(parts, u.User.Name+" ("+strconv.Itoa(u.Common)+")")
	}
	if more := r.Count - len(r.Users); more > 0 {
		parts = append(parts, strconv.Itoa(more)+" more")
	}
	return ": " + andList(parts)
}

// andList joins "a", "b", "c" as "a, b and c".
func andList(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
