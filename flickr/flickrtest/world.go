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
	Topics         int       // latent taste clusters; 0 means Users/120 clamped to [4, 400]
	UploadsMedian  float64   // median photos per user (lognormal); 0 means 3
	ContactsMedian float64   // median contacts per user (lognormal); 0 means 38
	ContactShare   float64   // share of fave draws aimed at contacts' photos; 0 means 0.14 (about 25% then land on contacts)
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
	substyles     = 4
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

type genParams struct {
	users, topics            int
	faveMu, faveSigma        float64
	uploadMu, uploadSigma    float64
	contactMu, contactSigma  float64
	contactShare, topicShare float64
	revisitShare             float64
	start, end               int64
}

func (o WorldOptions) params() genParams {
	p := genParams{users: o.Users, topics: o.Topics, faveSigma: 1.3, uploadSigma: 1.35, contactSigma: 0.55,
		contactShare: o.ContactShare, topicShare: 0.58, revisitShare: 0.15}
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
		p.contactShare = 0.14
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
		acc += lognormal(r, 0, 0.7)
		topicCum[t] = acc
	}

	topicA := make([]uint16, U)
	topicB := make([]uint16, U)
	shoot := make([]uint16, U)
	sub := make([]uint8, U)
	target := make([]int, U)
	pop := make([]float64, U)
	uploads := make([]int, U)
	nContacts := make([]int, U)
	w.joined = make([]uint32, U)
	for u := range U {
		topicA[u] = uint16(cumPick(r, topicCum, 0, p.topics))
		topicB[u] = uint16(cumPick(r, topicCum, 0, p.topics))
		sub[u] = uint8(r.IntN(substyles))
		// What a photographer shoots is often not what they fave (their faves follow topicA).
		shoot[u] = topicA[u]
		if r.Float64() < 0.5 {
			shoot[u] = uint16(cumPick(r, topicCum, 0, p.topics))
		}
		z := r.NormFloat64()
		target[u] = max(1, int(math.Round(math.Exp(p.faveMu+p.faveSigma*z))))
		pop[u] = math.Exp(1.0*r.NormFloat64() + 0.3*z)
		uploads[u] = min(max(1, int(math.Round(lognormal(r, p.uploadMu, p.uploadSigma)))), 3000)
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
	photoSub := make([]uint8, nPhotos)
	cumAll := make([]float64, nPhotos)
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
			photoSub[ph] = sub[u]
			if r.Float64() < 0.7 {
				photoSub[ph] = uint8(r.IntN(substyles))
			}
			acc += pop[u] * lognormal(r, 0, 0.7)
			cumAll[ph] = acc
		}
	}
	for u := range U {
		target[u] = min(target[u], max(1, (nPhotos-uploads[u])/3), 20000)
	}

	// Cells (topic, substyle) each get a cumulative-weight table over their photos.
	cells := p.topics * substyles
	cellOff := make([]int32, cells+1)
	for ph := range nPhotos {
		cellOff[int(w.photoTopic[ph])*substyles+int(photoSub[ph])+1]++
	}
	for c := range cells {
		cellOff[c+1] += cellOff[c]
	}
	cellPhoto := make([]int32, nPhotos)
	fill := slices.Clone(cellOff[:cells])
	for ph := range nPhotos {
		c := int(w.photoTopic[ph])*substyles + int(photoSub[ph])
		cellPhoto[fill[c]] = int32(ph)
		fill[c]++
	}
	cellCum := make([]float64, nPhotos)
	for c := range cells {
		acc = 0
		for i := cellOff[c]; i < cellOff[c+1]; i++ {
			ph := cellPhoto[i]
			wt := cumAll[ph]
			if ph > 0 {
				wt -= cumAll[ph-1]
			}
			acc += wt
			cellCum[i] = acc
		}
	}

	w.makeContacts(r, p, topicA, pop, nContacts)

	// Favorites: per-user streams so workers can fill users in parallel and stay deterministic.
	w.faveOff = make([]int64, U+1)
	for u := range U {
		w.faveOff[u+1] = w.faveOff[u] + int64(target[u])
	}
	buf := make([]uint64, w.faveOff[U])
	got := make([]int, U)
	g := genFaves{w: w, p: p, topicA: topicA, topicB: topicB, sub: sub, cumAll: cumAll,
		cellOff: cellOff, cellPhoto: cellPhoto, cellCum: cellCum}
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

