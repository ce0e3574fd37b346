package neo4j

import (
	"time"

	driver "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/photorec/photorec/graph"
)

// The decoders below read the values Neo4j returns (maps, int64, float64, strings, []byte,
// lists as []any); null reads as the zero value. They never panic on an unexpected type: they
// return the zero value, and the conformance suite catches the mismatch.

func str(v any) string {
	s, _ := v.(string)
	return s
}

func integer(v any) int64 {
	n, _ := v.(int64)
	return n
}

func float(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	}
	return 0
}

// timeOf reads Unix nanoseconds (null is the zero time) as UTC.
func timeOf(v any) time.Time {
	n, ok := v.(int64)
	if !ok {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func decodeUser(v any) graph.User {
	m := asMap(v)
	return graph.User{NSID: str(m["nsid"]), Username: str(m["username"]), Realname: str(m["realname"]), IconURL: str(m["icon_url"])}
}

func decodePhoto(v any, owner string) graph.Photo {
	m := asMap(v)
	return graph.Photo{
		ID:       str(m["id"]),
		Owner:    owner,
		Title:    str(m["title"]),
		Farm:     int(integer(m["farm"])),
		Server:   str(m["server"]),
		Secret:   str(m["secret"]),
		ThumbURL: str(m["thumb_url"]),
		ImageURL: str(m["image_url"]),
		Width:    int(integer(m["width"])),
		Height:   int(integer(m["height"])),
		AddedAt:  timeOf(m["added_at"]),
	}
}

// decodeWhy reads a list of {user, score} maps.
func decodeWhy(v any) []graph.Contribution {
	list, _ := v.([]any)
	var out []graph.Contribution
	for _, item := range list {
		m := asMap(item)
		out = append(out, graph.Contribution{User: decodeUser(m["user"]), Score: float(m["score"])})
	}
	return out
}

// row reads the named columns of one record. run has checked the columns against the header,
// and TestColumnsRead checks that every name passed to get is a column of some statement.
type row struct{ rec *driver.Record }

func (r row) get(key string) any {
	v, _ := r.rec.Get(key)
	return v
}

func decodePullState(r row) graph.PullState {
	registered, _ := r.get("registered").(bool)
	return graph.PullState{
		LastPullAt:     timeOf(r.get("last_pull_at")),
		LastFullPullAt: timeOf(r.get("last_full_pull_at")),
		NewestFaveAt:   timeOf(r.get("newest_fave_at")),
		Registered:     registered,
	}
}
