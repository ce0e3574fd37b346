package neo4j

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/cypher"
	"github.com/photorec/photorec/graph"
)

var t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

func testStore() *Store {
	return &Store{params: graph.DefaultFlexplore(), def: graph.Flexplore}
}

// TestParamsMatchHeaders drives the parameter builder of every statement call site and checks
// the result against the statement's header, and the keys of $rows maps against the row.x
// references in the statement's text.
func TestParamsMatchHeaders(t *testing.T) {
	s := testStore()
	users := []graph.User{{NSID: "1@N01", Username: "a"}, {NSID: "2@N01"}}
	batch := graph.FavesBatch{User: "u", PullID: "p", At: t0, Faves: []graph.Fave{
		{Photo: graph.Photo{ID: "9", Owner: "o", Title: "t", Farm: 66}, FavedAt: t0},
		{Photo: graph.Photo{ID: "8", Owner: "o"}},
	}}
	done := graph.PullDone{User: "u", PullID: "p", Kind: graph.PullFull, At: t0}
	rec := graph.RecOptions{Algorithm: graph.Flexplore, Limit: 10, Why: 3}
	cur := &graph.Cursor{Kind: graph.PhotoCursor, Score: 1.5, ID: "9"}
	tests := []struct {
		st     cypher.Statement
		params map[string]any
	}{
		{cypher.UpsertUsers, upsertUsersParams(users)},
		{cypher.AddFaves, addFavesParams(batch)},
		{cypher.AddPhotos, addPhotosParams(graph.PhotosBatch{Owner: "o", At: t0, Photos: []graph.Photo{{ID: "7", Owner: "o", Width: 1024, Height: 683}}})},
		{cypher.RemoveFave, removeFaveParams("u", "9")},
		{cypher.FinishPull, finishPullParams(done)},
		{cypher.EnsureMigrationConstraint, nil},
		{cypher.PullState, nsidParams("u")},
		{cypher.Register, nsidParams("u")},
		{cypher.DueForRefresh, dueForRefreshParams(t0, 10)},
		{cypher.PruneFollows, pruneFollowsParams("u", users)},
		{cypher.AddFollows, addFollowsParams("u", users)},
		{cypher.DismissPhoto, photoDismissalParams("u", "9")},
		{cypher.UndismissPhoto, photoDismissalParams("u", "9")},
		{cypher.DismissUser, userDismissalParams("u", "v")},
		{cypher.UndismissUser, userDismissalParams("u", "v")},
		{cypher.GetUser, nsidParams("u")},
		{cypher.GetPhoto, photoParams("9")},
		{cypher.Summary, nsidParams("u")},
		{cypher.Neighbors, s.neighborsParams("u", graph.ByScore, 10)},
		{cypher.CommonFaves, commonFavesParams("u", "v", 10)},
		{cypher.RecommendPhotosFlexplore, s.flexplorePhotosParams("u", rec, nil)},
		{cypher.RecommendPhotosFlexplore, s.flexplorePhotosParams("u", rec, cur)},
		{cypher.RecommendPhotosPopularity, popularityPhotosParams("u", rec, cur)},
		{cypher.RecommendUsers, s.usersParams("u", rec, nil)},
		{cypher.PutToken, putTokenParams("u", []byte("x"))},
		{cypher.GetToken, nsidParams("u")},
		{cypher.DeleteToken, nsidParams("u")},
		{cypher.MarkVisit, markVisitParams("u", t0)},
		{cypher.Stats, nil},
		{cypher.Ping, nil},
		{cypher.AppliedMigrations, nil},
		{cypher.RecordMigration, recordMigrationParams(1, "0001_x", t0)},
		{cypher.DeleteAll, nil},
		{cypher.DeleteMigrations, nil},
		{cypher.RankMember, nsidParams("u")},
		{cypher.RankFaves, map[string]any{"users": anys([]string{"u"})}},
		{cypher.RankCofaverFaves, map[string]any{"users": anys([]string{"u"})}},
		{cypher.RankFavers, map[string]any{"photos": anys([]string{"9"})}},
		{cypher.RankTook, map[string]any{"users": anys([]string{"u"})}},
		{cypher.RankUsers, map[string]any{"users": anys([]string{"u"})}},
		{cypher.RankingState, map[string]any{"key": rankingKey("u", graph.Hybrid)}},
		{cypher.RankingPage, pageParams(map[string]any{"key": rankingKey("u", graph.Hybrid), "nsid": "u"}, cur, 10)},
		{cypher.StoreRanking, map[string]any{"key": "u/hybrid", "nsid": "u", "algorithm": "hybrid", "at": nanos(t0),
			"rows": []any{map[string]any{"photo_id": "9", "score": 1.0, "reasons": "[]"}}}},
		{cypher.RankingAlgorithms, map[string]any{"keys": anys([]string{"u/hybrid"})}},
		{cypher.PagePhotos, map[string]any{"ids": anys([]string{"9"})}},
	}
	covered := map[string]bool{}
	rowRE := regexp.MustCompile(`\brow\.([a-z_]+)`)
	for _, tt := range tests {
		covered[tt.st.Name] = true
		t.Run(tt.st.Name, func(t *testing.T) {
			if err := checkParams(tt.st, tt.params); err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, m := range rowRE.FindAllStringSubmatch(tt.st.Text, -1) {
				if !slices.Contains(want, m[1]) {
					want = append(want, m[1])
				}
			}
			slices.Sort(want)
			rows, _ := tt.params["rows"].([]any)
			if len(want) > 0 && len(rows) == 0 {
				t.Fatalf("statement reads row.%v but the test gave no rows", want)
			}
			for _, r := range rows {
				var got []string
				for k := range r.(map[string]any) {
					got = append(got, k)
				}
				slices.Sort(got)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("row keys (-row.x in text +built):\n%s", diff)
				}
			}
		})
	}
	for _, st := range cypher.Store() {
		if !covered[st.Name] {
			t.Errorf("statement %s has no case here", st.Name)
		}
	}
	for _, m := range mustMigrations(t) {
		if err := checkParams(m.Statement, nil); err != nil {
			t.Errorf("migration %s: %v", m.Name, err)
		}
	}
}

