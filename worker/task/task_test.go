package task

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hibiken/asynq"
)

func TestPullRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		pull     Pull
		wantType string
	}{
		{"user", Pull{Job: "user:1@N01", Run: "r1", User: "1@N01", PullID: "p", Kind: KindFull, WithContacts: true, FanOut: true, Lane: LaneInteractive}, TypePullUser},
		{"neighbor", Pull{Job: "neighbor:2@N01", Run: "r1", User: "2@N01", PullID: "q", Kind: KindIncremental, MinFaveDate: 1700000000, MaxFaves: 1000}, TypePullNeighbor},
		{"photos", Pull{Job: "photos:3@N01", Run: "r1", User: "3@N01", PullID: "s", MaxPhotos: 100}, TypePullPhotos},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk, err := NewPull(tt.pull)
			if err != nil {
				t.Fatal(err)
			}
			if tk.Type() != tt.wantType {
				t.Errorf("type = %q, want %q", tk.Type(), tt.wantType)
			}
			got, err := ParsePull(tk)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.pull, got); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIngestRoundTrip(t *testing.T) {
	in := Ingest{
		Pull: Pull{Job: "neighbor:2@N01", User: "2@N01", PullID: "q", Kind: KindFull},
		At:   1700000000123456789,
		Faves: []Fave{{Photo: Photo{ID: "9", Owner: "3@N01", Title: "t", Farm: 66, Server: "65535", Secret: "s",
			ThumbURL: "q.jpg", ImageURL: "b.jpg", Width: 1024, Height: 683}, FavedAt: 1700000000}},
		Photos:   []Photo{{ID: "10", Owner: "2@N01", ImageURL: "c.jpg", Width: 800, Height: 533}},
		Owners:   []Person{{NSID: "3@N01", Username: "three"}},
		Contacts: []Person{{NSID: "4@N01"}},
		Calls:    2,
	}
	tk, err := NewIngest(in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseIngest(tk)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

// TestIngestWireFormat pins the JSON of a favorite: the photo's fields sit at the top level, as
// before Photo existed, so ingest tasks queued across an upgrade still decode.
func TestIngestWireFormat(t *testing.T) {
	payload := `{"job":"neighbor:2@N01","user":"2@N01","pull_id":"q","kind":"full","at":1,"calls":1,
		"faves":[{"id":"9","owner":"3@N01","thumb":"q.jpg","image":"b.jpg","width":1024,"height":683,"faved_at":1700000000}]}`
	got, err := ParseIngest(asynq.NewTask(TypeIngest, []byte(payload)))
	if err != nil {
		t.Fatal(err)
	}
	want := []Fave{{Photo: Photo{ID: "9", Owner: "3@N01", ThumbURL: "q.jpg", ImageURL: "b.jpg", Width: 1024, Height: 683}, FavedAt: 1700000000}}
	if diff := cmp.Diff(want, got.Faves); diff != "" {
		t.Errorf("faves (-want +got):\n%s", diff)
	}
}

func TestParseRejectsGarbage(t *testing.T) {
	if _, err := ParsePull(asynq.NewTask(TypePullUser, []byte("{"))); err == nil {
		t.Fatal("ParsePull of a truncated payload: want an error")
	}
}

func TestTaskIDs(t *testing.T) {
	tests := []struct{ got, want string }{
		{PullTaskID("neighbor:2@N01"), "pull:neighbor:2@N01"},
		{IngestTaskID("neighbor:2@N01", "q"), "ingest:neighbor:2@N01:q"},
		{RefreshDueTaskID(60), "refresh-due:60"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("id = %q, want %q", tt.got, tt.want)
		}
	}
}

func TestRankRoundTrip(t *testing.T) {
	want := Rank{User: "1@N01", Run: "r1"}
	tk, err := NewRank(want)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Type() != TypeRank {
		t.Errorf("type = %q, want %q", tk.Type(), TypeRank)
	}
	got, err := ParseRank(tk)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if _, err := ParseRank(asynq.NewTask(TypeRank, []byte("{"))); err == nil {
		t.Errorf("ParseRank of bad JSON: no error")
	}
}
