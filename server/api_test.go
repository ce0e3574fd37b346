package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/photorec/photorec/flickr/flickrtest"
	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/runs"
)

func TestLookupUser(t *testing.T) {
	e := newEnv(t, nil)
	var withAlias flickrtest.User
	for _, u := range e.world.Users() {
		if u.PathAlias != "" && !u.Deleted {
			withAlias = u
			break
		}
	}
	if withAlias.NSID == "" {
		t.Fatal("tiny world has no user with a path alias")
	}
	tests := []struct {
		name     string
		q        string
		status   int
		code     string
		wantNSID string
	}{
		{"photostream url", "https://www.flickr.com/photos/" + withAlias.PathAlias + "/", 200, "", withAlias.NSID},
		{"nsid", withAlias.NSID, 200, "", withAlias.NSID},
		{"username", withAlias.Username, 200, "", withAlias.NSID},
		{"unknown user", "https://www.flickr.com/photos/nobody-by-this-alias/", 404, codeNotFound, ""},
		{"empty", "", 400, codeInvalidArgument, ""},
		{"too long", strings.Repeat("x", 400), 400, codeInvalidArgument, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.client(t).get("/api/v1/users/lookup?q=" + url.QueryEscape(tt.q))
			if res.Status != tt.status || res.errorCode() != tt.code {
				t.Fatalf("status %d code %q, want %d %q (%s)", res.Status, res.errorCode(), tt.status, tt.code, res.Body)
			}
			if tt.wantNSID == "" {
				return
			}
			var got lookupJSON
			res.decode(t, &got)
			if got.User.NSID != tt.wantNSID || got.User.Username != withAlias.Username {
				t.Fatalf("user = %+v, want %s (%s)", got.User, tt.wantNSID, withAlias.Username)
			}
			// The lookup stored the user in the graph.
			if _, err := e.g.User(context.Background(), tt.wantNSID); err != nil {
				t.Fatalf("graph user after lookup: %v", err)
			}
		})
	}
	t.Run("flickr down", func(t *testing.T) {
		e.sim.SetFaults(flickrtest.Faults{ServerError: 1})
		defer e.sim.SetFaults(flickrtest.Faults{})
		res := e.client(t).get("/api/v1/users/lookup?q=" + url.QueryEscape(withAlias.NSID))
		if res.Status != http.StatusBadGateway || res.errorCode() != codeFlickrUnavailable {
			t.Fatalf("status %d %s, want 502 flickr_unavailable", res.Status, res.Body)
		}
		if strings.Contains(string(res.Body), "502") || strings.Contains(string(res.Body), "services/rest") {
			t.Fatalf("internal error text leaked to the client: %s", res.Body)
		}
	})
}

func TestUserSummary(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	e.pipe.script = []runs.Progress{{RunID: "r", State: runs.StateComplete, Made: 4, Done: 3, Failed: 1}}
	c := e.client(t)

	res := c.get("/api/v1/users/" + url.PathEscape(nsid))
	if res.Status != 200 {
		t.Fatalf("summary: %d %s", res.Status, res.Body)
	}
	var got summaryJSON
	res.decode(t, &got)
	if got.User.NSID != nsid || got.Faves != len(e.world.FavesOf(nsid)) || got.Neighbors == 0 || got.GettingStarted || got.ViewerIsOwner {
		t.Fatalf("summary = %+v", got)
	}
	if want := (progressJSON{RunID: "r", State: runs.StateComplete, Made: 4, Done: 3, Failed: 1}); !cmp.Equal(got.Progress, want) {
		t.Fatalf("progress: %s", cmp.Diff(want, got.Progress))
	}
	if got.LastPullAt.IsZero() {
		t.Fatal("last_pull_at missing after a finished pull")
	}
	res = c.get("/api/v1/users/nobody@N00")
	if res.Status != 404 || res.errorCode() != codeNotFound {
		t.Fatalf("unknown user: %d %s", res.Status, res.Body)
	}
	res = c.get("/api/v1/users/nobody@N00/progress")
	if res.Status != 404 || res.errorCode() != codeNotFound {
		t.Fatalf("unknown user progress: %d %s", res.Status, res.Body)
	}
}

