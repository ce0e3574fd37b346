package graph

// Algorithm names a recommendation algorithm. "" means the store's configured default.
type Algorithm string

// Algorithms. Each is defined below; AlgorithmList is the one list of them.
const (
	Hybrid     Algorithm = "hybrid"
	Flexplore  Algorithm = "flexplore"
	Popularity Algorithm = "popularity"
	ItemKNN    Algorithm = "itemknn"
	RP3Beta    Algorithm = "rp3beta"
	Blend      Algorithm = "blend"
	Owners     Algorithm = "owners"
	Follows    Algorithm = "follows"
)

// DefaultAlgorithm is what a member gets without choosing: recommend.algorithm's default, the
// best on real Flickr favorites (docs/evaluation.md). A Store opened without a default ranks with
// Flexplore, the seed's algorithm.
const DefaultAlgorithm = Hybrid

// AlgorithmInfo describes one algorithm for the API, the UI, config and eval.
type AlgorithmInfo struct {
	Name Algorithm
	// Label is the algorithm's name for people ("Best match"); the API and docs use Name.
	Label string
	// Description says in one plain sentence what the ranking favours.
	Description string
	// Reasons are the kinds of reason its recommendations carry (PhotoRec.Reasons).
	Reasons []ReasonKind
	// Personal is false for rankings that are the same for everyone (Popularity).
	Personal bool
	// Params are the names of the constants it ranks with (ParamKeys).
	Params []string
}

// AlgorithmList is every algorithm, the default first, then in the order a menu shows them.
// It is the only list: the API, config validation, eval and the UI read it.
var AlgorithmList = []AlgorithmInfo{
	{Name: Hybrid, Label: "Best match", Personal: true,
		Description: "Photos by the photographers you fave most, photos faved by people whose faves overlap yours, and what the people you follow take and fave.",
		Reasons:     []ReasonKind{ReasonCoFavers, ReasonOwnerFaved, ReasonOwnerFollowed, ReasonContactsFaved},
		Params:      []string{"alpha", "beta", "walk_users", "walk", "owner", "follow_photos", "contact_faves", "owner_share_exp", "owner_count_exp"}},
	{Name: Flexplore, Label: "Classic Flexplore", Personal: true,
		Description: "Photos faved by the photographers whose photos you faved, weighted by how much your taste overlaps (the original Flexplore).",
		Reasons:     []ReasonKind{ReasonNeighbors},
		Params:      []string{"scale", "prior", "dismiss_weight"}},
	{Name: Owners, Label: "Photographers you fave", Personal: true,
		Description: "More photos by the photographers you fave most.",
		Reasons:     []ReasonKind{ReasonOwnerFaved},
		Params:      []string{"owner_share_exp", "owner_count_exp"}},
	{Name: Follows, Label: "People you follow", Personal: true,
		Description: "Photos taken or faved by the people you follow.",
		Reasons:     []ReasonKind{ReasonOwnerFollowed, ReasonContactsFaved},
		Params:      []string{"follow_photos", "contact_faves"}},
	{Name: RP3Beta, Label: "Shared taste", Personal: true,
		Description: "Photos faved by people whose faves overlap yours, less popular ones first.",
		Reasons:     []ReasonKind{ReasonCoFavers},
		Params:      []string{"alpha", "beta", "walk_users"}},
	{Name: ItemKNN, Label: "Similar photos", Personal: true,
		Description: "Photos most often faved together with the ones you faved.",
		Reasons:     []ReasonKind{ReasonCoFavers}},
	{Name: Blend, Label: "Flexplore and shared taste", Personal: true,
		Description: "The earlier default: mostly shared taste, with a share of Flexplore.",
		Reasons:     []ReasonKind{ReasonCoFavers, ReasonNeighbors},
		Params:      []string{"scale", "prior", "dismiss_weight"}},
	{Name: Popularity, Label: "Most popular", Personal: false,
		Description: "The most faved photos, the same for everyone.",
		Reasons:     []ReasonKind{ReasonPopular}},
}

// AlgorithmNames returns the names in AlgorithmList, in its order.
func AlgorithmNames() []Algorithm {
	out := make([]Algorithm, len(AlgorithmList))
	for i, a := range AlgorithmList {
		out[i] = a.Name
	}
	return out
}

