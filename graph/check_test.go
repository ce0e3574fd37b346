package graph

import (
	"errors"
	"testing"
)

func TestStoreArgumentChecks(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		wantField string // "" means no error
	}{
		{"user photo ok", CheckUserPhoto("u1", "p1"), ""},
		{"user photo bad user", CheckUserPhoto("", "p1"), "nsid"},
		{"user photo bad photo", CheckUserPhoto("u1", "a b"), "photo_id"},
		{"neighbors ok", CheckNeighbors("u1", ByScore, 10), ""},
		{"neighbors bad nsid first", CheckNeighbors("", NeighborOrder(9), 0), "nsid"},
		{"neighbors bad order", CheckNeighbors("u1", NeighborOrder(9), 10), "order"},
		{"neighbors bad limit", CheckNeighbors("u1", ByTaken, MaxLimit+1), "limit"},
		{"common ok", CheckCommonFaves("u1", "u2", 1), ""},
		{"common bad a", CheckCommonFaves("", "u2", 1), "nsid"},
		{"common bad b", CheckCommonFaves("u1", "", 1), "nsid"},
		{"common bad limit", CheckCommonFaves("u1", "u2", 0), "limit"},
		{"due ok", CheckDueLimit(MaxLimit * 10), ""},
		{"due zero", CheckDueLimit(0), "limit"},
		{"pull ok", CheckPullDone(PullDone{User: "u1", Kind: PullFull}), ""},
		{"pull bad user", CheckPullDone(PullDone{Kind: PullFull}), "nsid"},
		{"pull bad kind", CheckPullDone(PullDone{User: "u1", Kind: "partial"}), "kind"},
		{"contacts ok", CheckContacts("u1", []User{{NSID: "u2"}}), ""},
		{"contacts bad nsid", CheckContacts("", nil), "nsid"},
		{"contacts bad contact", CheckContacts("u1", []User{{NSID: ""}}), "nsid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ae *ArgumentError
			switch {
			case tt.wantField == "" && tt.err != nil:
				t.Fatalf("error %v, want none", tt.err)
			case tt.wantField == "":
			case !errors.As(tt.err, &ae):
				t.Fatalf("error %v, want an *ArgumentError", tt.err)
			case ae.Field != tt.wantField:
				t.Errorf("field %q, want %q", ae.Field, tt.wantField)
			}
		})
	}
}
