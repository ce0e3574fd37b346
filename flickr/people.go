package flickr

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// PersonInfo returns nsid's profile (flickr.people.getInfo). Realname may be empty (show
// Username then); IconURL follows the buddy-icon rule. Unknown or deleted users give
// ErrNotFound.
func (c *Client) PersonInfo(ctx context.Context, nsid string) (Person, error) {
	const method = "flickr.people.getInfo"
	body, err := c.rest(ctx, call{method: method, params: url.Values{"user_id": {nsid}}})
	if err != nil {
		return Person{}, fmt.Errorf("flickr: person %s: %w", nsid, err)
	}
	p, err := decodePerson(method, body)
	if err != nil {
		return Person{}, fmt.Errorf("flickr: person %s: %w", nsid, err)
	}
	p.IconURL = c.icon(p.IconURL)
	return p, nil
}

// PublicPhotos returns one page of nsid's public photos (flickr.people.getPublicPhotos, safe
// search as for anonymous visitors), newest upload first, with owner name and buddy icon and the
// SizeExtras sizes; FavedAt stays zero.
// page 0 means 1; perPage 0 or above 500 means 500.
func (c *Client) PublicPhotos(ctx context.Context, nsid string, page, perPage int) (PhotoPage, error) {
	const method = "flickr.people.getPublicPhotos"
	p := pageParams(page, perPage, MaxPerPage)
	p.Set("user_id", nsid)
	p.Set("extras", photosExtras)
	body, err := c.rest(ctx, call{method: method, params: p})
	if err != nil {
		return PhotoPage{}, fmt.Errorf("flickr: photos of %s: %w", nsid, err)
	}
	pg, err := decodePhotoPage(method, body)
	if err != nil {
		return PhotoPage{}, fmt.Errorf("flickr: photos of %s: %w", nsid, err)
	}
	c.ownerIcons(pg.Photos)
	return pg, nil
}

// MaxContactsPerPage is the largest per_page of contacts.getPublicList.
const MaxContactsPerPage = 1000

// PublicContacts returns one page of the people nsid follows publicly
// (flickr.contacts.getPublicList). page 0 means 1; perPage 0 or above 1000 means 1000.
func (c *Client) PublicContacts(ctx context.Context, nsid string, page, perPage int) (ContactPage, error) {
	const method = "flickr.contacts.getPublicList"
	p := pageParams(page, perPage, MaxContactsPerPage)
	p.Set("user_id", nsid)
	body, err := c.rest(ctx, call{method: method, params: p})
	if err != nil {
		return ContactPage{}, fmt.Errorf("flickr: contacts of %s: %w", nsid, err)
	}
	pg, err := decodeContactPage(method, body)
	if err != nil {
		return ContactPage{}, fmt.Errorf("flickr: contacts of %s: %w", nsid, err)
	}
	for i := range pg.Contacts {
		pg.Contacts[i].IconURL = c.icon(pg.Contacts[i].IconURL)
	}
	return pg, nil
}

// TestLogin returns the user a token belongs to (flickr.test.login, signed GET). A dead token
// gives ErrInvalidToken; a bad consumer secret or token secret gives ErrUnauthorized.
func (c *Client) TestLogin(ctx context.Context, tok Token) (UserRef, error) {
	const method = "flickr.test.login"
	body, err := c.rest(ctx, call{method: method, token: &tok})
	if err != nil {
		return UserRef{}, fmt.Errorf("flickr: test login: %w", err)
	}
	u, err := decodeUser(method, body)
	if err != nil {
		return UserRef{}, fmt.Errorf("flickr: test login: %w", err)
	}
	return u, nil
}

// ownerIcons moves the owners' buddy-icon URLs of a photo list onto Options.IconBase.
func (c *Client) ownerIcons(photos []Photo) {
	for i := range photos {
		photos[i].OwnerIconURL = c.icon(photos[i].OwnerIconURL)
	}
}

// icon moves a buddy-icon URL built by BuddyIconURL onto Options.IconBase, when set.
func (c *Client) icon(u string) string {
	if c.iconBase == "" {
		return u
	}
	if rest, ok := strings.CutPrefix(u, "https://www.flickr.com/images/"); ok {
		return c.iconBase + rest
	}
	if _, path, ok := strings.Cut(strings.TrimPrefix(u, "https://"), ".staticflickr.com/"); ok {
		return c.iconBase + path
	}
	return u
}
