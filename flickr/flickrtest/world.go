package flickrtest

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// WorldOptions shapes a generated world. Zero values take the documented defaults, which aim at
// the real-Flickr targets in docs/simulator.md.
type WorldOptions struct {
	Seed           int64     // same seed and options -> the same world, byte for byte
	Users          int       // members, each both photographer and faver; 0 means 300
	Faves          int       // target total favorites; 0 means about 172 per user (lognormal, median 77)
	Topics         int       // latent taste clusters; 0 means Users/60 clamped to [4, 800]
	UploadsMedian  float64   // median photos per user (lognormal); 0 means 3
	ContactsMedian float64   // median contacts per user (lognormal); 0 means 38
	ContactShare   float64   // share of fave draws aimed at followees' photos; 0 means 0.2 (about 24% then land on them)
	Start, End     time.Time // join, upload and fave dates fall in [Start, End); zero means 2010-01-01 .. 2025-01-01
}

// User is one member of the world as the simulator currently sees it (writes and deletions included).
type User struct {
	NSID      string
	Username  string // unique; may contain non-ASCII letters
	Realname  string // may be empty
	PathAlias string // ASCII; empty for users without one (their URLs use the NSID)
	Faves     int    // current number of favorites
	Uploads   int    // photos owned
	Contacts  int    // people this user follows
	Joined    time.Time
	Deleted   bool
}

// Fave is one favorite: who owns the photo and when it was faved.
type Fave struct {
	PhotoID string
	Owner   string
	FavedAt time.Time
}

// Photo is one photo of the world.
type Photo struct {
	ID       string
	Owner    string
	Title    string
	Secret   string
	Server   string
	Farm     int
	Uploaded time.Time
	Width    int // pixel size of the 1024 (_b) variant (1024 on the longer side); the other sizes scale from it
	Height   int
	HasLarge bool // false for the photos that lack a 1024 variant (no url_l) when Quirks.MissingLarge is on
	MaxEdge  int  // longer side of the original: 1024, or 500, 640 or 800 when !HasLarge (larger sizes then missing under Quirks.MissingLarge)
}

// Comment is a comment written through flickr.photos.comments.addComment.
type Comment struct {
	ID      string
	PhotoID string
	Author  string
	Text    string
	Created time.Time
}

const (
	photoIDBase   = 52_000_000_000
	photoIDStride = 7
)

// World is a generated Flickr: users, photos, favorites and contacts in compact flat slices.
// The generated part is immutable; writes (faves added or removed, comments, deletions) live in
// small overlays guarded by a mutex, so a World is safe for concurrent use.
type World struct {
	seed       uint64
	start, end int64

	// users, by index
	nsid, username, realname, alias []string
	joined                          []uint32
	icon                            []uint16 // iconserver; 0 means no icon
	byNSID, byName, byAlias         map[string]int32

	// photos, contiguous per owner: user u owns [photoStart[u], photoStart[u+1])
	photoStart []int32
	photoOwner []int32
	photoUp    []uint32
	photoTopic []uint16

	// favorites in CSR form, newest first per user: date<<32 | photo index
	faveOff []int64
	faves   []uint64

	// contacts in CSR form, sorted by index
	contactOff []int32
	contacts   []int32

	mu       sync.RWMutex
	deleted  map[int32]bool
	added    map[int32][]uint64       // per user, date<<32 | photo, any order
	removed  map[int32]map[int32]bool // per user, removed generated faves
	comments map[int32][]Comment      // per photo
	commentN int64
	journal  *journal // nil unless OpenJournal: where writes are appended
}

// TinyWorld is a small world for tests: 300 users, about 50k favorites, generated in milliseconds.
func TinyWorld(seed int64) *World {
	return Generate(WorldOptions{Seed: seed, Users: 300})
}