func TestRecommendPhotosParams(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	base := "/api/v1/users/" + url.PathEscape(nsid) + "/recommendations/photos"
	tests := []struct {
		name   string
		query  string
		status int
		code   string
	}{
		{"defaults", "", 200, ""},
		{"limit 1", "?limit=1", 200, ""},
		{"limit 500", "?limit=500", 200, ""},
		{"flexplore", "?algorithm=flexplore", 200, ""},
		{"popularity", "?algorithm=popularity", 200, ""},
		{"itemknn", "?algorithm=itemknn", 200, ""},
		{"rp3beta", "?algorithm=rp3beta", 200, ""},
		{"blend", "?algorithm=blend", 200, ""},
		{"algorithm in capitals", "?algorithm=Blend", 400, codeInvalidArgument},
		{"limit 0", "?limit=0", 400, codeInvalidArgument},
		{"limit 501", "?limit=501", 400, codeInvalidArgument},
		{"limit not a number", "?limit=ten", 400, codeInvalidArgument},
		{"bad cursor", "?cursor=%21%21not-a-cursor", 400, codeInvalidArgument},
		{"cursor not ours", "?cursor=" + encodeB64([]byte(`{"x":1}`)), 400, codeInvalidArgument},
		{"unknown algorithm", "?algorithm=magic", 400, codeInvalidArgument},
		{"bad since", "?since=yesterday", 400, codeInvalidArgument},
		{"why out of range", "?why=99", 400, codeInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.client(t).get(base + tt.query)
			if res.Status != tt.status || res.errorCode() != tt.code {
				t.Fatalf("status %d code %q, want %d %q (%s)", res.Status, res.errorCode(), tt.status, tt.code, res.Body)
			}
		})
	}
	t.Run("unknown user", func(t *testing.T) {
		for _, kind := range []string{"photos", "people"} {
			res := e.client(t).get("/api/v1/users/nobody@N00/recommendations/" + kind)
			if res.Status != 404 || res.errorCode() != codeNotFound {
				t.Errorf("%s: status %d %s, want 404 not_found", kind, res.Status, res.Body)
			}
		}
	})
	t.Run("people params", func(t *testing.T) {
		for q, want := range map[string]int{"": 200, "?limit=3": 200, "?limit=0": 400, "?cursor=zzz": 400} {
			res := e.client(t).get("/api/v1/users/" + url.PathEscape(nsid) + "/recommendations/people" + q)
			if res.Status != want {
				t.Errorf("people%s: %d, want %d (%s)", q, res.Status, want, res.Body)
			}
		}
	})
}

// TestRecommendPhotosPagingAndWhy pages through every algorithm's ranking and checks the items:
// each comes with at least one reason of a kind its algorithm gives, naming at most 3 people.
func TestRecommendPhotosPagingAndWhy(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	c := e.client(t)
	var sum summaryJSON
	c.get("/api/v1/users/"+url.PathEscape(nsid)).decode(t, &sum)
	name := sum.User.Name
	mine := map[string]bool{}
	for _, f := range e.world.FavesOf(nsid) {
		mine[f.PhotoID] = true
	}
	type test struct {
		alg  graph.Algorithm
		info graph.AlgorithmInfo
	}
	var tests []test
	for _, a := range graph.AlgorithmList {
		tests = append(tests, test{a.Name, a})
	}
	for _, tt := range tests {
		t.Run(string(tt.alg), func(t *testing.T) {
			base := "/api/v1/users/" + url.PathEscape(nsid) + "/recommendations/photos?algorithm=" + string(tt.alg)
			var all photoPageJSON
			c.get(base+"&limit=500").decode(t, &all)
			if all.Algorithm != tt.alg {
				t.Fatalf("page says algorithm %q, want %q", all.Algorithm, tt.alg)
			}
			if len(all.Items) < 6 && tt.alg != graph.Follows {
				t.Fatalf("only %d recommendations for the heaviest user; the seed is too thin", len(all.Items))
			}
			var ids []string
			cursor := ""
			for len(ids) < len(all.Items) {
				q := "&limit=7"
				if cursor != "" {
					q += "&cursor=" + url.QueryEscape(cursor)
				}
				var p photoPageJSON
				res := c.get(base + q)
				if res.Status != 200 {
					t.Fatalf("page after %d items: %d %s", len(ids), res.Status, res.Body)
				}
				res.decode(t, &p)
				for _, it := range p.Items {
					ids = append(ids, it.Photo.ID)
				}
				cursor = p.NextCursor
				if cursor == "" {
					break
				}
			}
			ids = ids[:min(len(ids), len(all.Items))]
			var want []string
			for _, it := range all.Items {
				want = append(want, it.Photo.ID)
			}
			if diff := cmp.Diff(want, ids); diff != "" {
				t.Fatalf("paged ids differ from one big page (-want +got):\n%s", diff)
			}
			explained := 0
			for _, it := range all.Items {
				if mine[it.Photo.ID] {
					t.Fatalf("recommended a photo the user already faved: %s", it.Photo.ID)
				}
				if want := "https://www.flickr.com/photos/" + it.Photo.Owner + "/" + it.Photo.ID + "/"; it.Photo.PageURL != want {
					t.Fatalf("page_url %q, want %q", it.Photo.PageURL, want)
				}
				if it.Score <= 0 || len(it.Reasons) == 0 {
					t.Fatalf("item %s: score %v, %d reasons; want a positive score and a reason", it.Photo.ID, it.Score, len(it.Reasons))
				}
				for _, r := range it.Reasons {
					if !slices.Contains(tt.info.Reasons, r.Kind) || len(r.Users) > 3 || r.Count < len(r.Users) || r.Count < 1 {
						t.Fatalf("item %s: reason %+v; want a kind of %v with a count and at most 3 people", it.Photo.ID, r, tt.info.Reasons)
					}
					// Someone else's recommendations speak of them by name.
					if want := reasonText(r, it.Owner, viewOf(name, false)); r.Text == "" || r.Text != want {
						t.Fatalf("item %s: reason text %q, want %q", it.Photo.ID, r.Text, want)
					}
				}
				explained++
				if it.Owner.NSID != it.Photo.Owner || it.Owner.Name == "" {
					t.Fatalf("item %s: owner %+v", it.Photo.ID, it.Owner)
				}
			}
			if explained != len(all.Items) {
				t.Errorf("%d of %d items come with a reason", explained, len(all.Items))
			}
		})
	}
}

