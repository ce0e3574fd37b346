package graph

import "math"

// CheckID returns an *ArgumentError for field unless id is a plausible NSID or photo ID:
// 1..MaxIDLen bytes of valid UTF-8 with no spaces or control characters.
func CheckID(field, id string) error {
	if !validID(id) {
		if id == "" {
			return &ArgumentError{Field: field, Reason: "empty"}
		}
		return &ArgumentError{Field: field, Reason: "not a valid id"}
	}
	return nil
}

// CheckLimit returns an *ArgumentError unless 1 <= limit <= MaxLimit.
func CheckLimit(limit int) error {
	if limit < 1 || limit > MaxLimit {
		return &ArgumentError{Field: "limit", Reason: "must be between 1 and 500"}
	}
	return nil
}

// DefaultWhy is the number of contributions per photo when RecOptions.Why is 0.
const DefaultWhy = 3

// MaxWhy is the largest RecOptions.Why a store accepts.
const MaxWhy = 50

// NormalizeSimilarOptions checks the arguments of Store.SimilarPhotos: photoID, viewer ("" for
// anyone) and opts, of which only Limit, Cursor and Why apply (Algorithm is ignored). It returns
// opts with its defaults and the decoded cursor, as NormalizeRecOptions.
func NormalizeSimilarOptions(photoID, viewer string, opts RecOptions) (RecOptions, *Cursor, error) {
	if err := CheckID("photo_id", photoID); err != nil {
		return RecOptions{}, nil, err
	}
	if viewer != "" {
		if err := CheckID("nsid", viewer); err != nil {
			return RecOptions{}, nil, err
		}
	}
	opts.Algorithm = Flexplore // not used: only Limit, Cursor and Why apply
	return NormalizeRecOptions(opts, PhotoCursor, Flexplore)
}

// NormalizeRecOptions checks opts for a listing of the given kind and fills its defaults:
// Algorithm "" becomes def (Flexplore when def is ""), Why 0 becomes DefaultWhy. It returns
// the decoded cursor (nil for the first page). Limit is not defaulted: 0 is an *ArgumentError
// here; the API applies DefaultLimit before calling a store. An algorithm not in AlgorithmList is
// an *ArgumentError (Field "algorithm").
func NormalizeRecOptions(opts RecOptions, kind CursorKind, def Algorithm) (RecOptions, *Cursor, error) {
	if opts.Algorithm == "" {
		opts.Algorithm = def
		if opts.Algorithm == "" {
			opts.Algorithm = Flexplore
		}
	}
	if _, ok := LookupAlgorithm(opts.Algorithm); !ok {
		return opts, nil, &ArgumentError{Field: "algorithm", Reason: "unknown algorithm"}
	}
	if err := CheckLimit(opts.Limit); err != nil {
		return opts, nil, err
	}
	if opts.Why == 0 {
		opts.Why = DefaultWhy
	}
	if opts.Why < 0 || opts.Why > MaxWhy {
		return opts, nil, &ArgumentError{Field: "why", Reason: "must be between 0 and 50"}
	}
	if opts.Cursor == "" {
		return opts, nil, nil
	}
	c, err := DecodeCursor(opts.Cursor, kind)
	if err != nil {
		return opts, nil, err
	}
	return opts, &c, nil
}

// CheckUsers checks the NSID of every user, as every Store does before merging them.
func CheckUsers(users []User) error {
	for _, u := range users {
		if err := CheckID("nsid", u.NSID); err != nil {
			return err
		}
	}
	return nil
}

