package server

import (
	"context"
	"encoding/json"
	"io/fs"
	"math"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/photorec/photorec/ui"
)

// justifiedCase is one call of Justified.layout and what it returned.
type justifiedCase struct {
	Items []struct {
		AR        float64 `json:"ar"`
		MaxHeight float64 `json:"maxHeight"`
	} `json:"items"`
	Width    float64 `json:"width"`
	Spacing  float64 `json:"spacing"`
	Target   float64 `json:"target"`
	HoldLast bool    `json:"holdLast"`
	Boxes    []struct {
		X, Y, W, H float64
	} `json:"boxes"`
	Height float64 `json:"height"`
	Shown  int     `json:"shown"`
	// Prefix is the same layout of the first half of the items, with holdLast.
	Prefix struct {
		Boxes []struct{ X, Y, W, H float64 } `json:"boxes"`
		Shown int                            `json:"shown"`
	} `json:"prefix"`
}

// TestJustifiedLayout runs ui/static/justified.js in Chromium on random photo shapes and
// widths and holds it to its contract: order kept, rows that fill the width exactly (the
// last one too, unless it stayed short), every photo in its own shape, no photo above its own
// size or the maximum height, and appending photos never moves a finished row.
func TestJustifiedLayout(t *testing.T) {
	b := newTab(t)
	src, err := fs.ReadFile(ui.Static(), "justified.js")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](string(src)+`;
(() => {
  let seed = 7;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const shapes = [4 / 3, 3 / 2, 3 / 4, 2 / 3, 1, 16 / 9, 3, 0.4];
  const out = [];
  for (let c = 0; c < 300; c++) {
    const n = 1 + Math.floor(rnd() * 60);
    const items = [];
    for (let i = 0; i < n; i++) items.push({ ar: shapes[Math.floor(rnd() * shapes.length)], maxHeight: rnd() < 0.1 ? 120 + Math.floor(rnd() * 200) : 0 });
    const width = 280 + Math.floor(rnd() * 1400), spacing = [0, 4, 6][c % 3], target = Justified.rowHeight(width), holdLast = c % 2 === 0;
    const opts = { width, spacing, targetHeight: target, maxHeight: Math.round(target * 1.6), holdLast };
    const res = Justified.layout(items, opts);
    const prefix = Justified.layout(items.slice(0, Math.ceil(n / 2)), Object.assign({}, opts, { holdLast: true }));
    out.push({ items, width, spacing, target, holdLast, boxes: res.boxes, height: res.height, shown: res.shown, prefix: { boxes: prefix.boxes, shown: prefix.shown } });
  }
  return out;
})()`))
	if err != nil {
		t.Fatalf("run justified.js: %v", err)
	}
	var cases []justifiedCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	for ci, c := range cases {
		if len(c.Boxes) != c.Shown || c.Shown > len(c.Items) || (!c.HoldLast && c.Shown != len(c.Items)) {
			t.Fatalf("case %d: %d boxes, shown %d of %d (holdLast %v)", ci, len(c.Boxes), c.Shown, len(c.Items), c.HoldLast)
		}
		maxH := math.Round(c.Target * 1.6)
		bottom := 0.0
		for i := 0; i < len(c.Boxes); {
			// One row: the boxes sharing a y, left to right.
			j := i
			for j < len(c.Boxes) && c.Boxes[j].Y == c.Boxes[i].Y {
				j++
			}
			row := c.Boxes[i:j]
			if i > 0 && row[0].Y != bottom+c.Spacing {
				t.Fatalf("case %d: row at y=%v, want it right under the one before (%v + %v)", ci, row[0].Y, bottom, c.Spacing)
			}
			if row[0].X != 0 {
				t.Fatalf("case %d: row at y=%v starts at x=%v", ci, row[0].Y, row[0].X)
			}
			for k := 1; k < len(row); k++ {
				if row[k].X != row[k-1].X+row[k-1].W+c.Spacing {
					t.Fatalf("case %d: photo %d at x=%v, want right after the one before it", ci, i+k, row[k].X)
				}
			}
			end := row[len(row)-1].X + row[len(row)-1].W
			full := end == c.Width
			if end > c.Width {
				t.Fatalf("case %d: row at y=%v ends at %v, past the width %v", ci, row[0].Y, end, c.Width)
			}
			for k, bx := range row {
				it := c.Items[i+k]
				if bx.H > maxH || (it.MaxHeight > 0 && bx.H > it.MaxHeight) {
					t.Fatalf("case %d: photo %d shown %vpx high, above %v (its own size %v)", ci, i+k, bx.H, maxH, it.MaxHeight)
				}
				// Rounding to whole pixels bends a shape by at most a pixel or two.
				if math.Abs(bx.W-it.AR*bx.H) > 1+it.AR/2 {
					t.Fatalf("case %d: photo %d is %vx%v, want the shape %v", ci, i+k, bx.W, bx.H, it.AR)
				}
				if bx.H != row[0].H {
					t.Fatalf("case %d: photo %d is %vpx high in a row %vpx high", ci, i+k, bx.H, row[0].H)
				}
			}
			if !full && j < len(c.Boxes) && row[0].H < maxH {
				// A row that does not reach the edge must be one held at a maximum height.
				capped := false
				for k := range row {
					if mh := c.Items[i+k].MaxHeight; mh > 0 && row[0].H == mh {
						capped = true
					}
				}
				if !capped {
					t.Fatalf("case %d: row at y=%v ends at %v of %v", ci, row[0].Y, end, c.Width)
				}
			}
			bottom = row[0].Y + row[0].H
			i = j
		}
		if len(c.Boxes) > 0 && c.Height != bottom {
			t.Fatalf("case %d: height %v, last row ends at %v", ci, c.Height, bottom)
		}
		// Appending never moves a finished row: the held-back layout of the first half is a
		// prefix of the whole one.
		if c.HoldLast {
			for i, bx := range c.Prefix.Boxes {
				if bx != c.Boxes[i] {
					t.Fatalf("case %d: photo %d is at %+v with half the photos, %+v with all", ci, i, bx, c.Boxes[i])
				}
			}
		}
	}
}
