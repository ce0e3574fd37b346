package flickrtest

import (
	"fmt"
	"io"
	"math"
	"slices"
)

// Dist summarises one quantity's distribution.
type Dist struct {
	P10, P25, P50, P75, P90, P99 float64
	Mean, Max                    float64
	N                            int // how many values
}

func distOf(v []float64) Dist {
	if len(v) == 0 {
		return Dist{}
	}
	slices.Sort(v)
	q := func(p float64) float64 { return v[min(len(v)-1, int(math.Floor(p*float64(len(v)))))] }
	sum := 0.0
	for _, x := range v {
		sum += x
	}
	return Dist{P10: q(.10), P25: q(.25), P50: q(.50), P75: q(.75), P90: q(.90), P99: q(.99),
		Mean: sum / float64(len(v)), Max: v[len(v)-1], N: len(v)}
}

// Stats are the world's shape figures, named as in reference/flickr-world-stats.md.
type Stats struct {
	FavesPerUser       Dist
	FavesPerPhoto      Dist // photos with at least one fave
	UploadsPerPhotog   Dist // faved photos per photographer with at least one faved photo
	NeighborsPerUser   Dist // distinct photographers among a user's faves
	FavesPerUserPhotog Dist // faves one user gives one photographer
	ContactsPerUser    Dist
	ContactFaveShare   float64 // share of faves that go to photos by the faver's contacts
	Reciprocated       float64 // share of contact edges a -> b where b also has a as a contact (all users)
}

// Targets are the real-Flickr sample's figures (reference/flickr-world-stats.md).
var Targets = Stats{
	FavesPerUser:       Dist{P10: 18, P25: 33, P50: 77, P75: 186, P90: 406, P99: 1484, Mean: 172, Max: 5345},
	FavesPerPhoto:      Dist{P10: 11, P25: 13, P50: 18, P75: 28, P90: 45, P99: 101, Mean: 24, Max: 446},
	UploadsPerPhotog:   Dist{P10: 1, P25: 1, P50: 3, P75: 6, P90: 16, P99: 72, Mean: 7.1, Max: 279},
	NeighborsPerUser:   Dist{P10: 15, P25: 26, P50: 51, P75: 106, P90: 197, P99: 493, Mean: 86, Max: 1408},
	FavesPerUserPhotog: Dist{P10: 1, P25: 1, P50: 1, P75: 2, P90: 3, P99: 17, Mean: 2.0, Max: 209},
	ContactsPerUser:    Dist{P10: 15, P25: 24, P50: 38, P75: 56, P90: 74, P99: 115, Mean: 42, Max: 178},
	ContactFaveShare:   0.246,
	Reciprocated:       0.228,
}