// genParams are the generator's constants. Each is set to match a shape figure of the real
// sample (reference/flickr-world-stats.md, issue 11) or, where no single figure pins it, the
// offline HR@10 of the algorithms on the real validation split (docs/evaluation.md, "The
// simulator against real data"); the comment says which.
type genParams struct {
	users, topics           int
	faveMu, faveSigma       float64 // favorites per user (lognormal)
	uploadMu, uploadSigma   float64 // uploads per user (lognormal)
	contactMu, contactSigma float64 // people a user follows (lognormal)
	// appealSigma and qualSigma spread a photo's weight (owner appeal x photo quality, both
	// lognormal): favorites per photo (p50 18, p90 45) and per photographer (p99 about 2,100).
	appealSigma, qualSigma float64
	appealCorr             float64 // correlation of log appeal with log activity (favorites given)
	// uploadCorr correlates log uploads with log appeal: the photographers people come back to are
	// prolific (a held-out fave by an owner already faved has a median of 33 more photos to find).
	uploadCorr float64
	// shootOwn is the share of photographers who shoot the topic they fave: the photographers a
	// member faves are weak taste neighbours (Flexplore's HR@10).
	shootOwn float64
	// friendShare of each member's follows are mutual friendships (23% of follows reciprocated);
	// followTopic of the rest stay in the member's taste topic, drawn with weight appeal^followAppeal.
	friendShare, followTopic, followAppeal float64
	// A fave comes from: an owner already faved (revisitShare, picked by how often), a followee
	// (contactShare; the followee picked with weight (their photos' total weight)^contactPick, so
	// 30% of followees are ever faved and those get 3.3 faves each), a photo of the taste topics
	// (topicShare), else a passing fave anywhere with weight^passExp (the popularity baseline).
	revisitShare, contactShare, contactPick, topicShare, passExp float64
	// fanSigma spreads the appeal a photo has to its owner's fans (lognormal), which revisits pick
	// by and nothing else sees: the co-favers of an owner agree on which of their photos to fave.
	fanSigma   float64
	start, end int64
}

func (o WorldOptions) params() genParams {
	p := genParams{users: o.Users, topics: o.Topics, faveSigma: 1.3, uploadSigma: 1.35, contactSigma: 0.55,
		appealSigma: 0.5, qualSigma: 0.4, appealCorr: 0.3, uploadCorr: 0.5, shootOwn: 0.2,
		friendShare: 0.2, followTopic: 0.75, followAppeal: 2,
		revisitShare: 0.12, contactShare: o.ContactShare, contactPick: 0.8, topicShare: 0.34, passExp: 1.6,
		fanSigma: 1.5}
	if p.users <= 0 {
		p.users = 300
	}
	if p.topics <= 0 {
		p.topics = min(max(p.users/60, 4), 800)
	}
	p.faveMu = math.Log(77)
	if o.Faves > 0 {
		p.faveMu = math.Log(float64(o.Faves)/float64(p.users)) - p.faveSigma*p.faveSigma/2
	}
	up := o.UploadsMedian
	if up <= 0 {
		up = 3
	}
	p.uploadMu = math.Log(up)
	c := o.ContactsMedian
	if c <= 0 {
		c = 38
	}
	p.contactMu = math.Log(c)
	if p.contactShare <= 0 {
		p.contactShare = 0.2
	}
	p.start, p.end = o.Start.Unix(), o.End.Unix()
	if o.Start.IsZero() {
		p.start = time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	}
	if o.End.IsZero() {
		p.end = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	}
	if p.end <= p.start {
		p.end = p.start + 365*24*3600
	}
	return p
}

// mix is SplitMix64: a cheap, well-spread hash for derived per-entity values.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func lognormal(r *rand.Rand, mu, sigma float64) float64 { return math.Exp(mu + sigma*r.NormFloat64()) }

// cumPick returns the index i in [lo, hi) with cum[i-1] < x <= cum[i], where x is uniform over the
// weights of that range (cum is an inclusive prefix sum).
func cumPick(r *rand.Rand, cum []float64, lo, hi int) int {
	base := 0.0
	if lo > 0 {
		base = cum[lo-1]
	}
	x := base + r.Float64()*(cum[hi-1]-base)
	for lo < hi-1 { // smallest i in [lo, hi-1] with cum[i] >= x
		mid := int(uint(lo+hi-1) >> 1)
		if cum[mid] < x {
			lo = mid + 1
		} else {
			hi = mid + 1
		}
	}
	return lo
}

// groups lists the members of each group contiguously: members of group g are
// list[off[g]:off[g+1]], in index order.
func groups(of []uint16, n int) (off, list []int32) {
	off = make([]int32, n+1)
	for _, g := range of {
		off[int(g)+1]++
	}
	for g := range n {
		off[g+1] += off[g]
	}
	list = make([]int32, len(of))
	fill := slices.Clone(off[:n])
	for i, g := range of {
		list[fill[g]] = int32(i)
		fill[g]++
	}
	return off, list
}

