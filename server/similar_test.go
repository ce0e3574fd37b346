package server

import (
	"net/url"
	"strings"
	"testing"

	"github.com/photorec/photorec/graph"
)

// TestSimilarPhotos: "more like this" as a visitor and as a member, paged, explained, and
// leaving out what the member faved or dismissed.
func TestSimilarPhotos(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	// A seed photo: the member's most recommended one.
	var recs photoPageJSON
	e.client(t).get("/api/v1/users/"+url.PathEscape(nsid)+"/recommendations/photos?limit=1").decode(t, &recs)
	if len(recs.Items) == 0 {
		t.Fatal("no recommendation to start from")
	}
	seed := recs.Items[0].Photo
	path := "/api/v1/photos/" + seed.ID + "/similar"

	visitor := e.client(t)
	var all similarJSON
	res := visitor.get(path + "?limit=500")
	if res.Status != 200 {
		t.Fatalf("similar as a visitor: %d %s", res.Status, res.Body)
	}
	res.decode(t, &all)
	if all.Photo.ID != seed.ID || all.Owner.NSID != seed.Owner || all.Owner.Name == "" {
		t.Fatalf("similar: photo %+v owner %+v, want the seed %s by %s", all.Photo, all.Owner, seed.ID, seed.Owner)
	}
	if len(all.Items) < 5 {
		t.Fatalf("only %d photos like %s; the seed world is too thin", len(all.Items), seed.ID)
	}
	for i, it := range all.Items {
		if it.Photo.ID == seed.ID {
			t.Fatalf("the photo itself is among the photos like it")
		}
		if i > 0 && it.Score > all.Items[i-1].Score {
			t.Fatalf("not by score desc at %d: %v after %v", i, it.Score, all.Items[i-1].Score)
		}
		if len(it.Reasons) != 1 || it.Reasons[0].Kind != graph.ReasonAlsoFaved || it.Reasons[0].Count < 1 ||
			!strings.HasPrefix(it.Reasons[0].Text, "Faved by ") || !strings.Contains(it.Reasons[0].Text, "faved this one") {
			t.Fatalf("item %s: reasons %+v, want one also_faved reason with its sentence", it.Photo.ID, it.Reasons)
		}
		if strings.Contains(it.Reasons[0].Text, "in common with") {
			t.Fatalf("item %s: %q counts faves in common with nobody (no viewer)", it.Photo.ID, it.Reasons[0].Text)
		}
	}

	// Paging gives the same photos as one big page.
	var paged []string
	cursor := ""
	for len(paged) < len(all.Items) {
		q := "?limit=9"
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		var p similarJSON
		visitor.get(path+q).decode(t, &p)
		for _, it := range p.Items {
			paged = append(paged, it.Photo.ID)
		}
		if cursor = p.NextCursor; cursor == "" {
			break
		}
	}
	if len(paged) < len(all.Items) {
		t.Fatalf("paging gave %d photos, one page %d", len(paged), len(all.Items))
	}
	for i, it := range all.Items {
		if paged[i] != it.Photo.ID {
			t.Fatalf("paged photo %d is %s, want %s", i, paged[i], it.Photo.ID)
		}
	}

	// The member does not see what they faved or dismissed, and reads faves in common with them.
	member := e.client(t)
	member.loginAs(nsid)
	dismissed := all.Items[0].Photo.ID
	if res := member.send("POST", "/api/v1/users/"+url.PathEscape(nsid)+"/dismissed/photos/"+dismissed, nil); res.Status != 204 {
		t.Fatalf("dismiss: %d %s", res.Status, res.Body)
	}
	mine := map[string]bool{}
	for _, f := range e.world.FavesOf(nsid) {
		mine[f.PhotoID] = true
	}
	var own similarJSON
	member.get(path+"?limit=500").decode(t, &own)
	common := 0
	for _, it := range own.Items {
		if mine[it.Photo.ID] || it.Photo.ID == dismissed || it.Photo.Owner == nsid {
			t.Fatalf("the member is shown %s (faved %v, dismissed %v, own %v)", it.Photo.ID, mine[it.Photo.ID], it.Photo.ID == dismissed, it.Photo.Owner == nsid)
		}
		if strings.Contains(it.Reasons[0].Text, "in common with you") {
			common++
		}
	}
	if common == 0 {
		t.Errorf("no reason names someone with faves in common with the member")
	}

	for q, want := range map[string]int{"?limit=0": 400, "?limit=501": 400, "?why=21": 400, "?cursor=nope": 400} {
		if res := visitor.get(path + q); res.Status != want || res.errorCode() != codeInvalidArgument {
			t.Errorf("similar%s: %d %s, want %d invalid_argument", q, res.Status, res.Body, want)
		}
	}
	if res := visitor.get("/api/v1/photos/99999999999/similar"); res.Status != 404 || res.errorCode() != codeNotFound {
		t.Errorf("similar of an unknown photo: %d %s", res.Status, res.Body)
	}
}

func TestCommonFavesAPI(t *testing.T) {
	e := newEnv(t, nil)
	nsid := e.heavyUser(t)
	e.seedUser(t, nsid)
	c := e.client(t)
	var taste tasteJSON
	c.get("/api/v1/users/"+url.PathEscape(nsid)+"/taste?limit=1").decode(t, &taste)
	if len(taste.Neighbors) == 0 || taste.Neighbors[0].Common < 2 {
		t.Fatalf("no neighbor with faves in common: %+v", taste.Neighbors)
	}
	n := taste.Neighbors[0]
	base := "/api/v1/users/" + url.PathEscape(nsid) + "/common/" + url.PathEscape(n.User.NSID)
	var got commonJSON
	res := c.get(base + "?limit=2")
	if res.Status != 200 {
		t.Fatalf("common: %d %s", res.Status, res.Body)
	}
	res.decode(t, &got)
	if got.User.NSID != n.User.NSID || len(got.Photos) != 2 {
		t.Fatalf("common: user %s, %d photos; want %s and 2", got.User.NSID, len(got.Photos), n.User.NSID)
	}
	for i, p := range got.Photos {
		if p.ID != n.Photos[i].ID {
			t.Errorf("photo %d is %s, want %s (the taste graph's order)", i, p.ID, n.Photos[i].ID)
		}
	}
	for q, want := range map[string]int{"?limit=0": 400, "?limit=31": 400} {
		if res := c.get(base + q); res.Status != want || res.errorCode() != codeInvalidArgument {
			t.Errorf("common%s: %d %s", q, res.Status, res.Body)
		}
	}
	if res := c.get("/api/v1/users/" + url.PathEscape(nsid) + "/common/nobody@N00"); res.Status != 404 {
		t.Errorf("common with an unknown user: %d %s", res.Status, res.Body)
	}
	if res := c.get("/api/v1/users/nobody@N00/common/" + url.PathEscape(n.User.NSID)); res.Status != 404 {
		t.Errorf("common of an unknown user: %d %s", res.Status, res.Body)
	}
}