// CheckFavesBatch checks a batch as every Store does before writing it: the user, photo and owner
// IDs, fave times (zero, or within 1970..2106 at one-second resolution), farm numbers (32-bit),
// sizes (0..65535) and the owners' NSIDs.
func CheckFavesBatch(b FavesBatch) error {
	if err := CheckID("nsid", b.User); err != nil {
		return err
	}
	for _, f := range b.Faves {
		if err := CheckID("photo_id", f.Photo.ID); err != nil {
			return err
		}
		if err := CheckID("owner", f.Photo.Owner); err != nil {
			return err
		}
		if !f.FavedAt.IsZero() && (f.FavedAt.Unix() < 1 || f.FavedAt.Unix() > math.MaxUint32) {
			return &ArgumentError{Field: "faved_at", Reason: "outside 1970..2106"}
		}
		if err := checkPhotoFields(f.Photo); err != nil {
			return err
		}
	}
	return CheckUsers(b.Owners)
}

// CheckPhotosBatch checks a batch as every Store does before AddPhotos: the owner, then each
// photo's ID, owner (equal to the batch's) and farm.
func CheckPhotosBatch(b PhotosBatch) error {
	if err := CheckID("owner", b.Owner); err != nil {
		return err
	}
	for _, p := range b.Photos {
		if err := CheckID("photo_id", p.ID); err != nil {
			return err
		}
		if p.Owner != b.Owner {
			return &ArgumentError{Field: "owner", Reason: "a photo of the batch has another owner"}
		}
		if err := checkPhotoFields(p); err != nil {
			return err
		}
	}
	return nil
}

// checkPhotoFields checks the numbers of a photo: a 32-bit farm, a size in 0..65535.
func checkPhotoFields(p Photo) error {
	if p.Farm < math.MinInt32 || p.Farm > math.MaxInt32 {
		return &ArgumentError{Field: "farm", Reason: "out of range"}
	}
	if p.Width < 0 || p.Width > math.MaxUint16 || p.Height < 0 || p.Height > math.MaxUint16 {
		return &ArgumentError{Field: "size", Reason: "width and height must be in 0..65535"}
	}
	return nil
}

// CheckUserPhoto checks a (user NSID, photo ID) pair as every Store does before adding or
// removing a fave or a photo dismissal: field "nsid", then "photo_id".
func CheckUserPhoto(nsid, photoID string) error {
	if err := CheckID("nsid", nsid); err != nil {
		return err
	}
	return CheckID("photo_id", photoID)
}

// CheckNeighbors checks the arguments of Store.Neighbors: the NSID, the order (ByTaken or
// ByScore) and the limit (1..MaxLimit), in that order.
func CheckNeighbors(nsid string, order NeighborOrder, limit int) error {
	if err := CheckID("nsid", nsid); err != nil {
		return err
	}
	if order != ByTaken && order != ByScore {
		return &ArgumentError{Field: "order", Reason: "unknown neighbor order"}
	}
	return CheckLimit(limit)
}

// CheckCommonFaves checks the arguments of Store.CommonFaves: both NSIDs (field "nsid"), then
// the limit (1..MaxLimit).
func CheckCommonFaves(a, b string, limit int) error {
	if err := CheckID("nsid", a); err != nil {
		return err
	}
	if err := CheckID("nsid", b); err != nil {
		return err
	}
	return CheckLimit(limit)
}

// CheckDueLimit checks the limit of Store.DueForRefresh: at least 1 (no upper bound).
func CheckDueLimit(limit int) error {
	if limit < 1 {
		return &ArgumentError{Field: "limit", Reason: "must be at least 1"}
	}
	return nil
}

// CheckPullDone checks p as every Store does before FinishPull: the user's NSID, then a Kind of
// PullFull or PullIncremental.
func CheckPullDone(p PullDone) error {
	if err := CheckID("nsid", p.User); err != nil {
		return err
	}
	if p.Kind != PullFull && p.Kind != PullIncremental {
		return &ArgumentError{Field: "kind", Reason: "must be full or incremental"}
	}
	return nil
}

// CheckContacts checks the arguments of Store.SetContacts: the NSID, then every contact's NSID.
func CheckContacts(nsid string, contacts []User) error {
	if err := CheckID("nsid", nsid); err != nil {
		return err
	}
	return CheckUsers(contacts)
}