// LookupAlgorithm returns the entry of name; ok is false for an unknown name.
func LookupAlgorithm(name Algorithm) (AlgorithmInfo, bool) {
	for _, a := range AlgorithmList {
		if a.Name == name {
			return a, true
		}
	}
	return AlgorithmInfo{}, false
}

// The algorithms, shared by every backend (graphtest's reference holds them to it). U is the
// user ranked for, F(x) the photos x faved, favers(p) the users who fave p, deg(p) their number
// (U included), T(o) the photos o took (TOOK edges, faved or not), C(U) the users U follows
// (FOLLOWS edges), and every sum runs over the stored graph:
//
//   - Flexplore (score.go): the sum of the neighbor scores of U's neighbors who faved p.
//   - Popularity: deg(p).
//   - ItemKNN, item-based cosine on co-faves: sim(q, p) = |favers(q) ∩ favers(p)| /
//     sqrt(deg(q) * deg(p)); score(p) = sum of sim(q, p) over q in F(U).
//   - RP3Beta, a three-step random walk U -> photo -> user -> photo, each transition probability
//     raised to Walk.Alpha, with a popularity penalty Walk.Beta. The co-favers of U are the users
//     v != U who fave a photo U faved; each weighs w(v) = (sum over q in F(U) ∩ F(v) of
//     deg(q)^-Alpha) * |F(v)|^-Alpha. The walk goes on through the Walk.Users co-favers of
//     largest w(v) (ties: NSID asc; all of them when Walk.Users is 0 or there are no more):
//     walk(p) = (sum over those v who fave p of w(v)) / deg(p)^Beta. The constant first step
//     is left out.
//   - Owners, owner affinity: owners(p) = (c(o) / |F(U)|)^OwnerShareExp * |T(o)|^OwnerCountExp,
//     o the owner of p (o != U) and c(o) the number of U's faves o took; 0 when c(o) = 0.
//   - Follows: followPhotos(p) = m(owner of p) for a followed owner, and contactFaves(p) = sum of
//     m(c) over c in C(U) who faved p, where m(x) = 2 when x also follows U (a stored FOLLOWS
//     edge x -> U), else 1. Follows ranks by FollowPhotos*followPhotos/max + ContactFaves*contactFaves/max.
//   - Hybrid: Walk*walk(p)/max walk + Owner*owners(p)/max owners + FollowPhotos*followPhotos(p)/
//     max followPhotos + ContactFaves*contactFaves(p)/max contactFaves (Params.Hybrid).
//   - Blend (the earlier default): BlendWeight * flex(p) / max flex + (1 - BlendWeight) *
//     walk(p) / max walk, with the walk under LegacyWalk (Alpha 1, Beta 0.5).
//
// Every max is taken over the photos U may be recommended (a term whose max is 0 is 0).
// Excluded under every algorithm: photos U faved, U's own photos, dismissed photos, photos whose
// owner U dismissed, and score 0. Dismissals weigh only through exclusion (and through the
// Flexplore neighbor scores where Flexplore is a term).
//
// Reasons (PhotoRec.Reasons) say why a photo was recommended, one per term that gave the photo
// a positive score, largest weighted share of the score first (ties in AlgorithmInfo.Reasons
// order); each lists at most RecOptions.Why people:
//
//   - ReasonNeighbors (Flexplore terms): Count neighbors with a positive score faved p; Users are
//     those neighbors, score desc, NSID asc (Score: the neighbor score; Common: shared faves).
//   - ReasonCoFavers (walk and ItemKNN terms): Count users other than U who faved p and share at
//     least one favorite with U (co-favers); Users are those, Common desc, NSID asc (Score: Common).
//   - ReasonOwnerFaved (owner term): Count = c(o), U's faves by the owner; Users = [owner].
//   - ReasonOwnerFollowed (followPhotos term): Count 1; Users = [owner] (Score: m(owner)).
//   - ReasonContactsFaved (contactFaves term): Count contacts of U faved p; Users are those
//     contacts, m desc, NSID asc (Score: m; Common: shared faves with U).
//   - ReasonPopular (Popularity): Count = deg(p); no Users.
//   - ReasonAlsoFaved (SimilarPhotos): Count users faved both the seed photo and p; Users are
//     those, Common desc (Common: how many of the viewer's faves they share, 0 without a viewer),
//     NSID asc.
//
// RecommendUsers ranks neighbors by their Flexplore score whatever RecOptions.Algorithm says (it
// must still name a known algorithm).
//
// SimilarPhotos ranks from one seed photo s by the walk s -> favers(s) -> their faves:
// score(p) = (sum over v in favers(s) ∩ favers(p), v != viewer of |F(v)|^-Alpha) / deg(p)^Beta,
// p != s; for a viewer, the exclusions above apply to the viewer.
//
// Also under every algorithm:
//
//   - FAVED-edge times (Fave.FavedAt, PullState.NewestFaveAt) have one-second resolution.
//   - Writes that name a user create it (as MERGE would), so Register, PutToken, SetContacts and
//     the dismissals of a user the store has not seen yet succeed. RemoveFave and DeleteToken
//     create nothing. Dismissing a photo the store has not seen is allowed; it applies once the
//     photo arrives.
//   - Re-adding a FAVED edge keeps it once; a known FavedAt replaces the stored one, a zero one
//     never erases it.
//   - A photo's owner is the first one stored (AddFaves or AddPhotos); a later batch naming
//     another owner changes nothing of the ownership.

