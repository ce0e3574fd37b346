package graph

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParamKey names one ranking constant of Params, for eval's --set and --sweep.
type ParamKey struct {
	Name string
	Doc  string
	get  func(p *Params) float64
	set  func(p *Params, v float64) error
}

// float is a ParamKey over a float64 field.
func float(name, doc string, field func(p *Params) *float64) ParamKey {
	return ParamKey{name, doc,
		func(p *Params) float64 { return *field(p) },
		func(p *Params, v float64) error { *field(p) = v; return nil }}
}

// count is a ParamKey over a non-negative int field.
func count(name, doc string, field func(p *Params) *int) ParamKey {
	return ParamKey{name, doc,
		func(p *Params) float64 { return float64(*field(p)) },
		func(p *Params, v float64) error {
			if v < 0 || v != math.Trunc(v) || v > math.MaxInt32 {
				return fmt.Errorf("graph: %s: %v is not a whole number >= 0", name, v)
			}
			*field(p) = int(v)
			return nil
		}}
}

// ParamKeys are the constants of Params by name. AlgorithmInfo.Params lists the ones each
// algorithm ranks with.
var ParamKeys = []ParamKey{
	float("scale", "Flexplore scale", func(p *Params) *float64 { return &p.Flexplore.Scale }),
	float("prior", "Flexplore prior, added to a neighbor's total faves", func(p *Params) *float64 { return &p.Flexplore.Prior }),
	float("dismiss_weight", "common faves one dismissed photo cancels", func(p *Params) *float64 { return &p.Flexplore.DismissWeight }),
	float("alpha", "walk: exponent of each transition probability", func(p *Params) *float64 { return &p.Walk.Alpha }),
	float("beta", "walk: popularity penalty exponent", func(p *Params) *float64 { return &p.Walk.Beta }),
	count("walk_users", "walk: co-favers it goes on through, strongest first (0: all)", func(p *Params) *int { return &p.Walk.Users }),
	float("walk", "hybrid: weight of the walk", func(p *Params) *float64 { return &p.Hybrid.Walk }),
	float("owner", "hybrid: weight of owner affinity", func(p *Params) *float64 { return &p.Hybrid.Owner }),
	float("follow_photos", "hybrid and follows: weight of photos by people you follow", func(p *Params) *float64 { return &p.Hybrid.FollowPhotos }),
	float("contact_faves", "hybrid and follows: weight of faves of people you follow", func(p *Params) *float64 { return &p.Hybrid.ContactFaves }),
	float("owner_share_exp", "owner affinity: exponent of your share of faves by the owner", func(p *Params) *float64 { return &p.Hybrid.OwnerShareExp }),
	float("owner_count_exp", "owner affinity: exponent of the owner's photo count", func(p *Params) *float64 { return &p.Hybrid.OwnerCountExp }),
}

// Set sets the constant called name. An unknown name or a non-finite value is an error.
func (p *Params) Set(name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("graph: %s: %v is not a finite number", name, v)
	}
	for _, k := range ParamKeys {
		if k.Name == name {
			return k.set(p, v)
		}
	}
	return fmt.Errorf("graph: unknown ranking constant %q (known: %s)", name, strings.Join(paramNames(), ", "))
}

// Get returns the constant called name; ok is false for an unknown name.
func (p Params) Get(name string) (v float64, ok bool) {
	for _, k := range ParamKeys {
		if k.Name == name {
			return k.get(&p), true
		}
	}
	return 0, false
}

// Label formats the named constants of p, e.g. "alpha=0.6 beta=0.45"; unknown names are skipped.
func (p Params) Label(names []string) string {
	var b strings.Builder
	for _, n := range names {
		v, ok := p.Get(n)
		if !ok {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(n + "=" + strconv.FormatFloat(v, 'g', -1, 64))
	}
	return b.String()
}

func paramNames() []string {
	out := make([]string, len(ParamKeys))
	for i, k := range ParamKeys {
		out[i] = k.Name
	}
	return out
}
