package flickr

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// SizeExtras are the image sizes photo lists ask for (Photo.Thumb, Medium, Medium640, Medium800
// and Large), each with its width and height: the square thumbnail and every display size up to
// 1024 pixels, so a page can offer the browser a srcset and reserve each photo's box.
const SizeExtras = "url_q,url_m,url_z,url_c,url_l"

// favoritesExtras asks favorites lists for the owner's name and buddy icon, the faved date and
// SizeExtras; photosExtras asks photostreams for the same without the faved date.
const (
	favoritesExtras = "owner_name,icon_server,date_faved," + SizeExtras
	photosExtras    = "owner_name,icon_server," + SizeExtras
)

// MaxPerPage is the largest per_page Flickr accepts for photo lists.
const MaxPerPage = 500

func pageParams(page, perPage, maxPer int) url.Values {
	if page <= 0 {
		page = 1
	}
	if perPage <= 0 || perPage > maxPer {
		perPage = maxPer
	}
	return url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(perPage)}}
}

// PublicFavorites returns one page of nsid's public favorites (flickr.favorites.getPublicList),
// newest faved first, with owner name and buddy icon, date faved and the SizeExtras sizes. A
// page may hold fewer than PerPage photos while later pages still have some. Unknown users give
// ErrNotFound.
func (c *Client) PublicFavorites(ctx context.Context, nsid string, q FavoritesQuery) (PhotoPage, error) {
	p := pageParams(q.Page, q.PerPage, MaxPerPage)
	p.Set("user_id", nsid)
	p.Set("extras", favoritesExtras)
	if !q.MinFaveDate.IsZero() {
		p.Set("min_fave_date", strconv.FormatInt(q.MinFaveDate.Unix(), 10))
	}
	const method = "flickr.favorites.getPublicList"
	body, err := c.rest(ctx, call{method: method, params: p})
	if err != nil {
		return PhotoPage{}, fmt.Errorf("flickr: favorites of %s: %w", nsid, err)
	}
	page, err := decodePhotoPage(method, body)
	if err != nil {
		return PhotoPage{}, fmt.Errorf("flickr: favorites of %s: %w", nsid, err)
	}
	c.ownerIcons(page.Photos)
	return page, nil
}

// AllPublicFavorites pages through nsid's public favorites (500 per call) and returns at most
// limit of them (limit <= 0: all), newest first, with the number of calls made. Paging stops
// at the last page (page >= pages), at an empty page, or at limit; a short page is not the end.
// On error the photos gathered so far are returned with it.
func (c *Client) AllPublicFavorites(ctx context.Context, nsid string, minFaveDate time.Time, limit int) ([]Photo, int, error) {
	var out []Photo
	calls := 0
	for page := 1; ; page++ {
		pg, err := c.PublicFavorites(ctx, nsid, FavoritesQuery{Page: page, PerPage: MaxPerPage, MinFaveDate: minFaveDate})
		calls++
		if err != nil {
			return out, calls, err
		}
		out = append(out, pg.Photos...)
		if limit > 0 && len(out) >= limit {
			return out[:limit], calls, nil
		}
		if len(pg.Photos) == 0 || page >= pg.Pages {
			return out, calls, nil
		}
	}
}

// AddFavorite makes photoID a favorite of the token's user (flickr.favorites.add, POST,
// signed, needs perms=write). It is idempotent: "already a favorite" (code 3) is success.
// Unknown photos give ErrNotFound; a dead token ErrInvalidToken; a read-only token
// ErrInsufficientPermissions.
func (c *Client) AddFavorite(ctx context.Context, tok Token, photoID string) error {
	const method = "flickr.favorites.add"
	_, err := c.rest(ctx, call{method: method, params: url.Values{"photo_id": {photoID}}, token: &tok, post: true})
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Code == 3 {
		return nil
	}
	if err != nil {
		return fmt.Errorf("flickr: add favorite %s: %w", photoID, err)
	}
	return nil
}

// RemoveFavorite removes photoID from the token's user's favorites (flickr.favorites.remove,
// POST, signed, perms=write). It is idempotent: "photo not in favorites" (code 1) is success.
func (c *Client) RemoveFavorite(ctx context.Context, tok Token, photoID string) error {
	const method = "flickr.favorites.remove"
	_, err := c.rest(ctx, call{method: method, params: url.Values{"photo_id": {photoID}}, token: &tok, post: true})
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Code == 1 {
		return nil
	}
	if err != nil {
		return fmt.Errorf("flickr: remove favorite %s: %w", photoID, err)
	}
	return nil
}

// methodAddComment is the Flickr method AddComment calls; its code 99 has a meaning of its own.
const methodAddComment = "flickr.photos.comments.addComment"

// AddComment posts text as a comment on photoID (flickr.photos.comments.addComment, POST,
// signed, perms=write) and returns the comment id. It is not idempotent, so it is retried only
// when Flickr shows the comment was not made (429, codes 105, 201, 0), never after a 5xx or a
// broken connection. Code 9 (posting too fast) and 8 (blank) come back as *APIError; code 99
// matches ErrCommentsNotAllowed (the owner turned comments off) as well as
// ErrInsufficientPermissions.
func (c *Client) AddComment(ctx context.Context, tok Token, photoID, text string) (string, error) {
	const method = methodAddComment
	body, err := c.rest(ctx, call{method: method, params: url.Values{"photo_id": {photoID}, "comment_text": {text}},
		token: &tok, post: true, policy: retryUnsent})
	if err != nil {
		return "", fmt.Errorf("flickr: comment on %s: %w", photoID, err)
	}
	id, err := decodeCommentID(method, body)
	if err != nil {
		return "", fmt.Errorf("flickr: comment on %s: %w", photoID, err)
	}
	return id, nil
}
