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
		Pull:     Pull{Job: "neighbor:2@N01", User: "2@N01", PullID: "q", Kind: KindFull},
		At:       1700000000123456789,
		Faves:    []Fave{{PhotoID: "9", Owner: "3@N01", Title: "t", Farm: 66, Server: "65535", Secret: "s", FavedAt: 1700000000}},
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