func TestNewSinceLastVisit(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	c := e.client(t)
	c.loginAs(nsid)
	base := "/api/v1/users/" + url.PathEscape(nsid) + "/recommendations/photos?limit=500"

	var first photoPageJSON
	c.get(base).decode(t, &first)
	if !first.Since.IsZero() || slices.ContainsFunc(first.Items, func(it photoRecJSON) bool { return it.New }) {
		t.Fatalf("first visit flags photos new (since %v)", first.Since)
	}
	visit := e.clock.Now()

	// A neighbor faves a photo the store has never seen: after the visit, it is new.
	e.clock.Advance(time.Hour)
	// The neighbors named behind the first page all fave it, so it ranks within the page (on
	// TinyWorld(7), those behind the top 20 alone leave it below the 500th photo).
	fresh := graph.Photo{ID: "99999000001", Owner: first.Items[0].Photo.Owner, Title: "fresh"}
	seen := map[string]bool{}
	for _, it := range first.Items {
		for _, w := range people(it) {
			if seen[w.User.NSID] {
				continue
			}
			seen[w.User.NSID] = true
			if err := e.g.AddFaves(context.Background(), graph.FavesBatch{User: w.User.NSID, PullID: "later-" + w.User.NSID, At: e.clock.Now(),
				Faves: []graph.Fave{{Photo: fresh, FavedAt: e.clock.Now()}}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.clock.Advance(time.Hour)

	var second photoPageJSON
	c.get(base).decode(t, &second)
	if !second.Since.Equal(visit) {
		t.Fatalf("since = %v, want the previous visit %v", second.Since, visit)
	}
	var newIDs []string
	for _, it := range second.Items {
		if it.New {
			newIDs = append(newIDs, it.Photo.ID)
		}
	}
	if want := []string{fresh.ID}; !cmp.Equal(newIDs, want) {
		t.Fatalf("new photos = %v, want %v", newIDs, want)
	}
	// A later page of the same listing agrees (the cursor carries the visit time).
	var paged photoPageJSON
	c.get("/api/v1/users/"+url.PathEscape(nsid)+"/recommendations/photos?limit=1&since="+url.QueryEscape(visit.Format(time.RFC3339Nano))).decode(t, &paged)
	if paged.NextCursor == "" {
		t.Fatal("no next cursor")
	}
	cur, err := decodeCursor(paged.NextCursor)
	if err != nil || cur.Since != visit.UnixNano() {
		t.Fatalf("cursor %+v, %v: want since %d", cur, err, visit.UnixNano())
	}
	// Someone else browsing sees nothing new and records no visit.
	var other photoPageJSON
	e.client(t).get(base).decode(t, &other)
	if !other.Since.IsZero() || slices.ContainsFunc(other.Items, func(it photoRecJSON) bool { return it.New }) {
		t.Fatal("a visitor saw new flags")
	}
}

func TestDismissals(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	owner := e.client(t)
	owner.loginAs(nsid)
	var page photoPageJSON
	owner.get("/api/v1/users/"+url.PathEscape(nsid)+"/recommendations/photos?limit=500").decode(t, &page)
	photo := page.Items[0].Photo.ID
	var people userPageJSON
	owner.get("/api/v1/users/"+url.PathEscape(nsid)+"/recommendations/people?limit=500").decode(t, &people)
	if len(people.Items) == 0 {
		t.Fatal("no people recommendations")
	}
	person := people.Items[0].User.NSID

	other := e.client(t)
	var otherUser string
	for _, u := range e.world.Users() {
		if u.NSID != nsid && !u.Deleted {
			otherUser = u.NSID
			break
		}
	}
	other.loginAs(otherUser)
	anon := e.client(t)

	photoPath := "/api/v1/users/" + url.PathEscape(nsid) + "/dismissed/photos/" + photo
	personPath := "/api/v1/users/" + url.PathEscape(nsid) + "/dismissed/people/" + url.PathEscape(person)
	tests := []struct {
		name   string
		c      *client
		method string
		path   string
		csrf   bool
		status int
		code   string
	}{
		{"anonymous", anon, http.MethodPost, photoPath, true, 401, codeUnauthenticated},
		{"someone else's page", other, http.MethodPost, photoPath, true, 403, codeForbidden},
		{"someone else's page, people", other, http.MethodPost, personPath, true, 403, codeForbidden},
		{"missing csrf", owner, http.MethodPost, photoPath, false, 403, codeCSRF},
		{"undismiss, anonymous", anon, http.MethodDelete, photoPath, true, 401, codeUnauthenticated},
		{"undismiss, someone else's page", other, http.MethodDelete, photoPath, true, 403, codeForbidden},
		{"undismiss person, someone else's page", other, http.MethodDelete, personPath, true, 403, codeForbidden},
		{"undismiss, missing csrf", owner, http.MethodDelete, photoPath, false, 403, codeCSRF},
		{"undismiss person, missing csrf", owner, http.MethodDelete, personPath, false, 403, codeCSRF},
		{"unknown photo", owner, http.MethodPost, "/api/v1/users/" + url.PathEscape(nsid) + "/dismissed/photos/123", true, 404, codeNotFound},
		{"unknown person", owner, http.MethodPost, "/api/v1/users/" + url.PathEscape(nsid) + "/dismissed/people/nobody@N00", true, 404, codeNotFound},
		{"dismiss photo", owner, http.MethodPost, photoPath, true, 204, ""},
		{"dismiss photo again", owner, http.MethodPost, photoPath, true, 204, ""},
		{"dismiss person", owner, http.MethodPost, personPath, true, 204, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res response
			if tt.csrf {
				res = tt.c.send(tt.method, tt.path, nil)
			} else {
				res = tt.c.do(tt.method, tt.path, nil, nil)
			}
			if res.Status != tt.status || res.errorCode() != tt.code {
				t.Fatalf("status %d code %q, want %d %q (%s)", res.Status, res.errorCode(), tt.status, tt.code, res.Body)
			}
		})
	}
	recommended := func() (photos, users []string) {
		var p photoPageJSON
		owner.get("/api/v1/users/"+url.PathEscape(nsid)+"/recommendations/photos?limit=500").decode(t, &p)
		for _, it := range p.Items {
			photos = append(photos, it.Photo.ID)
		}
		var u userPageJSON
		owner.get("/api/v1/users/"+url.PathEscape(nsid)+"/recommendations/people?limit=500").decode(t, &u)
		for _, it := range u.Items {
			users = append(users, it.User.NSID)
		}
		return photos, users
	}
	photos, users := recommended()
	if slices.Contains(photos, photo) || slices.Contains(users, person) {
		t.Fatalf("dismissed photo %s or person %s still recommended", photo, person)
	}
	for _, p := range []string{photoPath, personPath} {
		if res := owner.send(http.MethodDelete, p, nil); res.Status != 204 {
			t.Fatalf("undismiss %s: %d %s", p, res.Status, res.Body)
		}
	}
	photos, users = recommended()
	if !slices.Contains(photos, photo) || !slices.Contains(users, person) {
		t.Fatalf("undismissed photo %s or person %s not back", photo, person)
	}
}

// notFavedPhoto is a recommended photo that nsid has not faved on the simulator.
func notFavedPhoto(t *testing.T, c *client, nsid string) string {
	t.Helper()
	var page photoPageJSON
	c.get("/api/v1/users/"+url.PathEscape(nsid)+"/recommendations/photos?limit=5").decode(t, &page)
	if len(page.Items) == 0 {
		t.Fatal("no recommendations")
	}
	return page.Items[0].Photo.ID
}

func favedOnFlickr(e *env, nsid, photo string) bool {
	return slices.ContainsFunc(e.world.FavesOf(nsid), func(f flickrtest.Fave) bool { return f.PhotoID == photo })
}

func TestFaveAndUnfave(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	c := e.client(t)
	c.loginAs(nsid)
	ctx := context.Background()
	photo := notFavedPhoto(t, c, nsid)
	before, err := e.g.Summary(ctx, nsid)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("flickr failure is a failure and changes nothing", func(t *testing.T) {
		e.sim.SetFaults(flickrtest.Faults{ServerError: 1})
		defer e.sim.SetFaults(flickrtest.Faults{})
		res := c.send(http.MethodPost, "/api/v1/photos/"+photo+"/fave", nil)
		if res.Status != http.StatusBadGateway || res.errorCode() != codeFlickrUnavailable {
			t.Fatalf("status %d %s, want 502 flickr_unavailable", res.Status, res.Body)
		}
		after, _ := e.g.Summary(ctx, nsid)
		if after.Faves != before.Faves || len(e.pipe.faveCalls()) != 0 || favedOnFlickr(e, nsid, photo) {
			t.Fatalf("a failed fave changed state: faves %d -> %d, pipeline %v", before.Faves, after.Faves, e.pipe.faveCalls())
		}
	})
	t.Run("bad input", func(t *testing.T) {
		for _, tt := range []struct {
			name   string
			c      *client
			method string
			path   string
			csrf   bool
			status int
			code   string
		}{
			{"anonymous", e.client(t), http.MethodPost, "/api/v1/photos/" + photo + "/fave", true, 401, codeUnauthenticated},
			{"no csrf", c, http.MethodPost, "/api/v1/photos/" + photo + "/fave", false, 403, codeCSRF},
			{"unknown photo", c, http.MethodPost, "/api/v1/photos/424242/fave", true, 404, codeNotFound},
			{"unfave, anonymous", e.client(t), http.MethodDelete, "/api/v1/photos/" + photo + "/fave", true, 401, codeUnauthenticated},
			{"unfave, no csrf", c, http.MethodDelete, "/api/v1/photos/" + photo + "/fave", false, 403, codeCSRF},
		} {
			var res response
			if tt.csrf {
				res = tt.c.send(tt.method, tt.path, nil)
			} else {
				res = tt.c.do(tt.method, tt.path, nil, nil)
			}
			if res.Status != tt.status || res.errorCode() != tt.code {
				t.Errorf("%s: status %d code %q, want %d %q", tt.name, res.Status, res.errorCode(), tt.status, tt.code)
			}
		}
	})
	t.Run("fave", func(t *testing.T) {
		res := c.send(http.MethodPost, "/api/v1/photos/"+photo+"/fave", nil)
		if res.Status != 200 {
			t.Fatalf("fave: %d %s", res.Status, res.Body)
		}
		if !favedOnFlickr(e, nsid, photo) {
			t.Fatal("not faved on the simulator")
		}
		after, _ := e.g.Summary(ctx, nsid)
		if after.Faves != before.Faves+1 {
			t.Fatalf("graph faves %d -> %d, want +1", before.Faves, after.Faves)
		}
		if got, want := e.pipe.faveCalls(), []faveCall{{User: nsid, Photo: photo}}; !cmp.Equal(got, want) {
			t.Fatalf("FaveAdded calls: %s", cmp.Diff(want, got))
		}
		// Faving again is fine: Flickr's "already in favorites" is the wanted state.
		if res := c.send(http.MethodPost, "/api/v1/photos/"+photo+"/fave", nil); res.Status != 200 {
			t.Fatalf("fave again: %d %s", res.Status, res.Body)
		}
	})
	t.Run("unfave: flickr failure is a failure and changes nothing", func(t *testing.T) {
		faved, _ := e.g.Summary(ctx, nsid)
		e.sim.SetFaults(flickrtest.Faults{ServerError: 1})
		defer e.sim.SetFaults(flickrtest.Faults{})
		res := c.send(http.MethodDelete, "/api/v1/photos/"+photo+"/fave", nil)
		if res.Status != http.StatusBadGateway || res.errorCode() != codeFlickrUnavailable {
			t.Fatalf("status %d %s, want 502 flickr_unavailable", res.Status, res.Body)
		}
		after, _ := e.g.Summary(ctx, nsid)
		if after.Faves != faved.Faves || !favedOnFlickr(e, nsid, photo) {
			t.Fatalf("a failed unfave changed state: graph faves %d -> %d, faved on the simulator %v", faved.Faves, after.Faves, favedOnFlickr(e, nsid, photo))
		}
	})
	t.Run("unfave", func(t *testing.T) {
		res := c.send(http.MethodDelete, "/api/v1/photos/"+photo+"/fave", nil)
		if res.Status != 200 {
			t.Fatalf("unfave: %d %s", res.Status, res.Body)
		}
		if favedOnFlickr(e, nsid, photo) {
			t.Fatal("still faved on the simulator")
		}
		after, _ := e.g.Summary(ctx, nsid)
		if after.Faves != before.Faves {
			t.Fatalf("graph faves %d after unfave, want %d", after.Faves, before.Faves)
		}
	})
	t.Run("revoked token", func(t *testing.T) {
		sealed, err := e.g.Token(ctx, nsid)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := e.srv.tokens.openToken(nsid, sealed)
		if err != nil {
			t.Fatal(err)
		}
		e.sim.RevokeToken(tok.Token)
		res := c.send(http.MethodPost, "/api/v1/photos/"+photo+"/fave", nil)
		if res.Status != http.StatusUnauthorized || res.errorCode() != codeFlickrTokenInvalid {
			t.Fatalf("status %d %s, want 401 flickr_token_invalid", res.Status, res.Body)
		}
	})
}

func TestComment(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	c := e.client(t)
	c.loginAs(nsid)
	photo := notFavedPhoto(t, c, nsid)
	path := "/api/v1/photos/" + photo + "/comments"
	tests := []struct {
		name    string
		body    any
		faults  flickrtest.Faults
		status  int
		code    string
		message string // when set, the error's message
	}{
		{"empty text", map[string]string{"text": "   "}, flickrtest.Faults{}, 400, codeInvalidArgument, ""},
		{"too long", map[string]string{"text": strings.Repeat("é", maxComment+1)}, flickrtest.Faults{}, 400, codeInvalidArgument, ""},
		{"not json", "just a string", flickrtest.Faults{}, 400, codeInvalidArgument, ""},
		{"posting too fast", map[string]string{"text": "lovely light"}, flickrtest.Faults{CommentTooFast: 1}, 502, codeFlickrRejected, ""},
		{"comments turned off", map[string]string{"text": "lovely light"}, flickrtest.Faults{CommentsOff: 1}, 403, codeFlickrPermission,
			"The photo's owner has turned comments off, or allows them only from some people"},
		{"ok", map[string]string{"text": "lovely light"}, flickrtest.Faults{}, 201, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.sim.SetFaults(tt.faults)
			defer e.sim.SetFaults(flickrtest.Faults{})
			res := c.send(http.MethodPost, path, tt.body)
			if res.Status != tt.status || res.errorCode() != tt.code {
				t.Fatalf("status %d code %q, want %d %q (%s)", res.Status, res.errorCode(), tt.status, tt.code, res.Body)
			}
			var b errorBody
			if tt.message != "" {
				res.decode(t, &b)
			}
			if b.Error.Message != tt.message {
				t.Errorf("message %q, want %q", b.Error.Message, tt.message)
			}
		})
	}
	comments := e.world.Comments(photo)
	if len(comments) != 1 || comments[0].Text != "lovely light" || comments[0].Author != nsid {
		t.Fatalf("simulator comments = %+v, want one by %s", comments, nsid)
	}
	for _, tt := range []struct {
		name   string
		res    response
		status int
		code   string
	}{
		{"anonymous", e.client(t).send(http.MethodPost, path, map[string]string{"text": "hi"}), 401, codeUnauthenticated},
		{"no csrf", c.do(http.MethodPost, path, map[string]string{"text": "hi"}, nil), 403, codeCSRF},
		{"unknown photo", c.send(http.MethodPost, "/api/v1/photos/424242/comments", map[string]string{"text": "hi"}), 404, codeNotFound},
	} {
		if tt.res.Status != tt.status || tt.res.errorCode() != tt.code {
			t.Errorf("%s: status %d code %q, want %d %q (%s)", tt.name, tt.res.Status, tt.res.errorCode(), tt.status, tt.code, tt.res.Body)
		}
	}
	if got := len(e.world.Comments(photo)); got != 1 {
		t.Errorf("refused comments reached the simulator: %d comments, want 1", got)
	}
}

func TestRefresh(t *testing.T) {
	e := newEnv(t, nil)
	pulled := e.heavyUser(t)
	e.seedUser(t, pulled)
	var fresh string
	for _, u := range e.world.Users() {
		if _, err := e.g.User(context.Background(), u.NSID); errors.Is(err, graph.ErrNotFound) && !u.Deleted {
			fresh = u.NSID
			break
		}
	}
	if err := e.g.UpsertUsers(context.Background(), []graph.User{{NSID: fresh}}); err != nil {
		t.Fatal(err)
	}
	owner := e.client(t)
	owner.loginAs(pulled)
	anon := e.client(t)
	e.pipe.refresh = nil
	tests := []struct {
		name   string
		c      *client
		nsid   string
		csrf   bool
		status int
		code   string
		want   *refreshCall
	}{
		{"visitor starts a first pull", anon, fresh, true, 202, "", &refreshCall{NSID: fresh, Reason: runs.ReasonView}},
		{"visitor cannot re-pull", anon, pulled, true, 403, codeForbidden, nil},
		{"owner refreshes", owner, pulled, true, 202, "", &refreshCall{NSID: pulled, Reason: runs.ReasonManual}},
		{"unknown user", owner, "nobody@N00", true, 404, codeNotFound, nil},
		{"missing csrf", owner, pulled, false, 403, codeCSRF, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.pipe.refreshCalls())
			path := "/api/v1/users/" + url.PathEscape(tt.nsid) + "/refresh"
			var res response
			if tt.csrf {
				res = tt.c.send(http.MethodPost, path, nil)
			} else {
				res = tt.c.do(http.MethodPost, path, nil, nil)
			}
			if res.Status != tt.status || res.errorCode() != tt.code {
				t.Fatalf("status %d code %q, want %d %q (%s)", res.Status, res.errorCode(), tt.status, tt.code, res.Body)
			}
			calls := e.pipe.refreshCalls()[before:]
			if tt.want == nil && len(calls) != 0 || tt.want != nil && (len(calls) != 1 || calls[0] != *tt.want) {
				t.Fatalf("refresh calls %v, want %v", calls, tt.want)
			}
		})
	}
	// Only the owner's refresh registers; a visitor's pull never does.
	for nsid, want := range map[string]bool{fresh: false, pulled: true} {
		if st, err := e.g.PullState(context.Background(), nsid); err != nil || st.Registered != want {
			t.Errorf("PullState(%s) = %+v, %v; want Registered %v", nsid, st, err, want)
		}
	}
}

