package graph

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParamKey names one ranking constant of Params, for eval's --set and --sweep.
type ParamKey struct {
	Name  string
	Doc   string
	field func(p *Params) *float64
}

// ParamKeys are the constants of Params by name. AlgorithmInfo.Params lists the ones each
// algorithm ranks with.
var ParamKeys = []ParamKey{
	{"scale", "Flexplore scale", func(p *Params) *float64 { return &p.Flexplore.Scale }},
	{"prior", "Flexplore prior, added to a neighbor's total faves", func(p *Params) *float64 { return &p.Flexplore.Prior }},
	{"dismiss_weight", "common faves one dismissed photo cancels", func(p *Params) *float64 { return &p.Flexplore.DismissWeight }},
	{"alpha", "walk: exponent of each transition probability", func(p *Params) *float64 { return &p.Walk.Alpha }},
	{"beta", "walk: popularity penalty exponent", func(p *Params) *float64 { return &p.Walk.Beta }},
	{"walk", "hybrid: weight of the walk", func(p *Params) *float64 { return &p.Hybrid.Walk }},
	{"owner", "hybrid: weight of owner affinity", func(p *Params) *float64 { return &p.Hybrid.Owner }},
	{"follow_photos", "hybrid and follows: weight of photos by people you follow", func(p *Params) *float64 { return &p.Hybrid.FollowPhotos }},
	{"contact_faves", "hybrid and follows: weight of faves of people you follow", func(p *Params) *float64 { return &p.Hybrid.ContactFaves }},
	{"owner_share_exp", "owner affinity: exponent of your share of faves by the owner", func(p *Params) *float64 { return &p.Hybrid.OwnerShareExp }},
	{"owner_count_exp", "owner affinity: exponent of the owner's photo count", func(p *Params) *float64 { return &p.Hybrid.OwnerCountExp }},
}

// Set sets the constant called name. An unknown name or a non-finite value is an error.
func (p *Params) Set(name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("graph: %s: %v is not a finite number", name, v)
	}
	for _, k := range ParamKeys {
		if k.Name == name {
			*k.field(p) = v
			return nil
		}
	}
	return fmt.Errorf("graph: unknown ranking constant %q (known: %s)", name, strings.Join(paramNames(), ", "))
}

// Get returns the constant called name; ok is false for an unknown name.
func (p Params) Get(name string) (v float64, ok bool) {
	for _, k := range ParamKeys {
		if k.Name == name {
			return *k.field(&p), true
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
