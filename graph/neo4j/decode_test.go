package neo4j

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/graph"
)

func TestTimeRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
	}{
		{"zero is null", time.Time{}},
		{"utc", t0},
		{"sub-second", t0.Add(123456789)},
		{"other zone", time.Date(2021, 6, 1, 9, 30, 0, 0, time.FixedZone("X", 5*3600))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := timeOf(nanos(tt.in))
			if !got.Equal(tt.in) || (!got.IsZero() && got.Location() != time.UTC) {
				t.Errorf("timeOf(nanos(%v)) = %v, want the same instant in UTC", tt.in, got)
			}
		})
	}
	if nanos(time.Time{}) != nil {
		t.Errorf("nanos(zero) = %v, want nil", nanos(time.Time{}))
	}
}

func TestDecode(t *testing.T) {
	user := map[string]any{"nsid": "1@N01", "username": "Zoë", "realname": nil, "icon_url": "i"}
	photo := map[string]any{
		"id": "9", "title": "t", "farm": int64(66), "server": "65535", "secret": "s",
		"thumb_url": "q", "image_url": nil, "added_at": t0.UnixNano(),
	}
	if diff := cmp.Diff(graph.User{NSID: "1@N01", Username: "Zoë", IconURL: "i"}, decodeUser(user)); diff != "" {
		t.Errorf("decodeUser (-want +got):\n%s", diff)
	}
	wantPhoto := graph.Photo{ID: "9", Owner: "o", Title: "t", Farm: 66, Server: "65535", Secret: "s", ThumbURL: "q", AddedAt: t0}
	if diff := cmp.Diff(wantPhoto, decodePhoto(photo, "o")); diff != "" {
		t.Errorf("decodePhoto (-want +got):\n%s", diff)
	}
	why := []any{
		map[string]any{"user": user, "score": 2.5},
		map[string]any{"user": map[string]any{"nsid": "2@N01"}, "score": int64(1)},
	}
	wantWhy := []graph.Contribution{{User: decodeUser(user), Score: 2.5}, {User: graph.User{NSID: "2@N01"}, Score: 1}}
	if diff := cmp.Diff(wantWhy, decodeWhy(why)); diff != "" {
		t.Errorf("decodeWhy (-want +got):\n%s", diff)
	}
	// Nulls and unexpected types read as zero values, never a panic.
	if diff := cmp.Diff(graph.Photo{}, decodePhoto(nil, "")); diff != "" {
		t.Errorf("decodePhoto(nil) (-want +got):\n%s", diff)
	}
	if got := decodeWhy(nil); got != nil {
		t.Errorf("decodeWhy(nil) = %v", got)
	}
	if got := float("x"); got != 0 {
		t.Errorf("float(string) = %v", got)
	}
}