func TestTasteAPI(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	c := e.client(t)
	var got tasteJSON
	res := c.get("/api/v1/users/" + url.PathEscape(nsid) + "/taste?limit=5")
	if res.Status != 200 {
		t.Fatalf("taste: %d %s", res.Status, res.Body)
	}
	res.decode(t, &got)
	if got.User.NSID != nsid || len(got.Neighbors) == 0 || len(got.Neighbors) > 5 {
		t.Fatalf("taste: user %s, %d neighbors", got.User.NSID, len(got.Neighbors))
	}
	for i, n := range got.Neighbors {
		if i > 0 && n.Score > got.Neighbors[i-1].Score {
			t.Fatalf("neighbors not by score desc: %v after %v", n.Score, got.Neighbors[i-1].Score)
		}
		if len(n.Photos) > photosPerNeighbor || n.Common > 0 && len(n.Photos) == 0 {
			t.Fatalf("neighbor %s: %d common, %d photos", n.User.NSID, n.Common, len(n.Photos))
		}
	}
	for q, want := range map[string]int{"?limit=0": 400, "?limit=31": 400} {
		if res := c.get("/api/v1/users/" + url.PathEscape(nsid) + "/taste" + q); res.Status != want || res.errorCode() != codeInvalidArgument {
			t.Errorf("taste%s: %d %s", q, res.Status, res.Body)
		}
	}
	if res := c.get("/api/v1/users/nobody@N00/taste"); res.Status != 404 {
		t.Errorf("unknown user taste: %d", res.Status)
	}
}

