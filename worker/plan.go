package worker

import (
	"cmp"
	"math"
	"slices"

	"github.com/photorec/photorec/graph"
	"github.com/photorec/photorec/runs"
)

// The expected-value model of planFanOut, chosen with BenchmarkFanOutOrder (docs/pipeline.md).
const (
	// contactTaken is what following someone is worth, in graph.Neighbor.Taken units: a contact's
	// pulls go with those of a neighbor who took that many more of U's favorites.
	contactTaken = 2
	// photostreamShare is what a person's photostream is worth next to their favorites.
	photostreamShare = 0.1
	// firstPhotostreams: the photostreams of the owners U faves most go first of all, whatever
	// their worth: their photos nobody faved yet are what owner affinity alone can show.
	firstPhotostreams = 5
)

// fanPull is one pull of a run's fan-out: a person's favorites (flickr:pull-neighbor, written as
// their FAVED edges) or their newest public photos (flickr:pull-photos, written with AddPhotos).
type fanPull struct {
	nsid   string
	photos bool
}

// job is the pull's job id; one pull per job at a time, shared by every run that needs it.
func (f fanPull) job() string {
	if f.photos {
		return runs.PhotosJob(f.nsid)
	}
	return runs.NeighborJob(f.nsid)
}

// fanCaps bound a run's fan-out, each a count of candidates before freshness is checked, and
// weigh its order.
type fanCaps struct {
	neighbors     int // favorites of the first neighbors by graph.ByTaken
	ownerPhotos   int // photostreams of the first neighbors by graph.ByTaken: the owners U faves most
	contactFaves  int // favorites of contacts not among those neighbors, in contact order
	contactPhotos int // photostreams of contacts not among those owners, in contact order

	contactTaken      float64 // contactTaken
	photostreamShare  float64 // photostreamShare
	firstPhotostreams int     // firstPhotostreams
}

// planFanOut returns the candidate pulls of a run's fan-out, best first. ns are U's neighbors
// by graph.ByTaken; contacts are the people U follows, in the order Flickr listed them.
//
// Candidates: the favorites of the first caps.neighbors neighbors and the photostreams of the
// first caps.ownerPhotos, then the favorites of the first caps.contactFaves contacts and the
// photostreams of the first caps.contactPhotos contacts not already planned. Each person appears
// at most once per kind, and U never.
//
// Order: the photostreams of the first caps.firstPhotostreams neighbors, then every other pull by
// expected value, highest first: a person's favorites are worth their Taken (how many of U's
// favorites they took) plus caps.contactTaken when U follows them; their photostream is worth
// caps.photostreamShare of that. Ties keep neighbor rank, then contact order, favorites first.
func planFanOut(user string, ns []graph.Neighbor, contacts []string, caps fanCaps) []fanPull {
	type cand struct {
		fanPull
		value float64
		rank  int // position among neighbors, then among contacts after them
	}
	taken := make(map[string]int, len(ns))
	rank := make(map[string]int, len(ns)+len(contacts))
	for i, n := range ns {
		taken[n.User.NSID] = n.Taken
		rank[n.User.NSID] = i
	}
	following := make(map[string]bool, len(contacts))
	for _, c := range contacts {
		if _, ok := rank[c]; !ok {
			rank[c] = len(rank)
		}
		following[c] = true
	}
	var out []cand
	planned := map[fanPull]bool{}
	add := func(p fanPull) bool {
		if p.nsid == user || p.nsid == "" || planned[p] {
			return false
		}
		planned[p] = true
		v := float64(taken[p.nsid])
		if following[p.nsid] {
			v += caps.contactTaken
		}
		switch r := rank[p.nsid]; {
		case p.photos && r < caps.firstPhotostreams && r < len(ns):
			v = math.Inf(1)
		case p.photos:
			v *= caps.photostreamShare
		}
		out = append(out, cand{fanPull: p, value: v, rank: rank[p.nsid]})
		return true
	}
	for i, n := range ns {
		if i < caps.neighbors {
			add(fanPull{nsid: n.User.NSID})
		}
		if i < caps.ownerPhotos {
			add(fanPull{nsid: n.User.NSID, photos: true})
		}
	}
	faves, photos := 0, 0
	for _, c := range contacts {
		if faves < caps.contactFaves && add(fanPull{nsid: c}) {
			faves++
		}
		if photos < caps.contactPhotos && add(fanPull{nsid: c, photos: true}) {
			photos++
		}
	}
	slices.SortStableFunc(out, func(a, b cand) int {
		if c := cmp.Compare(b.value, a.value); c != 0 {
			return c
		}
		return cmp.Compare(a.rank, b.rank)
	})
	pulls := make([]fanPull, len(out))
	for i, c := range out {
		pulls[i] = c.fanPull
	}
	return pulls
}
