package neo4j

import (
	"cmp"
	"slices"
	"time"

	"github.com/photorec/photorec/graph"
)

// The builders below turn graph values into the parameters of one statement each. They are pure,
// so params_test.go checks every one against its statement's header without a database.

// nanos stores a time as Unix nanoseconds; the zero time is null (unknown).
func nanos(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// seconds truncates a FAVED-edge time to the second (graph/algorithms.go: one-second resolution).
func seconds(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Unix(t.Unix(), 0)
}

func userRow(u graph.User) map[string]any {
	return map[string]any{"nsid": u.NSID, "username": u.Username, "realname": u.Realname, "icon_url": u.IconURL}
}

func userRows(users []graph.User) []any {
	rows := make([]any, len(users))
	for i, u := range users {
		rows[i] = userRow(u)
	}
	return rows
}

func upsertUsersParams(users []graph.User) map[string]any {
	return map[string]any{"rows": userRows(users)}
}

// byPhotoID returns the indexes of n items in ascending photo ID order (stable): batches lock the
// photos they touch in one global order, so two concurrent batches cannot deadlock on them.
func byPhotoID(n int, id func(i int) string) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(id(a), id(b)) })
	return order
}

func addFavesParams(b graph.FavesBatch) map[string]any {
	rows := make([]any, len(b.Faves))
	for i, k := range byPhotoID(len(b.Faves), func(i int) string { return b.Faves[i].Photo.ID }) {
		f := b.Faves[k]
		p := f.Photo
		rows[i] = map[string]any{
			"photo_id":  p.ID,
			"owner":     p.Owner,
			"title":     p.Title,
			"farm":      int64(p.Farm),
			"server":    p.Server,
			"secret":    p.Secret,
			"thumb_url": p.ThumbURL,
			"image_url": p.ImageURL,
			"width":     int64(p.Width),
			"height":    int64(p.Height),
			"faved_at":  nanos(seconds(f.FavedAt)),
		}
	}
	return map[string]any{"user": b.User, "pull_id": b.PullID, "at": nanos(b.At), "rows": rows}
}

func addPhotosParams(b graph.PhotosBatch) map[string]any {
	rows := make([]any, len(b.Photos))
	for i, k := range byPhotoID(len(b.Photos), func(i int) string { return b.Photos[i].ID }) {
		p := b.Photos[k]
		rows[i] = map[string]any{
			"photo_id":  p.ID,
			"title":     p.Title,
			"farm":      int64(p.Farm),
			"server":    p.Server,
			"secret":    p.Secret,
			"thumb_url": p.ThumbURL,
			"image_url": p.ImageURL,
			"width":     int64(p.Width),
			"height":    int64(p.Height),
		}
	}
	return map[string]any{"owner": b.Owner, "at": nanos(b.At), "rows": rows}
}

func removeFaveParams(user, photoID string) map[string]any {
	return map[string]any{"user": user, "photo_id": photoID}
}

func finishPullParams(p graph.PullDone) map[string]any {
	return map[string]any{"user": p.User, "pull_id": p.PullID, "at": nanos(p.At), "full": p.Kind == graph.PullFull}
}

func nsidParams(nsid string) map[string]any { return map[string]any{"nsid": nsid} }

func dueForRefreshParams(olderThan time.Time, limit int) map[string]any {
	return map[string]any{"older_than": nanos(olderThan), "limit": int64(limit)}
}

func pruneFollowsParams(nsid string, contacts []graph.User) map[string]any {
	ids := make([]any, len(contacts))
	for i, c := range contacts {
		ids[i] = c.NSID
	}
	return map[string]any{"nsid": nsid, "contacts": ids}
}

func addFollowsParams(nsid string, contacts []graph.User) map[string]any {
	return map[string]any{"nsid": nsid, "rows": userRows(contacts)}
}

func photoDismissalParams(nsid, photoID string) map[string]any {
	return map[string]any{"nsid": nsid, "photo_id": photoID}
}

func userDismissalParams(nsid, target string) map[string]any {
	return map[string]any{"nsid": nsid, "target": target}
}

func photoParams(id string) map[string]any { return map[string]any{"id": id} }

// order names a NeighborOrder for the neighbors statement.
func order(o graph.NeighborOrder) string {
	if o == graph.ByScore {
		return "score"
	}
	return "taken"
}

func (s *Store) flexplore(m map[string]any) map[string]any {
	m["scale"] = s.params.Scale
	m["prior"] = s.params.Prior
	m["dismiss_weight"] = s.params.DismissWeight
	return m
}

func (s *Store) neighborsParams(nsid string, o graph.NeighborOrder, limit int) map[string]any {
	return s.flexplore(map[string]any{"nsid": nsid, "order": order(o), "limit": int64(limit)})
}

func commonFavesParams(a, b string, limit int) map[string]any {
	return map[string]any{"a": a, "b": b, "limit": int64(limit)}
}

// pageParams are the keyset parameters: one more row than the page, to know if another follows.
func pageParams(m map[string]any, cur *graph.Cursor, limit int) map[string]any {
	m["after_score"], m["after_id"] = nil, nil
	if cur != nil {
		m["after_score"], m["after_id"] = cur.Score, cur.ID
	}
	m["limit"] = int64(limit + 1)
	return m
}

func (s *Store) flexplorePhotosParams(nsid string, opts graph.RecOptions, cur *graph.Cursor) map[string]any {
	m := s.flexplore(pageParams(map[string]any{"nsid": nsid}, cur, opts.Limit))
	m["why"] = int64(opts.Why)
	return m
}

func popularityPhotosParams(nsid string, opts graph.RecOptions, cur *graph.Cursor) map[string]any {
	return pageParams(map[string]any{"nsid": nsid}, cur, opts.Limit)
}

func (s *Store) usersParams(nsid string, opts graph.RecOptions, cur *graph.Cursor) map[string]any {
	return s.flexplore(pageParams(map[string]any{"nsid": nsid}, cur, opts.Limit))
}

func putTokenParams(nsid string, sealed []byte) map[string]any {
	return map[string]any{"nsid": nsid, "sealed": append([]byte{}, sealed...)}
}

func markVisitParams(nsid string, at time.Time) map[string]any {
	return map[string]any{"nsid": nsid, "at": nanos(at)}
}

func recordMigrationParams(version int, name string, at time.Time) map[string]any {
	return map[string]any{"version": int64(version), "name": name, "at": nanos(at)}
}
