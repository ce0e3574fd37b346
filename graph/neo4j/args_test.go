package neo4j

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/photorec/photorec/graph"
)

// TestArgumentsCheckedFirst checks that bad arguments give an *graph.ArgumentError naming the
// field before anything reaches Neo4j: the Store here has no driver at all, so a call that got
// past its checks would panic.
func TestArgumentsCheckedFirst(t *testing.T) {
	s := testStore()
	ctx := context.Background()
	long := strings.Repeat("9", graph.MaxIDLen+1)
	faves := func(f ...graph.Fave) graph.FavesBatch { return graph.FavesBatch{User: "u", At: t0, Faves: f} }
	photo := graph.Photo{ID: "1", Owner: "o"}
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"photos empty nsid", func() error { _, err := s.RecommendPhotos(ctx, "", graph.RecOptions{Limit: 5}); return err }, "nsid"},
		{"photos nsid too long", func() error { _, err := s.RecommendPhotos(ctx, long, graph.RecOptions{Limit: 5}); return err }, "nsid"},
		{"photos limit 0", func() error { _, err := s.RecommendPhotos(ctx, "u", graph.RecOptions{}); return err }, "limit"},
		{"photos limit 501", func() error { _, err := s.RecommendPhotos(ctx, "u", graph.RecOptions{Limit: 501}); return err }, "limit"},
		{"photos bad cursor", func() error {
			_, err := s.RecommendPhotos(ctx, "u", graph.RecOptions{Limit: 5, Cursor: "not-a-cursor"})
			return err
		}, "cursor"},
		{"photos cursor of users", func() error {
			c := graph.EncodeCursor(graph.Cursor{Kind: graph.UserCursor, Score: 1, ID: "a"})
			_, err := s.RecommendPhotos(ctx, "u", graph.RecOptions{Limit: 5, Cursor: c})
			return err
		}, "cursor"},
		{"photos unknown algorithm", func() error {
			_, err := s.RecommendPhotos(ctx, "u", graph.RecOptions{Limit: 5, Algorithm: "magic"})
			return err
		}, "algorithm"},
		{"photos why 51", func() error { _, err := s.RecommendPhotos(ctx, "u", graph.RecOptions{Limit: 5, Why: 51}); return err }, "why"},
		{"users limit -1", func() error { _, err := s.RecommendUsers(ctx, "u", graph.RecOptions{Limit: -1}); return err }, "limit"},
		{"neighbors bad order", func() error { _, err := s.Neighbors(ctx, "u", graph.NeighborOrder(7), 5); return err }, "order"},
		{"neighbors limit 0", func() error { _, err := s.Neighbors(ctx, "u", graph.ByTaken, 0); return err }, "limit"},
		{"common faves bad b", func() error { _, err := s.CommonFaves(ctx, "u", "a b", 5); return err }, "nsid"},
		{"common faves limit 10000", func() error { _, err := s.CommonFaves(ctx, "u", "a", 10000); return err }, "limit"},
		{"summary control char", func() error { _, err := s.Summary(ctx, "\x00"); return err }, "nsid"},
		{"user empty", func() error { _, err := s.User(ctx, ""); return err }, "nsid"},
		{"photo empty", func() error { _, err := s.Photo(ctx, ""); return err }, "photo_id"},
		{"pull state empty", func() error { _, err := s.PullState(ctx, ""); return err }, "nsid"},
		{"due limit 0", func() error { _, err := s.DueForRefresh(ctx, t0, 0); return err }, "limit"},
		{"add faves bad user", func() error { return s.AddFaves(ctx, graph.FavesBatch{}) }, "nsid"},
		{"add faves bad photo", func() error { return s.AddFaves(ctx, faves(graph.Fave{Photo: graph.Photo{Owner: "o"}})) }, "photo_id"},
		{"add faves bad owner", func() error { return s.AddFaves(ctx, faves(graph.Fave{Photo: graph.Photo{ID: "1"}})) }, "owner"},
		{"add faves before 1970", func() error {
			return s.AddFaves(ctx, faves(graph.Fave{Photo: photo, FavedAt: time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)}))
		}, "faved_at"},
		{"add faves bad farm", func() error {
			return s.AddFaves(ctx, faves(graph.Fave{Photo: graph.Photo{ID: "1", Owner: "o", Farm: 1 << 40}}))
		}, "farm"},
		{"add faves bad owner user", func() error {
			b := faves(graph.Fave{Photo: photo})
			b.Owners = []graph.User{{NSID: ""}}
			return s.AddFaves(ctx, b)
		}, "nsid"},
		{"upsert blank nsid", func() error { return s.UpsertUsers(ctx, []graph.User{{NSID: " "}}) }, "nsid"},
		{"remove fave bad photo", func() error { return s.RemoveFave(ctx, "u", "") }, "photo_id"},
		{"finish pull bad kind", func() error {
			return s.FinishPull(ctx, graph.PullDone{User: "u", PullID: "p", Kind: "sideways", At: t0})
		}, "kind"},
		{"register empty", func() error { return s.Register(ctx, "") }, "nsid"},
		{"contacts bad contact", func() error { return s.SetContacts(ctx, "u", []graph.User{{NSID: ""}}) }, "nsid"},
		{"dismiss bad photo", func() error { return s.DismissPhoto(ctx, "u", "") }, "photo_id"},
		{"undismiss bad photo", func() error { return s.UndismissPhoto(ctx, "u", long) }, "photo_id"},
		{"dismiss bad target", func() error { return s.DismissUser(ctx, "u", "") }, "nsid"},
		{"undismiss bad user", func() error { return s.UndismissUser(ctx, "", "t") }, "nsid"},
		{"put token empty", func() error { return s.PutToken(ctx, "", []byte("x")) }, "nsid"},
		{"token empty", func() error { _, err := s.Token(ctx, ""); return err }, "nsid"},
		{"delete token empty", func() error { return s.DeleteToken(ctx, "") }, "nsid"},
		{"mark visit empty", func() error { _, err := s.MarkVisit(ctx, "", t0); return err }, "nsid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var ae *graph.ArgumentError
			if !errors.As(err, &ae) || !errors.Is(err, graph.ErrInvalidArgument) {
				t.Fatalf("err = %v, want a *graph.ArgumentError", err)
			}
			if ae.Field != tt.field {
				t.Errorf("ArgumentError.Field = %q, want %q", ae.Field, tt.field)
			}
		})
	}
}

func TestFavedAtKeptToTheSecond(t *testing.T) {
	b := graph.FavesBatch{User: "u", At: t0, Faves: []graph.Fave{
		{Photo: graph.Photo{ID: "1", Owner: "o"}, FavedAt: t0.Add(999 * time.Millisecond)},
		{Photo: graph.Photo{ID: "2", Owner: "o"}},
	}}
	rows := addFavesParams(b)["rows"].([]any)
	if got := rows[0].(map[string]any)["faved_at"]; got != t0.UnixNano() {
		t.Errorf("faved_at = %v, want %v (truncated to the second)", got, t0.UnixNano())
	}
	if got := rows[1].(map[string]any)["faved_at"]; got != nil {
		t.Errorf("unknown faved_at = %v, want nil", got)
	}
}
