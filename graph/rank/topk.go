package rank

import "sort"

// candidate is one ranked item: an index (photo or user), its score and its ID.
type candidate struct {
	idx   uint32
	score float64
	id    string
}

// before reports whether a ranks before b: score desc, then ID asc.
func before(a, b *candidate) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.id < b.id
}

// topK keeps the k best candidates seen, as a heap with the worst kept at the root.
type topK struct {
	k     int
	items []candidate
}

func (t *topK) reset(k int) { t.k, t.items = k, t.items[:0] }

// admits reports whether a candidate of this score could enter: a cheap test before the ID
// string is fetched.
func (t *topK) admits(score float64) bool {
	return len(t.items) < t.k || score >= t.items[0].score
}

func (t *topK) push(c candidate) {
	h := t.items
	if len(h) < t.k {
		h = append(h, c)
		for i := len(h) - 1; i > 0; {
			parent := (i - 1) / 2
			if !before(&h[parent], &h[i]) { // parent is already worse
				break
			}
			h[parent], h[i] = h[i], h[parent]
			i = parent
		}
		t.items = h
		return
	}
	if !before(&c, &h[0]) {
		return
	}
	h[0] = c
	for i := 0; ; {
		worst, l, r := i, 2*i+1, 2*i+2
		if l < len(h) && before(&h[worst], &h[l]) {
			worst = l
		}
		if r < len(h) && before(&h[worst], &h[r]) {
			worst = r
		}
		if worst == i {
			break
		}
		h[i], h[worst] = h[worst], h[i]
		i = worst
	}
}

// sorted returns the kept candidates best first.
func (t *topK) sorted() []candidate {
	sort.Slice(t.items, func(i, j int) bool { return before(&t.items[i], &t.items[j]) })
	return t.items
}