// TestPanicIsA500 checks that a handler's panic is answered with the API's JSON 500 and a safe
// message, logged with its stack, and that the server keeps serving.
func TestPanicIsA500(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	e.srv.app.Get("/api/v1/test-panic", func(*fiber.Ctx) error { panic("secret internal detail") })
	c := e.client(t)
	res := c.get("/api/v1/test-panic")
	if res.Status != 500 || res.errorCode() != codeInternal || strings.Contains(string(res.Body), "secret internal detail") {
		t.Errorf("panic answered %d %s, want a 500 internal error with a safe message", res.Status, res.Body)
	}
	if l := logs.String(); !strings.Contains(l, "handler panicked") || !strings.Contains(l, "secret internal detail") || !strings.Contains(l, "goroutine") {
		t.Errorf("panic not logged with its stack:\n%s", l)
	}
	if res := c.get("/healthz"); res.Status != 200 {
		t.Errorf("after a panic /healthz = %d", res.Status)
	}
}

func TestUnknownRouteIsJSON(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client(t)
	tests := []struct {
		name   string
		res    response
		status int
		code   string
	}{
		{"unknown path", c.get("/api/v1/nothing-here"), 404, codeNotFound},
		{"wrong method", c.send(http.MethodPut, "/api/v1/session", nil), 405, codeMethodNotAllowed},
		{"state change without csrf on an unknown path", c.do(http.MethodPost, "/api/v1/nothing-here", nil, nil), 403, codeCSRF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.res.Status != tt.status || tt.res.errorCode() != tt.code || !strings.HasPrefix(tt.res.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("%d %q %s, want %d %s as JSON", tt.res.Status, tt.res.Header.Get("Content-Type"), tt.res.Body, tt.status, tt.code)
			}
		})
	}
}