func (w *World) makeContacts(r *rand.Rand, p genParams, topicA []uint16, pop []float64, n []int) {
	U := p.users
	// users grouped by primary topic, with cumulative appeal, plus a global table
	byTopicOff := make([]int32, p.topics+1)
	for u := range U {
		byTopicOff[int(topicA[u])+1]++
	}
	for t := range p.topics {
		byTopicOff[t+1] += byTopicOff[t]
	}
	byTopic := make([]int32, U)
	fill := slices.Clone(byTopicOff[:p.topics])
	for u := range U {
		t := topicA[u]
		byTopic[fill[t]] = int32(u)
		fill[t]++
	}
	topicCum := make([]float64, U)
	for t := range p.topics {
		acc := 0.0
		for i := byTopicOff[t]; i < byTopicOff[t+1]; i++ {
			acc += pop[byTopic[i]]
			topicCum[i] = acc
		}
	}
	globalCum := make([]float64, U)
	acc := 0.0
	for u := range U {
		acc += pop[u]
		globalCum[u] = acc
	}
	w.contactOff = make([]int32, U+1)
	seen := make([]int32, U)
	for i := range seen {
		seen[i] = -1
	}
	list := make([]int32, 0, 256)
	for u := range U {
		list = list[:0]
		t := topicA[u]
		lo, hi := int(byTopicOff[t]), int(byTopicOff[t+1])
		for tries := 0; len(list) < n[u] && tries < 4*n[u]; tries++ {
			var c int32
			if r.Float64() < 0.75 && hi-lo > 1 {
				c = byTopic[cumPick(r, topicCum, lo, hi)]
			} else {
				c = int32(cumPick(r, globalCum, 0, U))
			}
			if int(c) == u || seen[c] == int32(u) {
				continue
			}
			seen[c] = int32(u)
			list = append(list, c)
		}
		slices.Sort(list)
		w.contacts = append(w.contacts, list...)
		w.contactOff[u+1] = int32(len(w.contacts))
	}
}

type genFaves struct {
	w                  *World
	p                  genParams
	topicA, topicB     []uint16
	sub                []uint8
	cumAll             []float64
	cellOff, cellPhoto []int32
	cellCum            []float64
}

// user fills out with user u's favorites (newest first) and returns how many it made.
func (g *genFaves) user(u int, out []uint64, seen []uint32) int {
	w := g.w
	r := rand.New(rand.NewPCG(w.seed^0xfa7e5, uint64(u)))
	stamp := uint32(u + 1)
	contacts := w.contacts[w.contactOff[u]:w.contactOff[u+1]]
	n := 0
	for tries := 0; n < len(out) && tries < 4*len(out)+16; tries++ {
		x := r.Float64()
		var ph int
		switch {
		case x < g.p.revisitShare && n > 0:
			o := w.photoOwner[out[r.IntN(n)]&0xffffffff]
			ph = cumPick(r, g.cumAll, int(w.photoStart[o]), int(w.photoStart[o+1]))
		case x < g.p.revisitShare+g.p.contactShare && len(contacts) > 0:
			c := contacts[r.IntN(len(contacts))]
			ph = cumPick(r, g.cumAll, int(w.photoStart[c]), int(w.photoStart[c+1]))
		case x < g.p.revisitShare+g.p.contactShare+g.p.topicShare:
			t := g.topicA[u]
			if r.Float64() < 0.25 {
				t = g.topicB[u]
			}
			s := int(g.sub[u])
			if r.Float64() < 0.2 {
				s = r.IntN(substyles)
			}
			c := int(t)*substyles + s
			lo, hi := int(g.cellOff[c]), int(g.cellOff[c+1])
			if lo == hi {
				continue
			}
			ph = int(g.cellPhoto[cumPick(r, g.cellCum, lo, hi)])
		default:
			ph = cumPick(r, g.cumAll, 0, len(g.cumAll))
		}
		if int(w.photoOwner[ph]) == u || seen[ph] == stamp {
			continue
		}
		seen[ph] = stamp
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
