package flickr

import "time"

// Token is an OAuth 1.0a token and its secret (a request token or an access token).
type Token struct {
	Token  string
	Secret string
}

// AccessToken is the reply of the access-token step: the token plus who logged in.
type AccessToken struct {
	Token
	UserNSID string
	Username string
	Fullname string
}

// UserRef names a Flickr member.
type UserRef struct {
	NSID     string
	Username string
}

// Person is what flickr.people.getInfo tells about a member.
type Person struct {
	NSID       string
	Username   string
	Realname   string
	PathAlias  string
	IconServer string
	IconFarm   int
	IconURL    string // buddy icon URL per Flickr's rule (default icon when iconserver is 0)
	PhotosURL  string
	ProfileURL string
}

// Photo is one photo of a list reply, with the extras photorec asks for.
type Photo struct {
	ID        string
	Owner     string
	OwnerName string
	Title     string
	Secret    string
	Server    string
	Farm      int
	FavedAt   time.Time // favorites lists only; zero elsewhere
	// The sizes photorec asks for (SizeExtras); a size the reply did not carry is the zero Size
	// (Flickr makes no size larger than the original, so small photos lack the large ones).
	Thumb     Size // url_q: Large Square, 150 x 150 (suffix _q)
	Medium    Size // url_m: Medium, 500 on the longest side (no suffix)
	Medium640 Size // url_z: Medium 640 (suffix _z)
	Medium800 Size // url_c: Medium 800 (suffix _c)
	Large     Size // url_l: Large, 1024 on the longest side (suffix _b)
	// The owner's buddy icon, from extras=icon_server. OwnerIconServer is "" when the reply
	// carried no iconserver (then OwnerIconURL is "" too: unknown, not the default icon);
	// "0" means the owner has no icon and OwnerIconURL is the default icon.
	OwnerIconServer string
	OwnerIconFarm   int
	OwnerIconURL    string // BuddyIconURL of the owner, moved onto Options.IconBase when set
}

// Size is one size of a photo from a list reply's url_x, width_x and height_x extras. URL is ""
// when the reply did not carry the size; Width and Height are 0 when it carried no dimensions.
type Size struct {
	URL           string
	Width, Height int // pixels
}

// Display returns the largest display size the reply carried, up to 1024 pixels on the longest
// side: Large, else Medium800, Medium640, Medium; the zero Size when it carried none of them.
func (p Photo) Display() Size {
	for _, s := range []Size{p.Large, p.Medium800, p.Medium640, p.Medium} {
		if s.URL != "" {
			return s
		}
	}
	return Size{}
}

// Page is the paging block of a list reply.
type Page struct {
	Page, Pages, PerPage, Total int
}

// PhotoPage is one page of photos.
type PhotoPage struct {
	Page
	Photos []Photo
}

// Contact is one entry of contacts.getPublicList.
type Contact struct {
	NSID       string
	Username   string
	IconServer string
	IconFarm   int
	IconURL    string
}

// ContactPage is one page of contacts.
type ContactPage struct {
	Page
	Contacts []Contact
}

// FavoritesQuery selects a page of favorites.getPublicList.
type FavoritesQuery struct {
	Page        int       // 1-based; 0 means 1
	PerPage     int       // 1..500; 0 means 500
	MinFaveDate time.Time // zero: no lower bound (incremental pulls set it)
}