// TestDefaultAlgorithm: a request that names no algorithm is ranked with Options.Algorithm, and
// Options.Algorithm "" is graph.DefaultAlgorithm (hybrid); the user page preselects it in the
// algorithm select.
func TestDefaultAlgorithm(t *testing.T) {
	tests := []struct {
		name string
		opt  graph.Algorithm
		want graph.Algorithm
	}{
		{"unset is the default", "", graph.DefaultAlgorithm},
		{"the default is hybrid", "", graph.Hybrid},
		{"set", graph.RP3Beta, graph.RP3Beta},
		{"flexplore", graph.Flexplore, graph.Flexplore},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *Options) { o.Algorithm = tt.opt })
			nsid := e.heavyUser(t)
			e.seedUser(t, nsid)
			var p photoPageJSON
			e.client(t).get("/api/v1/users/"+url.PathEscape(nsid)+"/recommendations/photos").decode(t, &p)
			if p.Algorithm != tt.want || len(p.Items) == 0 {
				t.Fatalf("default page: algorithm %q with %d items, want %q and some items", p.Algorithm, len(p.Items), tt.want)
			}
			res := e.client(t).get("/u/" + url.PathEscape(nsid))
			if res.Status != 200 {
				t.Fatalf("user page: %d", res.Status)
			}
			for _, want := range []string{`data-algorithm="` + string(tt.want) + `"`, `<option value="` + string(tt.want) + `" selected`} {
				if !strings.Contains(string(res.Body), want) {
					t.Errorf("user page lacks %s", want)
				}
			}
		})
	}
}

