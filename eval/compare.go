package eval

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
)

// Owner buckets of the breakdown: where the held-out photo's owner stands for the user.
const (
	OwnerFaved    = "owner_faved"    // the user faved another photo by the owner (in training)
	OwnerFollowed = "owner_followed" // else: the user follows the owner
	OwnerNeither  = "neither"
)

var bucketNames = []string{OwnerFaved, OwnerFollowed, OwnerNeither}

// Bucket is HR and NDCG at the smallest K over the users of one owner bucket.
type Bucket struct {
	Owner string  `json:"owner"`
	Users int     `json:"users"`
	HR    float64 `json:"hr"`
	NDCG  float64 `json:"ndcg"`
}

// categories returns each test user's bucket index, from their first held-out photo.
func categories(split Split) map[string]int {
	owners := map[string]map[string]bool{}
	for _, f := range split.Train {
		if split.Test[f.User] == nil {
			continue
		}
		if owners[f.User] == nil {
			owners[f.User] = map[string]bool{}
		}
		owners[f.User][f.Owner] = true
	}
	out := make(map[string]int, len(split.Test))
	for u, held := range split.Test {
		o := split.Owners[held[0]]
		switch {
		case owners[u][o]:
			out[u] = 0
		case slices.Contains(split.Follows[u], o):
			out[u] = 1
		default:
			out[u] = 2
		}
	}
	return out
}

// Paired is a paired comparison of two results over the same users at the smallest K.
type Paired struct {
	A, B               string
	Users              int
	Wins, Losses, Ties int     // users whose NDCG is higher, lower or equal under A than under B
	MeanDiff           float64 // mean NDCG of A minus B
	CILow, CIHigh      float64 // bootstrap 95% interval of MeanDiff
	HRA, HRB           float64
	NDCGA, NDCGB       float64
}

// Compare pairs a and b user by user (both from the same split and options) and bootstraps the
// mean NDCG difference rounds times with a generator seeded by seed.
func Compare(a, b Result, rounds int, seed uint64) (Paired, error) {
	if len(a.PerUser) != len(b.PerUser) || len(a.PerUser) == 0 {
		return Paired{}, fmt.Errorf("eval: compare %s and %s: not the same evaluated users", a.Algorithm, b.Algorithm)
	}
	p := Paired{A: label(a), B: label(b), Users: len(a.PerUser)}
	diff := make([]float64, len(a.PerUser))
	var sum float64
	for i := range a.PerUser {
		x, y := a.PerUser[i], b.PerUser[i]
		diff[i] = x.NDCG - y.NDCG
		sum += diff[i]
		p.HRA += x.HR
		p.HRB += y.HR
		p.NDCGA += x.NDCG
		p.NDCGB += y.NDCG
		switch {
		case x.NDCG > y.NDCG:
			p.Wins++
		case x.NDCG < y.NDCG:
			p.Losses++
		default:
			p.Ties++
		}
	}
	n := float64(len(diff))
	p.MeanDiff, p.HRA, p.HRB, p.NDCGA, p.NDCGB = sum/n, p.HRA/n, p.HRB/n, p.NDCGA/n, p.NDCGB/n
	r := rand.New(rand.NewPCG(seed, 0x626f6f74)) // "boot"
	means := make([]float64, rounds)
	for j := range means {
		var s float64
		for range diff {
			s += diff[r.IntN(len(diff))]
		}
		means[j] = s / n
	}
	slices.Sort(means)
	if rounds > 0 {
		p.CILow, p.CIHigh = means[int(0.025*float64(rounds))], means[min(rounds-1, int(0.975*float64(rounds)))]
	}
	return p, nil
}

func label(r Result) string {
	if r.Params == "" {
		return string(r.Algorithm)
	}
	return string(r.Algorithm) + " (" + r.Params + ")"
}

// WritePaired prints a paired comparison in words and figures.
func WritePaired(w io.Writer, p Paired, k int) error {
	_, err := fmt.Fprintf(w, "%s vs %s over %d users at K=%d: HR %.4f vs %.4f, NDCG %.4f vs %.4f; NDCG wins %d, losses %d, ties %d; mean NDCG difference %+.4f, bootstrap 95%% interval [%+.4f, %+.4f]\n",
		p.A, p.B, p.Users, k, p.HRA, p.HRB, p.NDCGA, p.NDCGB, p.Wins, p.Losses, p.Ties, p.MeanDiff, p.CILow, p.CIHigh)
	return err
}