// BlendWeight is the Flexplore share of Blend, in [0, 1].
const BlendWeight = 0.1

// WalkParams are RP3Beta's constants.
type WalkParams struct {
	Alpha float64 // exponent of each transition probability; 1 is the plain random walk
	Beta  float64 // popularity penalty exponent: 0 ranks by walk probability alone
	// Users is how many co-favers the walk goes on through, strongest first; 0 means all. It
	// bounds a ranking's work (at most Users faves lists are read in the third step) and, on
	// real favorites, keeps the quality (docs/evaluation.md).
	Users int
}

// LegacyWalk are the walk constants of Blend (the earlier default), kept so it ranks as it did.
var LegacyWalk = WalkParams{Alpha: 1, Beta: 0.5}

// HybridParams are the weights of Hybrid's terms and the owner-affinity exponents.
type HybridParams struct {
	Walk, Owner, FollowPhotos, ContactFaves float64 // term weights, each >= 0
	OwnerShareExp                           float64 // exponent of U's share of faves by the owner
	OwnerCountExp                           float64 // exponent of the owner's photo count (<= 0)
}

// Params are every ranking constant a store ranks with.
type Params struct {
	Flexplore FlexploreParams
	Walk      WalkParams
	Hybrid    HybridParams
}

// DefaultParams returns the constants chosen on the real favorites' validation split
// (docs/evaluation.md): the seed's Flexplore, RP3Beta with Alpha 0.6, Beta 0.45 through the 600
// strongest co-favers, and Hybrid's weights.
func DefaultParams() Params {
	return Params{
		Flexplore: DefaultFlexplore(),
		Walk:      WalkParams{Alpha: 0.6, Beta: 0.45, Users: 600},
		Hybrid: HybridParams{
			Walk: 1, Owner: 1, FollowPhotos: 0.1, ContactFaves: 0.1,
			OwnerShareExp: 0.5, OwnerCountExp: -0.25,
		},
	}
}

// ReasonKind tells which signal a Reason reports (see the definitions above).
type ReasonKind string

// Reason kinds.
const (
	ReasonNeighbors     ReasonKind = "neighbors"
	ReasonCoFavers      ReasonKind = "co_favers"
	ReasonOwnerFaved    ReasonKind = "owner_faved"
	ReasonOwnerFollowed ReasonKind = "owner_followed"
	ReasonContactsFaved ReasonKind = "contacts_faved"
	ReasonPopular       ReasonKind = "popular"
	ReasonAlsoFaved     ReasonKind = "also_faved"
)

// Reason is one signal that put a photo on a page, with its number and the people behind it.
type Reason struct {
	Kind  ReasonKind
	Count int            // the reason's number: people, or faves by the owner (see ReasonKind)
	Users []Contribution // the people it names, strongest first, at most RecOptions.Why
}

// Contribution is one person named in a Reason.
type Contribution struct {
	User   User
	Score  float64 // the person's weight in the reason, its order (see ReasonKind)
	Common int     // favorites this person and the viewer share (0 when unknown or no viewer)
}