// TestBrowsingPullsWhenStaleAndNeverRegisters: each way of browsing a member who is not the
// viewer (their page, /browse, a lookup, a visitor's refresh) pulls them when they were never
// pulled, not again while their last pull is younger than Options.ViewFresh, again once it is
// older, and never registers them for scheduled refreshes.
func TestBrowsingPullsWhenStaleAndNeverRegisters(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.ViewFresh = 12 * time.Hour })
	ctx := context.Background()
	var members []flickrtest.User
	for _, u := range e.world.Users() {
		if _, err := e.g.User(ctx, u.NSID); errors.Is(err, graph.ErrNotFound) && !u.Deleted && u.Username != "" {
			members = append(members, u)
		}
	}
	ways := []struct {
		name   string
		browse func(c *client, u flickrtest.User) response
	}{
		{"user page", func(c *client, u flickrtest.User) response { return c.get("/u/" + url.PathEscape(u.NSID)) }},
		{"browse form", func(c *client, u flickrtest.User) response {
			return c.do(http.MethodPost, "/browse", url.Values{"q": {u.Username}, csrfField: {c.csrf()}}, nil)
		}},
		{"lookup", func(c *client, u flickrtest.User) response {
			return c.get("/api/v1/users/lookup?q=" + url.QueryEscape(u.NSID))
		}},
		{"visitor refresh", func(c *client, u flickrtest.User) response {
			return c.send(http.MethodPost, "/api/v1/users/"+url.PathEscape(u.NSID)+"/refresh", nil)
		}},
	}
	if len(members) < len(ways) {
		t.Fatalf("%d members not in the graph, want %d", len(members), len(ways))
	}
	for i, w := range ways {
		t.Run(w.name, func(t *testing.T) {
			u := members[i]
			if err := e.g.UpsertUsers(ctx, []graph.User{{NSID: u.NSID, Username: u.Username}}); err != nil {
				t.Fatal(err)
			}
			viewer := e.client(t)
			viewer.loginAs(e.heavyUser(t))
			browsers := []*client{e.client(t), viewer}
			steps := []struct {
				name    string
				advance time.Duration
				pulls   int
			}{
				{"never pulled", 0, 1},
				{"just pulled", 0, 0},
				{"within the window", 11 * time.Hour, 0},
				{"past the window", 2 * time.Hour, 1},
				{"just pulled again", 0, 0},
			}
			for _, st := range steps {
				e.clock.Advance(st.advance)
				for _, b := range browsers {
					before := len(e.pipe.refreshCalls())
					res := w.browse(b, u)
					if res.Status >= 500 {
						t.Fatalf("%s: %d %s", st.name, res.Status, res.Body)
					}
					calls := e.pipe.refreshCalls()[before:]
					want := []refreshCall{}
					for range st.pulls {
						want = append(want, refreshCall{NSID: u.NSID, Reason: runs.ReasonView})
					}
					if diff := cmp.Diff(want, append([]refreshCall{}, calls...)); diff != "" {
						t.Fatalf("%s: refresh calls (-want +got):\n%s", st.name, diff)
					}
					if st.pulls > 0 {
						// The pull lands; a second browser right after asks for nothing.
						if err := e.g.FinishPull(ctx, graph.PullDone{User: u.NSID, PullID: "p-" + st.name, Kind: graph.PullFull, At: e.clock.Now()}); err != nil {
							t.Fatal(err)
						}
						st.pulls = 0
					}
				}
			}
			ps, err := e.g.PullState(ctx, u.NSID)
			if err != nil || ps.Registered {
				t.Fatalf("PullState after browsing = %+v, %v; want not registered", ps, err)
			}
		})
	}
}