func mustMigrations(t *testing.T) []cypher.Migration {
	t.Helper()
	ms, err := cypher.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func TestCheckParamsRejects(t *testing.T) {
	tests := []struct {
		name    string
		params  map[string]any
		wantErr string
	}{
		{"missing", map[string]any{"user": "u"}, "$photo_id missing"},
		{"extra", map[string]any{"user": "u", "photo_id": "1", "limit": 3}, "$limit not in the header"},
		{"nil", nil, "$user missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkParams(cypher.RemoveFave, tt.params)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("checkParams = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestRunChecksBeforeSending shows that run refuses bad parameters and a write in a read
// transaction before anything reaches Neo4j (the transaction here has no connection at all).
func TestRunChecksBeforeSending(t *testing.T) {
	tests := []struct {
		name    string
		tx      managed
		st      cypher.Statement
		params  map[string]any
		wantErr string
	}{
		{"bad params", managed{mode: cypher.Write}, cypher.Register, nil, "$nsid missing"},
		{"write in read", managed{mode: cypher.Read}, cypher.Register, nsidParams("u"), "write statement in a read transaction"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := run(context.Background(), tt.tx, tt.st, tt.params)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("run = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

// packageFiles parses the Go files of this package (tests included when tests is true).
func packageFiles(t *testing.T, tests bool) map[string]*ast.File {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	out := map[string]*ast.File{}
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") && !tests {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		out[n] = f
	}
	return out
}

func camel(snake string) string {
	var b strings.Builder
	for _, part := range strings.Split(snake, "_") {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// TestEveryStatementUsed checks that the backend's code (not its tests) refers to every
// statement of cypher.Store(), except delete_all and delete_migrations, which only the tests use.
func TestEveryStatementUsed(t *testing.T) {
	used := map[string]bool{}
	for _, f := range packageFiles(t, false) {
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "cypher" {
					used[sel.Sel.Name] = true
				}
			}
			return true
		})
	}
	for _, st := range cypher.Store() {
		if want := st.Name != "delete_all" && st.Name != "delete_migrations"; used[camel(st.Name)] != want {
			t.Errorf("statement %s (cypher.%s): used by the backend = %v, want %v", st.Name, camel(st.Name), !want, want)
		}
	}
}

// TestColumnsRead checks that every column the code reads with row.get is a column of some
// statement: a typo would otherwise read as null.
func TestColumnsRead(t *testing.T) {
	columns := map[string]bool{}
	for _, st := range cypher.Store() {
		for _, c := range st.Returns {
			columns[c] = true
		}
	}
	n := 0
	for name, f := range packageFiles(t, false) {
		ast.Inspect(f, func(node ast.Node) bool {
			call, ok := node.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "get" || len(call.Args) != 1 {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				t.Errorf("%s: get with a non-literal column", name)
				return true
			}
			n++
			if col := strings.Trim(lit.Value, `"`); !columns[col] {
				t.Errorf("%s: reads column %q, which no statement returns", name, col)
			}
			return true
		})
	}
	if n < 20 {
		t.Errorf("found %d column reads; the scan is broken", n)
	}
}

func TestPageParams(t *testing.T) {
	first := pageParams(map[string]any{}, nil, 10)
	if diff := cmp.Diff(map[string]any{"after_score": nil, "after_id": nil, "limit": int64(11)}, first); diff != "" {
		t.Errorf("first page (-want +got):\n%s", diff)
	}
	// A cursor made from a page's last item comes back as the same keyset position.
	text := graph.EncodeCursor(graph.Cursor{Kind: graph.PhotoCursor, Score: 23.714638488393, ID: "52890123456"})
	_, cur, err := graph.NormalizeRecOptions(graph.RecOptions{Limit: 5, Cursor: text}, graph.PhotoCursor, graph.Flexplore)
	if err != nil {
		t.Fatal(err)
	}
	next := pageParams(map[string]any{}, cur, 5)
	if diff := cmp.Diff(map[string]any{"after_score": 23.714638488393, "after_id": "52890123456", "limit": int64(6)}, next); diff != "" {
		t.Errorf("next page (-want +got):\n%s", diff)
	}
}

func TestSealedCopied(t *testing.T) {
	sealed := []byte("secret")
	p := putTokenParams("u", sealed)
	sealed[0] = 'X'
	if got := string(p["sealed"].([]byte)); got != "secret" {
		t.Errorf("sealed param = %q after the caller changed its slice", got)
	}
}

// TestOnlyStatementText checks that Cypher reaches Neo4j only through run, which sends a
// statement's embedded text, and that no Go string in the backend looks like Cypher: parameters
// only, never built queries.
func TestOnlyStatementText(t *testing.T) {
	cypherish := regexp.MustCompile(`\b(MATCH|MERGE|RETURN|CREATE|DELETE|UNWIND|CALL)\b`)
	runs := 0
	for name, f := range packageFiles(t, false) {
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			ast.Inspect(fn, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.BasicLit:
					if n.Kind == token.STRING && cypherish.MatchString(n.Value) {
						t.Errorf("%s: %s: string %s looks like Cypher", name, fn.Name.Name, n.Value)
					}
				case *ast.CallExpr:
					sel, ok := n.Fun.(*ast.SelectorExpr)
					if !ok || sel.Sel.Name != "Run" || len(n.Args) != 3 {
						return true
					}
					runs++
					text, ok := n.Args[1].(*ast.SelectorExpr)
					if fn.Name.Name != "run" || !ok || text.Sel.Name != "Text" {
						t.Errorf("%s: %s calls Run with something other than a statement's Text", name, fn.Name.Name)
					}
				}
				return true
			})
		}
	}
	if runs != 1 {
		t.Errorf("found %d calls of Run, want exactly the one in run", runs)
	}
}

// TestBatchRowsSortedByPhotoID checks that add_faves and add_photos get their rows in ascending
// photo ID order (stable for repeats): concurrent batches lock shared photos in one order.
func TestBatchRowsSortedByPhotoID(t *testing.T) {
	ids := func(params map[string]any) []string {
		var out []string
		for _, r := range params["rows"].([]any) {
			out = append(out, r.(map[string]any)["photo_id"].(string))
		}
		return out
	}
	faves := graph.FavesBatch{User: "u", PullID: "p", At: t0}
	photos := graph.PhotosBatch{Owner: "o", At: t0}
	for _, id := range []string{"9", "30", "1", "9", "200"} {
		faves.Faves = append(faves.Faves, graph.Fave{Photo: graph.Photo{ID: id, Owner: "o"}})
		photos.Photos = append(photos.Photos, graph.Photo{ID: id, Owner: "o"})
	}
	faves.Faves[3].FavedAt = t0 // the second "9" keeps its place after the first
	want := []string{"1", "200", "30", "9", "9"}
	if diff := cmp.Diff(want, ids(addFavesParams(faves))); diff != "" {
		t.Errorf("add_faves rows (-want +got):\n%s", diff)
	}
	rows := addFavesParams(faves)["rows"].([]any)
	if rows[3].(map[string]any)["faved_at"] != nil || rows[4].(map[string]any)["faved_at"] == nil {
		t.Errorf("repeated photo rows out of batch order: %v", rows[3:])
	}
	if diff := cmp.Diff(want, ids(addPhotosParams(photos))); diff != "" {
		t.Errorf("add_photos rows (-want +got):\n%s", diff)
	}
}