// Stats measures the generated world (writes through the server not included). With minFaves > 0
// it first keeps, like the real sample, only users and photos with at least minFaves favorites
// (one pass, not iterated).
func (w *World) Stats(minFaves int) Stats {
	U := len(w.nsid)
	P := len(w.photoOwner)
	photoFaves := make([]int32, P)
	for _, f := range w.faves {
		photoFaves[f&0xffffffff]++
	}
	keepUser := func(u int) bool { return int(w.faveOff[u+1]-w.faveOff[u]) >= minFaves }
	keepPhoto := func(ph int32) bool { return int(photoFaves[ph]) >= minFaves && photoFaves[ph] > 0 }

	var perUser, neighbors, perPair, contacts []float64
	perPhoto := make([]int32, P)
	ownerCount := make([]int32, U)
	ownerStamp := make([]int32, U)
	contactStamp := make([]int32, U)
	for i := range ownerStamp {
		ownerStamp[i], contactStamp[i] = -1, -1
	}
	total, toContacts := 0, 0
	var touched []int32
	for u := range U {
		contacts = append(contacts, float64(w.contactOff[u+1]-w.contactOff[u]))
		if !keepUser(u) {
			continue
		}
		for _, c := range w.contacts[w.contactOff[u]:w.contactOff[u+1]] {
			contactStamp[c] = int32(u)
		}
		touched = touched[:0]
		n := 0
		for _, f := range w.faves[w.faveOff[u]:w.faveOff[u+1]] {
			ph := int32(f & 0xffffffff)
			if !keepPhoto(ph) {
				continue
			}
			n++
			perPhoto[ph]++
			o := w.photoOwner[ph]
			if contactStamp[o] == int32(u) {
				toContacts++
			}
			if ownerStamp[o] != int32(u) {
				ownerStamp[o] = int32(u)
				ownerCount[o] = 0
				touched = append(touched, o)
			}
			ownerCount[o]++
		}
		total += n
		perUser = append(perUser, float64(n))
		neighbors = append(neighbors, float64(len(touched)))
		for _, o := range touched {
			perPair = append(perPair, float64(ownerCount[o]))
		}
	}
	var perPhotoV, uploads []float64
	for u := range U {
		k := 0
		for ph := w.photoStart[u]; ph < w.photoStart[u+1]; ph++ {
			if perPhoto[ph] > 0 {
				perPhotoV = append(perPhotoV, float64(perPhoto[ph]))
				k++
			}
		}
		if k > 0 {
			uploads = append(uploads, float64(k))
		}
	}
	s := Stats{FavesPerUser: distOf(perUser), FavesPerPhoto: distOf(perPhotoV), UploadsPerPhotog: distOf(uploads),
		NeighborsPerUser: distOf(neighbors), FavesPerUserPhotog: distOf(perPair), ContactsPerUser: distOf(contacts)}
	if total > 0 {
		s.ContactFaveShare = float64(toContacts) / float64(total)
	}
	mutual := 0
	for u := range U {
		for _, c := range w.contacts[w.contactOff[u]:w.contactOff[u+1]] {
			if _, back := slices.BinarySearch(w.contacts[w.contactOff[c]:w.contactOff[c+1]], int32(u)); back {
				mutual++
			}
		}
	}
	if len(w.contacts) > 0 {
		s.Reciprocated = float64(mutual) / float64(len(w.contacts))
	}
	return s
}

// WriteTable prints got next to want as a Markdown table.
func (s Stats) WriteTable(out io.Writer, want Stats) error {
	rows := []struct {
		name      string
		got, want Dist
	}{
		{"favorites per user", s.FavesPerUser, want.FavesPerUser},
		{"favorites per photo", s.FavesPerPhoto, want.FavesPerPhoto},
		{"uploads (faved) per photographer", s.UploadsPerPhotog, want.UploadsPerPhotog},
		{"distinct photographers per user", s.NeighborsPerUser, want.NeighborsPerUser},
		{"favorites a user gives one photographer", s.FavesPerUserPhotog, want.FavesPerUserPhotog},
		{"contacts per user", s.ContactsPerUser, want.ContactsPerUser},
	}
	if _, err := fmt.Fprintln(out, "| quantity | p10 | p25 | p50 | p75 | p90 | p99 | mean | max |\n|---|---|---|---|---|---|---|---|---|"); err != nil {
		return err
	}
	for _, r := range rows {
		g, t := r.got, r.want
		if _, err := fmt.Fprintf(out, "| %s | %g (%g) | %g (%g) | %g (%g) | %g (%g) | %g (%g) | %g (%g) | %.1f (%g) | %g (%g) |\n",
			r.name, g.P10, t.P10, g.P25, t.P25, g.P50, t.P50, g.P75, t.P75, g.P90, t.P90, g.P99, t.P99,
			g.Mean, t.Mean, g.Max, t.Max); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(out, "\nfavorites to contacts: %.1f%% (%.1f%%); contacts reciprocated: %.1f%% (%.1f%%)\n",
		100*s.ContactFaveShare, 100*want.ContactFaveShare, 100*s.Reciprocated, 100*want.Reciprocated)
	return err
}