// cumOver is the inclusive prefix sum of weight over list, restarting at every group boundary.
func cumOver(off, list []int32, weight func(int32) float64) []float64 {
	cum := make([]float64, len(list))
	for g := range len(off) - 1 {
		acc := 0.0
		for i := off[g]; i < off[g+1]; i++ {
			acc += weight(list[i])
			cum[i] = acc
		}
	}
	return cum
}

// Generate builds a world from opts. It is deterministic: the same options give the same world
// on any machine and any number of CPUs.
func Generate(opts WorldOptions) *World {
	p := opts.params()
	seed := uint64(opts.Seed)
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	w := &World{seed: seed, start: p.start, end: p.end,
		deleted: map[int32]bool{}, added: map[int32][]uint64{}, removed: map[int32]map[int32]bool{},
		comments: map[int32][]Comment{}}
	span := float64(p.end - p.start)
	U := p.users

	// Topics have lognormal sizes, so some tastes are common and some niche.
	topicCum := make([]float64, p.topics)
	acc := 0.0
	for t := range topicCum {
		acc += lognormal(r, 0, 0.5)
		topicCum[t] = acc
	}

	topicA := make([]uint16, U)
	topicB := make([]uint16, U)
	shoot := make([]uint16, U)
	target := make([]int, U)
	appeal := make([]float64, U)
	uploads := make([]int, U)
	nContacts := make([]int, U)
	w.joined = make([]uint32, U)
	for u := range U {
		topicA[u] = uint16(cumPick(r, topicCum, 0, p.topics))
		topicB[u] = uint16(cumPick(r, topicCum, 0, p.topics))
		// What a photographer shoots is often not what they fave (their faves follow topicA).
		shoot[u] = topicA[u]
		if r.Float64() >= p.shootOwn {
			shoot[u] = uint16(cumPick(r, topicCum, 0, p.topics))
		}
		z := r.NormFloat64()
		target[u] = max(1, int(math.Round(math.Exp(p.faveMu+p.faveSigma*z))))
		a := p.appealCorr*z + math.Sqrt(1-p.appealCorr*p.appealCorr)*r.NormFloat64()
		appeal[u] = math.Exp(p.appealSigma * a)
		up := p.uploadCorr*a + math.Sqrt(1-p.uploadCorr*p.uploadCorr)*r.NormFloat64()
		uploads[u] = min(max(1, int(math.Round(math.Exp(p.uploadMu+p.uploadSigma*up)))), 3000)
		nContacts[u] = min(int(math.Round(lognormal(r, p.contactMu, p.contactSigma))), U-1)
		w.joined[u] = uint32(p.start + int64(span*0.8*math.Pow(r.Float64(), 1.5)))
	}
	w.makeNames(U)

	// Photos, contiguous per owner, with a popularity weight = owner appeal * photo quality.
	w.photoStart = make([]int32, U+1)
	for u := range U {
		w.photoStart[u+1] = w.photoStart[u] + int32(uploads[u])
	}
	nPhotos := int(w.photoStart[U])
	w.photoOwner = make([]int32, nPhotos)
	w.photoUp = make([]uint32, nPhotos)
	w.photoTopic = make([]uint16, nPhotos)
	weight := make([]float64, nPhotos)
	cumAll := make([]float64, nPhotos)
	cumPass := make([]float64, nPhotos)
	acc = 0
	for u := range U {
		for ph := w.photoStart[u]; ph < w.photoStart[u+1]; ph++ {
			w.photoOwner[ph] = int32(u)
			j := int64(w.joined[u])
			w.photoUp[ph] = uint32(j + int64(r.Float64()*float64(p.end-j)))
			w.photoTopic[ph] = shoot[u]
			if r.Float64() < 0.1 {
				w.photoTopic[ph] = topicB[u]
			}
			weight[ph] = appeal[u] * lognormal(r, 0, p.qualSigma)
			acc += weight[ph]
			cumAll[ph] = acc
		}
	}
	acc = 0
	for ph := range nPhotos {
		acc += math.Pow(weight[ph], p.passExp)
		cumPass[ph] = acc
	}
	// Revisits pick an owner's photos by weight times their appeal to fans.
	cumRev := make([]float64, nPhotos)
	acc = 0
	for ph := range nPhotos {
		acc += weight[ph] * lognormal(r, 0, p.fanSigma)
		cumRev[ph] = acc
	}
	for u := range U {
		target[u] = min(target[u], max(1, (nPhotos-uploads[u])/3), 20000)
	}

	// Each topic gets a cumulative-weight table over its photos.
	topicOff, topicPhoto := groups(w.photoTopic, p.topics)
	topicPhotoCum := cumOver(topicOff, topicPhoto, func(ph int32) float64 { return weight[ph] })

	w.makeContacts(r, p, topicA, appeal, nContacts)

	// Favorites: per-user streams so workers can fill users in parallel and stay deterministic.
	w.faveOff = make([]int64, U+1)
	for u := range U {
		w.faveOff[u+1] = w.faveOff[u] + int64(target[u])
	}
	buf := make([]uint64, w.faveOff[U])
	got := make([]int, U)
	g := genFaves{w: w, p: p, topicA: topicA, topicB: topicB, cumAll: cumAll, cumPass: cumPass, cumRev: cumRev,
		topicOff: topicOff, topicPhoto: topicPhoto, topicCum: topicPhotoCum}
	workers := max(1, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for k := range workers {
		wg.Go(func() {
			seen := make([]uint32, nPhotos)
			for u := k; u < U; u += workers {
				out := buf[w.faveOff[u]:w.faveOff[u+1]]
				got[u] = g.user(u, out, seen)
			}
		})
	}
	wg.Wait()
	n := int64(0)
	for u := range U {
		n += int64(got[u])
	}
	w.faves = make([]uint64, 0, n)
	off := int64(0)
	for u := range U {
		w.faves = append(w.faves, buf[w.faveOff[u]:w.faveOff[u]+int64(got[u])]...)
		w.faveOff[u] = off
		off += int64(got[u])
	}
	w.faveOff[U] = off
	return w
}

func (w *World) makeNames(U int) {
	w.nsid = make([]string, U)
	w.username = make([]string, U)
	w.realname = make([]string, U)
	w.alias = make([]string, U)
	w.icon = make([]uint16, U)
	w.byNSID = make(map[string]int32, U)
	w.byName = make(map[string]int32, U)
	w.byAlias = make(map[string]int32, U/2)
	for u := range U {
		h := mix(w.seed ^ mix(uint64(u)))
		num := 10_000_000 + uint64(u)*131 + h%131
		w.nsid[u] = strconv.FormatUint(num, 10) + "@N0" + strconv.Itoa(int(1+(h>>40)%8))
		name := makeUsername(h, u)
		for k := 2; ; k++ {
			if _, dup := w.byName[lower(name)]; !dup {
				break
			}
			name = makeUsername(h, u) + strconv.Itoa(k)
		}
		w.username[u] = name
		w.realname[u] = makeRealname(h)
		if (h>>20)%5 < 2 {
			a := asciiFold(name)
			if len(a) < 3 {
				a = "user" + a
			}
			for k := 2; ; k++ {
				if _, dup := w.byAlias[a]; !dup {
					break
				}
				a = asciiFold(name) + strconv.Itoa(k)
			}
			w.alias[u] = a
			w.byAlias[a] = int32(u)
		}
		if (h>>28)%7 != 0 {
			w.icon[u] = []uint16{65535, 7372, 4021, 1862}[(h>>48)%4]
		}
		w.byNSID[w.nsid[u]] = int32(u)
		w.byName[lower(name)] = int32(u)
	}
}

// makeContacts draws the follow graph: each user follows about n[u] people. A friendShare share
// of them are mutual friendships with someone of the same taste topic (both follow each other);
// the rest are one-way follows of photographers weighted by appeal^followAppeal, within the taste
// topic (followTopic) or anywhere.
func (w *World) makeContacts(r *rand.Rand, p genParams, topicA []uint16, appeal []float64, n []int) {
	U := p.users
	off, byTopic := groups(topicA, p.topics)
	wt := func(u int32) float64 { return math.Pow(appeal[u], p.followAppeal) }
	topicCum := cumOver(off, byTopic, wt)
	globalCum := make([]float64, U)
	acc := 0.0
	for u := range U {
		acc += wt(int32(u))
		globalCum[u] = acc
	}
	follows := make([][]int32, U)
	has := func(a, b int32) bool { return slices.Contains(follows[a], b) }
	// Mutual friendships first: each user starts half of their share, so both ends add one.
	for u := range U {
		t := topicA[u]
		lo, hi := int(off[t]), int(off[t+1])
		k := int(math.Round(float64(n[u]) * p.friendShare / 2))
		for tries := 0; k > 0 && tries < 4*k && hi-lo > 1; tries++ {
			v := byTopic[lo+r.IntN(hi-lo)]
			if int(v) == u || has(int32(u), v) {
				continue
			}
			follows[u] = append(follows[u], v)
			follows[v] = append(follows[v], int32(u))
			k--
		}
	}
	for u := range U {
		t := topicA[u]
		lo, hi := int(off[t]), int(off[t+1])
		for tries := 0; len(follows[u]) < n[u] && tries < 4*n[u]; tries++ {
			var c int32
			if r.Float64() < p.followTopic && hi-lo > 1 {
				c = byTopic[cumPick(r, topicCum, lo, hi)]
			} else {
				c = int32(cumPick(r, globalCum, 0, U))
			}
			if int(c) == u || has(int32(u), c) {
				continue
			}
			follows[u] = append(follows[u], c)
		}
	}
	w.contactOff = make([]int32, U+1)
	for u := range U {
		slices.Sort(follows[u])
		w.contacts = append(w.contacts, follows[u]...)
		w.contactOff[u+1] = int32(len(w.contacts))
	}
}

type genFaves struct {
	w                       *World
	p                       genParams
	topicA, topicB          []uint16
	cumAll, cumPass, cumRev []float64
	topicOff, topicPhoto    []int32
	topicCum                []float64
}

// user fills out with user u's favorites (newest first) and returns how many it made. Every fave
// draws its source (genParams: an owner already faved, a followee, the taste topics, passing by);
// own photos and repeats are drawn again.
func (g *genFaves) user(u int, out []uint64, seen []uint32) int {
	w := g.w
	r := rand.New(rand.NewPCG(w.seed^0xfa7e5, uint64(u)))
	stamp := uint32(u + 1)
	contacts := w.contacts[w.contactOff[u]:w.contactOff[u+1]]
	contactCum := make([]float64, len(contacts))
	acc := 0.0
	for i, c := range contacts {
		lo, hi := w.photoStart[c], w.photoStart[c+1]
		tw := g.cumAll[hi-1]
		if lo > 0 {
			tw -= g.cumAll[lo-1]
		}
		acc += math.Pow(tw, g.p.contactPick)
		contactCum[i] = acc
	}
	faved := make([]int32, 0, len(out)) // owners of the faves so far, once per fave
	n := 0
	for tries := 0; n < len(out) && tries < 4*len(out)+16; tries++ {
		x := r.Float64()
		var ph int
		switch {
		case x < g.p.revisitShare && len(faved) > 0:
			o := faved[r.IntN(len(faved))]
			ph = cumPick(r, g.cumRev, int(w.photoStart[o]), int(w.photoStart[o+1]))
		case x < g.p.revisitShare+g.p.contactShare && len(contacts) > 0:
			c := contacts[cumPick(r, contactCum, 0, len(contacts))]
			ph = cumPick(r, g.cumAll, int(w.photoStart[c]), int(w.photoStart[c+1]))
		case x < g.p.revisitShare+g.p.contactShare+g.p.topicShare:
			t := g.topicA[u]
			if r.Float64() < 0.25 {
				t = g.topicB[u]
			}
			lo, hi := int(g.topicOff[t]), int(g.topicOff[t+1])
			if lo == hi {
				continue
			}
			ph = int(g.topicPhoto[cumPick(r, g.topicCum, lo, hi)])
		default:
			ph = cumPick(r, g.cumPass, 0, len(g.cumPass))
		}
		if int(w.photoOwner[ph]) == u || seen[ph] == stamp {
			continue
		}
		seen[ph] = stamp
		faved = append(faved, w.photoOwner[ph])
		lo := max(int64(w.joined[u]), int64(w.photoUp[ph]))
		at := lo + int64(r.Float64()*float64(w.end-lo))
		out[n] = uint64(at)<<32 | uint64(ph)
		n++
	}
	slices.Sort(out[:n])
	slices.Reverse(out[:n])
	return n
}

// lower folds case for lookups (upper then lower, so Greek final sigma matches its capital).
func lower(s string) string { return strings.ToLower(strings.ToUpper(s)) }
