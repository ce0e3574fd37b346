package flickrtest

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"
)

// Generated photos are drawn scenes: a topic of the world is a subject (sunset, forest, city, ...)
// painted in one of the subject's palettes, so the photos of one taste look alike and a person
// can see that recommendations fit what they faved. The composition of each photo (horizon,
// shapes, their sizes and places) comes from a PCG seeded by the photo's hash, in units of the
// frame, so every size of a photo shows the same picture; square sizes show its centre.

// subject is one kind of picture: the nouns of its titles, its palettes and how to draw it.
type subject struct {
	nouns    []string
	palettes []colors
	draw     func(c *canvas, r *rand.Rand, p colors)
}

// colors holds a subject's colours: sky (top, horizon), ground, and accents.
type colors struct {
	skyTop, skyLow, ground color.RGBA
	accents                []color.RGBA
}

func rgb(hex uint32) color.RGBA {
	return color.RGBA{uint8(hex >> 16), uint8(hex >> 8), uint8(hex), 255}
}

func rgbs(hexes ...uint32) []color.RGBA {
	out := make([]color.RGBA, len(hexes))
	for i, h := range hexes {
		out[i] = rgb(h)
	}
	return out
}

// subjects is every subject; topic t of a world is subjects[t%len] in colors t/len.
var subjects = []subject{
	{nouns: []string{"sunset", "dusk", "evening sky", "afterglow"}, draw: drawSunset, palettes: []colors{
		{rgb(0x2b1e5a), rgb(0xff8a3d), rgb(0x1a1326), rgbs(0xffe08a, 0xff5e62, 0x7a3b69)},
		{rgb(0x3a2a6b), rgb(0xffb36b), rgb(0x2a1d1a), rgbs(0xfff3b0, 0xff7b54, 0x93486a)},
		{rgb(0x14385e), rgb(0xf7a4a4), rgb(0x10202e), rgbs(0xfff1e0, 0xe86a92, 0x5d4a8a)},
	}},
	{nouns: []string{"forest", "pines", "woods", "trail"}, draw: drawForest, palettes: []colors{
		{rgb(0xbfd9e6), rgb(0xe8efe0), rgb(0x2f4a26), rgbs(0x1f3b1c, 0x2e5a2a, 0x40703a, 0x5d3a1a)},
		{rgb(0xd8d4c8), rgb(0xf1ece0), rgb(0x4a3b22), rgbs(0x8a3b12, 0xc0601e, 0xd9a02b, 0x4a2c14)},
		{rgb(0x9fb3b8), rgb(0xd5dcd8), rgb(0x23302a), rgbs(0x17261e, 0x23392c, 0x30503a, 0x3a2a1c)},
	}},
	{nouns: []string{"city", "skyline", "downtown", "street"}, draw: drawCity, palettes: []colors{
		{rgb(0x6fa8dc), rgb(0xd6e6f2), rgb(0x3a3a3a), rgbs(0x8c8c8c, 0xa89f91, 0x6d7b8a, 0xc9d6df)},
		{rgb(0x1b1f3b), rgb(0xe07a5f), rgb(0x1a1a1a), rgbs(0x3d3d52, 0x4a4060, 0x2f3447, 0xffd27f)},
		{rgb(0xa7c7e7), rgb(0xf4e1c1), rgb(0x4d4238), rgbs(0xc2a27c, 0xd9c3a5, 0x9c7a5b, 0xe9ecef)},
	}},
	{nouns: []string{"sea", "harbour", "coast", "waves"}, draw: drawSea, palettes: []colors{
		{rgb(0x4a90d9), rgb(0xcfe8f7), rgb(0xe8d6a8), rgbs(0x1e6091, 0x2a7fb8, 0xffffff, 0xc0392b)},
		{rgb(0x7fb8c4), rgb(0xf0f4e8), rgb(0xd9c89e), rgbs(0x2f7f7a, 0x48a9a6, 0xf7f7f2, 0x2d3047)},
		{rgb(0x5b6d8a), rgb(0xc9ced6), rgb(0x8a8172), rgbs(0x34495e, 0x4d6179, 0xe5e8ec, 0x7b2d26)},
	}},
	{nouns: []string{"mountains", "peaks", "valley", "summit"}, draw: drawMountains, palettes: []colors{
		{rgb(0x5d8fc9), rgb(0xdbe9f5), rgb(0x3f5e3a), rgbs(0x8fa5bf, 0x5f7896, 0x3e5470, 0xffffff)},
		{rgb(0xe9a15c), rgb(0xf9d9a8), rgb(0x4a3a30), rgbs(0xb07a6a, 0x7c5060, 0x4b3550, 0xfff0e0)},
		{rgb(0x8d99ae), rgb(0xd9dde3), rgb(0x4d5545), rgbs(0xa4acb9, 0x7b8494, 0x525a6a, 0xf4f6f8)},
	}},
	{nouns: []string{"portrait", "face", "self-portrait", "smile"}, draw: drawPortrait, palettes: []colors{
		{rgb(0x6b7b8c), rgb(0x9aa8b5), rgb(0x2c3e50), rgbs(0xf1c9a5, 0x3b2414, 0x8e2c2c, 0x2c3e50)},
		{rgb(0xc9b79c), rgb(0xe6dccb), rgb(0x6b4226), rgbs(0xc68642, 0x1c1007, 0xb03a2e, 0x3d5a80)},
		{rgb(0x2e2e38), rgb(0x4a4a58), rgb(0x7a1f3d), rgbs(0xe0ac69, 0x6e3b1e, 0xa4343a, 0x7a1f3d)},
	}},
	{nouns: []string{"flowers", "tulips", "garden", "bloom"}, draw: drawFlowers, palettes: []colors{
		{rgb(0x2d5a27), rgb(0x6a994e), rgb(0x3a5a40), rgbs(0xe63946, 0xff8fab, 0xffd166, 0xf1faee)},
		{rgb(0x1b3a2d), rgb(0x4f772d), rgb(0x31572c), rgbs(0x9d4edd, 0xc77dff, 0xffd60a, 0xe0aaff)},
		{rgb(0x3e5c3a), rgb(0x90a955), rgb(0x4f6d3a), rgbs(0xffb703, 0xfb8500, 0xffffff, 0xffe8a3)},
	}},
	{nouns: []string{"night sky", "city lights", "stars", "moonrise"}, draw: drawNight, palettes: []colors{
		{rgb(0x05070f), rgb(0x1b2a4a), rgb(0x0a0a12), rgbs(0xfff6d5, 0xffd27f, 0x38b000, 0x2c2c3a)},
		{rgb(0x0b0620), rgb(0x3a1f5d), rgb(0x100a1c), rgbs(0xf0e6ff, 0xff9f1c, 0x7bdff2, 0x2a1f3d)},
		{rgb(0x020c1b), rgb(0x0f3b4f), rgb(0x04121a), rgbs(0xe8f7ff, 0xffe66d, 0x52ffb8, 0x1c2b36)},
	}},
	{nouns: []string{"desert", "dunes", "sand", "canyon"}, draw: drawDesert, palettes: []colors{
		{rgb(0x6ca6d9), rgb(0xf2e3c6), rgb(0xd9a066), rgbs(0xe8b878, 0xc98b4e, 0xa8683a, 0xfff4d6)},
		{rgb(0xf28c5a), rgb(0xfbd3a1), rgb(0xc0703a), rgbs(0xe0894c, 0xb8602e, 0x8c4420, 0xfff0c0)},
		{rgb(0x9db4c0), rgb(0xefe6da), rgb(0xc2a383), rgbs(0xd8bd98, 0xb89a76, 0x94785a, 0xffffff)},
	}},
	{nouns: []string{"snow", "winter", "frost", "ice"}, draw: drawSnow, palettes: []colors{
		{rgb(0xaebfd0), rgb(0xe9eef3), rgb(0xf7f9fb), rgbs(0x2f3a40, 0xd5dee7, 0x9fb1c2, 0xffffff)},
		{rgb(0xf2c1a0), rgb(0xf8e6da), rgb(0xfaf4f0), rgbs(0x3a2e2a, 0xe8d8d0, 0xb9a39a, 0xffffff)},
		{rgb(0x6d7f93), rgb(0xc3ccd6), rgb(0xe6ebf0), rgbs(0x1f2a33, 0xb8c4d0, 0x7f93a8, 0xffffff)},
	}},
	{nouns: []string{"macro", "bokeh", "abstract", "light"}, draw: drawBokeh, palettes: []colors{
		{rgb(0x120c1f), rgb(0x2a1640), rgb(0x120c1f), rgbs(0xff6f91, 0xffc75f, 0xf9f871, 0x845ec2)},
		{rgb(0x04151f), rgb(0x183a37), rgb(0x04151f), rgbs(0x5adbb5, 0xefd6ac, 0xc44900, 0x9ad1d4)},
		{rgb(0x1a0f0a), rgb(0x432818), rgb(0x1a0f0a), rgbs(0xffb703, 0xfb8500, 0xffe8d6, 0xdda15e)},
	}},
	{nouns: []string{"lake", "reflections", "river", "calm water"}, draw: drawLake, palettes: []colors{
		{rgb(0x7fa7d1), rgb(0xe3eef7), rgb(0x2f5233), rgbs(0x3b6e8f, 0x1f4e3d, 0x2e6b4a, 0xf2f2f2)},
		{rgb(0xc97b84), rgb(0xf4d6cc), rgb(0x3d2b3d), rgbs(0x7d5a7a, 0x3d2b3d, 0x5b3f5b, 0xffe4d6)},
		{rgb(0x9aa6b2), rgb(0xe5e8eb), rgb(0x3c4a3e), rgbs(0x6f7f8f, 0x2f3b32, 0x46564a, 0xffffff)},
	}},
}

// subjectOf maps a world topic to its subject and colors.
func subjectOf(topic int) (*subject, colors) {
	s := &subjects[topic%len(subjects)]
	return s, s.palettes[(topic/len(subjects))%len(s.palettes)]
}

// canvas is the part of a full frame (fw x fh pixels) being rendered into img: img's pixel (0,0)
// is the frame's (offX, offY). Drawing calls take frame coordinates.
type canvas struct {
	img        *image.RGBA
	offX, offY float64
	fw, fh     float64
}

// newCanvas makes a w x h image showing a frame of aspect fw:fh: the whole frame, or, when the
// image is square and the frame not, its centred square crop.
func newCanvas(w, h, fw, fh int) *canvas {
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, w, h))}
	a := float64(fw) / float64(fh)
	switch {
	case w == h && a > 1: // square crop of a landscape frame
		c.fh, c.fw = float64(h), float64(h)*a
		c.offX = (c.fw - float64(w)) / 2
	case w == h && a < 1:
		c.fw, c.fh = float64(w), float64(w)/a
		c.offY = (c.fh - float64(h)) / 2
	default:
		c.fw, c.fh = float64(w), float64(h)
	}
	return c
}

// m is the frame's shorter side: the unit for sizes that must not stretch with the aspect.
func (c *canvas) m() float64 { return min(c.fw, c.fh) }

func blend(d []uint8, s color.RGBA, a float64) {
	if a >= 1 {
		d[0], d[1], d[2] = s.R, s.G, s.B
		return
	}
	if a <= 0 {
		return
	}
	d[0] = uint8(float64(d[0]) + (float64(s.R)-float64(d[0]))*a)
	d[1] = uint8(float64(d[1]) + (float64(s.G)-float64(d[1]))*a)
	d[2] = uint8(float64(d[2]) + (float64(s.B)-float64(d[2]))*a)
}

func mixColor(a, b color.RGBA, t float64) color.RGBA {
	t = min(max(t, 0), 1)
	return color.RGBA{uint8(float64(a.R) + (float64(b.R)-float64(a.R))*t), uint8(float64(a.G) + (float64(b.G)-float64(a.G))*t),
		uint8(float64(a.B) + (float64(b.B)-float64(a.B))*t), 255}
}

// shade scales a colour's brightness by f (f > 1 lightens towards white).
func shade(c color.RGBA, f float64) color.RGBA {
	if f > 1 {
		return mixColor(c, color.RGBA{255, 255, 255, 255}, f-1)
	}
	return mixColor(color.RGBA{0, 0, 0, 255}, c, f)
}

// rows calls fn for every image row whose centre lies in frame rows [y0, y1), with that centre.
func (c *canvas) rows(y0, y1 float64, fn func(py int, y float64)) {
	h := c.img.Rect.Dy()
	lo := max(0, int(math.Floor(y0-c.offY)))
	hi := min(h, int(math.Ceil(y1-c.offY)))
	for py := lo; py < hi; py++ {
		y := float64(py) + 0.5 + c.offY
		if y >= y0 && y < y1 {
			fn(py, y)
		}
	}
}

// span fills frame x in [x0, x1) of image row py, with partial cover at the ends.
func (c *canvas) span(py int, x0, x1 float64, col color.RGBA, alpha float64) {
	x0, x1 = x0-c.offX, x1-c.offX
	w := float64(c.img.Rect.Dx())
	x0, x1 = max(x0, 0), min(x1, w)
	if x1 <= x0 {
		return
	}
	row := c.img.Pix[py*c.img.Stride:]
	i0, i1 := int(x0), int(math.Ceil(x1))
	for px := i0; px < i1; px++ {
		cover := min(float64(px+1), x1) - max(float64(px), x0)
		blend(row[px*4:px*4+4], col, alpha*cover)
	}
}

// gradient fills frame rows [y0, y1) across the frame, from top to bottom colour.
func (c *canvas) gradient(y0, y1 float64, top, bottom color.RGBA) {
	c.rows(y0, y1, func(py int, y float64) {
		c.span(py, c.offX, c.offX+float64(c.img.Rect.Dx()), mixColor(top, bottom, (y-y0)/(y1-y0)), 1)
	})
}

func (c *canvas) rect(x0, y0, x1, y1 float64, col color.RGBA, alpha float64) {
	c.rows(y0, y1, func(py int, _ float64) { c.span(py, x0, x1, col, alpha) })
}

func (c *canvas) ellipse(cx, cy, rx, ry float64, col color.RGBA, alpha float64) {
	c.rows(cy-ry, cy+ry, func(py int, y float64) {
		d := (y - cy) / ry
		dx := rx * math.Sqrt(max(0, 1-d*d))
		c.span(py, cx-dx, cx+dx, col, alpha)
	})
}

// glow is a soft disc: alpha falls from a at the centre to 0 at radius r.
func (c *canvas) glow(cx, cy, r float64, col color.RGBA, a float64) {
	for k := 6; k >= 1; k-- {
		f := float64(k) / 6
		c.ellipse(cx, cy, r*f, r*f, col, a/6)
	}
}

// polygon fills a polygon (even-odd rule) given as frame points.
func (c *canvas) polygon(pts [][2]float64, col color.RGBA, alpha float64) {
	if len(pts) < 3 {
		return
	}
	y0, y1 := pts[0][1], pts[0][1]
	for _, p := range pts {
		y0, y1 = min(y0, p[1]), max(y1, p[1])
	}
	xs := make([]float64, 0, 8)
	c.rows(y0, y1, func(py int, y float64) {
		xs = xs[:0]
		for i := range pts {
			a, b := pts[i], pts[(i+1)%len(pts)]
			if (a[1] <= y) != (b[1] <= y) {
				xs = append(xs, a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
			}
		}
		slices.Sort(xs)
		for i := 0; i+1 < len(xs); i += 2 {
			c.span(py, xs[i], xs[i+1], col, alpha)
		}
	})
}

// ridge fills below a line through heights (frame y at evenly spaced x across the frame) down to
// the frame's bottom.
func (c *canvas) ridge(heights []float64, col color.RGBA, alpha float64) {
	pts := make([][2]float64, 0, len(heights)+2)
	for i, y := range heights {
		pts = append(pts, [2]float64{c.fw * float64(i) / float64(len(heights)-1), y})
	}
	pts = append(pts, [2]float64{c.fw, c.fh + 1}, [2]float64{0, c.fh + 1})
	c.polygon(pts, col, alpha)
}

// line draws a straight opaque stroke of the given width.
func (c *canvas) line(x0, y0, x1, y1, width float64, col color.RGBA) {
	dx, dy := x1-x0, y1-y0
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	nx, ny := -dy/l*width/2, dx/l*width/2
	c.polygon([][2]float64{{x0 + nx, y0 + ny}, {x1 + nx, y1 + ny}, {x1 - nx, y1 - ny}, {x0 - nx, y0 - ny}}, col, 1)
}

// finish adds film grain and a light vignette, the same at every size (seeded by h). It works in
// fixed point (1/1024): it touches every pixel of every image.
func (c *canvas) finish(h uint64) {
	img := c.img
	w, ht := img.Rect.Dx(), img.Rect.Dy()
	colTerm := make([]int, w) // the vignette's darkening by column
	for px := range colTerm {
		x := (float64(px)+0.5+c.offX)/c.fw - 0.5
		colTerm[px] = int(0.35 * x * x * 1024)
	}
	for py := range ht {
		y := (float64(py)+0.5+c.offY)/c.fh - 0.5
		rowBase := 1024 - int(0.35*y*y*1024)
		row := img.Pix[py*img.Stride:]
		state := mix(h^uint64(py+int(c.offY))<<20^uint64(c.offX)) | 1
		for px := range w {
			v := rowBase - colTerm[px]
			state ^= state << 13 // xorshift: grain
			state ^= state >> 7
			state ^= state << 17
			g := int(state&15) - 7
			for k := range 3 {
				row[px*4+k] = uint8(min(255, max(0, int(row[px*4+k])*v>>10+g)))
			}
			row[px*4+3] = 255
		}
	}
}

// sky paints the sky gradient down to the horizon y.
func sky(c *canvas, p colors, horizon float64) { c.gradient(0, horizon+1, p.skyTop, p.skyLow) }

func pick(r *rand.Rand, cs []color.RGBA) color.RGBA { return cs[r.IntN(len(cs))] }

// jag returns n+1 ridge heights around base, each within +-amp, smoothed by a random walk.
func jag(r *rand.Rand, n int, base, amp float64) []float64 {
	out := make([]float64, n+1)
	y := base + (r.Float64()-0.5)*amp
	for i := range out {
		y += (r.Float64() - 0.5) * amp * 0.9
		y = min(max(y, base-amp), base+amp)
		out[i] = y
	}
	return out
}

func drawSunset(c *canvas, r *rand.Rand, p colors) {
	hz := c.fh * (0.55 + 0.2*r.Float64())
	sky(c, p, hz)
	sunX, sunR := c.fw*(0.2+0.6*r.Float64()), c.m()*(0.06+0.06*r.Float64())
	c.glow(sunX, hz-sunR*0.3, sunR*4, p.accents[0], 0.5)
	c.ellipse(sunX, hz-sunR*0.3, sunR, sunR, p.accents[0], 1)
	for range 3 + r.IntN(4) { // clouds
		cy := hz * (0.2 + 0.6*r.Float64())
		cx, w := c.fw*r.Float64(), c.fw*(0.15+0.25*r.Float64())
		c.ellipse(cx, cy, w, c.m()*0.02, pick(r, p.accents[1:]), 0.55)
	}
	water := r.IntN(2) == 0
	if water {
		c.gradient(hz, c.fh+1, shade(p.skyLow, 0.7), p.ground)
		for y := hz + 2; y < c.fh; y += c.m() * 0.02 { // the sun's path on the water
			w := sunR * (0.6 + 1.4*r.Float64()) * (1 + (y-hz)/c.fh)
			c.rect(sunX-w, y, sunX+w, y+c.m()*0.006, p.accents[0], 0.6)
		}
	} else {
		c.ridge(jag(r, 24, hz, c.fh*0.04), p.ground, 1)
	}
	for range r.IntN(3) { // palm silhouettes on the horizon
		x, ht := c.fw*r.Float64(), c.m()*(0.15+0.15*r.Float64())
		lean := ht * 0.15 * (r.Float64() - 0.5)
		tx, ty := x+lean, hz-ht
		c.line(x, hz+2, (x+tx)/2+lean*0.3, hz-ht/2, c.m()*0.012, p.ground)
		c.line((x+tx)/2+lean*0.3, hz-ht/2, tx, ty, c.m()*0.01, p.ground)
		for k := range 7 { // fronds: out, then drooping
			a := math.Pi * (0.05 + 0.9*float64(k)/6)
			mx, my := tx+math.Cos(a)*ht*0.22, ty-math.Sin(a)*ht*0.12
			c.line(tx, ty, mx, my, c.m()*0.008, p.ground)
			c.line(mx, my, mx+math.Cos(a)*ht*0.12, my+ht*0.08, c.m()*0.006, p.ground)
		}
	}
}

func conifer(c *canvas, x, base, h float64, col color.RGBA) {
	c.rect(x-h*0.03, base-h*0.15, x+h*0.03, base, shade(col, 0.6), 1)
	for k := range 3 {
		top := base - h*(0.35+0.3*float64(k)) - h*0.05
		w := h * (0.28 - 0.07*float64(k))
		bot := base - h*0.12 - h*0.27*float64(k)
		c.polygon([][2]float64{{x, top}, {x + w, bot}, {x - w, bot}}, col, 1)
	}
}

func drawForest(c *canvas, r *rand.Rand, p colors) {
	hz := c.fh * (0.3 + 0.2*r.Float64())
	sky(c, p, hz)
	c.ridge(jag(r, 16, hz, c.fh*0.05), mixColor(p.skyLow, p.accents[1], 0.5), 1)
	c.gradient(hz+c.fh*0.05, c.fh+1, shade(p.ground, 1.2), p.ground)
	n := 10 + r.IntN(14)
	for i := range n { // far to near
		depth := float64(i) / float64(n)
		base := hz + c.fh*0.05 + (c.fh-hz)*depth*0.95
		h := c.m() * (0.15 + 0.55*depth) * (0.8 + 0.4*r.Float64())
		col := shade(p.accents[min(len(p.accents)-2, int(depth*3))], 0.8+0.4*r.Float64())
		x := c.fw * r.Float64()
		if p.accents[0].R > p.accents[0].G { // autumn palettes: round crowns on trunks
			c.rect(x-h*0.025, base-h*0.5, x+h*0.025, base, p.accents[len(p.accents)-1], 1)
			c.ellipse(x, base-h*0.65, h*0.28, h*0.3, col, 1)
			continue
		}
		conifer(c, x, base, h, col)
	}
}

func drawCity(c *canvas, r *rand.Rand, p colors) {
	street := c.fh * (0.82 + 0.1*r.Float64())
	sky(c, p, street)
	lit := p.accents[3]
	dusk := p.skyTop.B > p.skyTop.R+40 && p.skyTop.R < 80
	for layer := range 2 {
		x := -c.fw * 0.05 * r.Float64()
		for x < c.fw {
			w := c.m() * (0.08 + 0.14*r.Float64())
			top := street - c.fh*(0.25+0.45*r.Float64())*(0.7+0.3*float64(layer))
			col := pick(r, p.accents[:3])
			if layer == 0 {
				col = mixColor(col, p.skyLow, 0.45)
			}
			c.rect(x, top, x+w, street, col, 1)
			if layer == 1 { // windows
				ww, wh := w/7, c.m()*0.025
				for wy := top + wh; wy < street-wh*1.5; wy += wh * 1.8 {
					for wx := x + ww; wx < x+w-ww; wx += ww * 2 {
						wc := shade(col, 0.7)
						if dusk && r.IntN(3) > 0 || !dusk && r.IntN(5) == 0 {
							wc = lit
						}
						c.rect(wx, wy, wx+ww, wy+wh, wc, 1)
					}
				}
			}
			x += w + c.m()*0.01*r.Float64()
		}
	}
	c.rect(0, street, c.fw, c.fh+1, p.ground, 1)
	for x := c.fw * 0.05 * r.Float64(); x < c.fw; x += c.fw * 0.12 { // road marks
		c.rect(x, street+(c.fh-street)*0.5, x+c.fw*0.05, street+(c.fh-street)*0.56, p.accents[3], 0.8)
	}
}

func drawSea(c *canvas, r *rand.Rand, p colors) {
	hz := c.fh * (0.38 + 0.2*r.Float64())
	sky(c, p, hz)
	for range 2 + r.IntN(4) {
		c.ellipse(c.fw*r.Float64(), hz*(0.2+0.5*r.Float64()), c.fw*(0.08+0.12*r.Float64()), c.m()*(0.03+0.03*r.Float64()), p.accents[2], 0.8)
	}
	shore := c.fh * (0.75 + 0.2*r.Float64())
	c.gradient(hz, shore+1, p.accents[0], p.accents[1])
	for y := hz + c.m()*0.02; y < shore; y += c.m() * (0.015 + 0.03*(y-hz)/c.fh) { // wave crests
		for x := c.fw * r.Float64() * 0.2; x < c.fw; x += c.fw * (0.1 + 0.2*r.Float64()) {
			c.rect(x, y, x+c.fw*(0.03+0.08*r.Float64()), y+c.m()*0.004*(1+(y-hz)/c.fh*3), p.accents[2], 0.5)
		}
	}
	c.ridge(jag(r, 12, shore, c.fh*0.02), p.ground, 1)
	c.ridge(jag(r, 12, shore+c.fh*0.01, c.fh*0.02), shade(p.ground, 1.15), 0.5)
	if r.IntN(2) == 0 { // a sailing boat
		bx, bs := c.fw*(0.15+0.7*r.Float64()), c.m()*(0.06+0.06*r.Float64())
		by := hz + (shore-hz)*0.3
		c.polygon([][2]float64{{bx - bs, by}, {bx + bs, by}, {bx + bs*0.7, by + bs*0.3}, {bx - bs*0.7, by + bs*0.3}}, p.accents[3], 1)
		c.polygon([][2]float64{{bx, by - bs*1.8}, {bx + bs*0.8, by - bs*0.1}, {bx, by - bs*0.1}}, p.accents[2], 1)
	}
}

func drawMountains(c *canvas, r *rand.Rand, p colors) {
	hz := c.fh * (0.55 + 0.2*r.Float64())
	sky(c, p, hz)
	layers := 3
	for l := range layers {
		base := hz - c.fh*(0.38-0.12*float64(l))
		amp := c.fh * (0.14 + 0.04*float64(l))
		hs := jag(r, 8+2*l, base, amp)
		col := p.accents[l%3]
		c.ridge(hs, col, 1)
		if l < 2 { // snow on the highest peaks
			for i := 1; i+1 < len(hs); i++ {
				if hs[i] < hs[i-1] && hs[i] < hs[i+1] && hs[i] < base-amp*0.3 {
					x := c.fw * float64(i) / float64(len(hs)-1)
					dx := c.fw / float64(len(hs)-1) * 0.35
					c.polygon([][2]float64{{x, hs[i]}, {x + dx, hs[i] + amp*0.25}, {x, hs[i] + amp*0.18}, {x - dx, hs[i] + amp*0.25}}, p.accents[3], 0.95)
				}
			}
		}
	}
	c.gradient(hz, c.fh+1, shade(p.ground, 1.2), p.ground)
}

var (
	skinTones  = rgbs(0xf6d5b8, 0xf1c27d, 0xe0ac69, 0xc68642, 0x8d5524, 0x5c3a1e)
	hairColors = rgbs(0x1c1007, 0x3b2414, 0x6e3b1e, 0xa5682a, 0xd9b26f, 0x8c8c8c, 0x2b1b17)
)

func drawPortrait(c *canvas, r *rand.Rand, p colors) {
	c.gradient(0, c.fh+1, p.skyTop, p.skyLow)
	c.glow(c.fw*(0.3+0.4*r.Float64()), c.fh*0.35, c.m()*0.5, shade(p.skyLow, 1.3), 0.5)
	cx := c.fw * (0.4 + 0.2*r.Float64())
	s := c.m() * (0.9 + 0.2*r.Float64())
	// The palette sets the backdrop and the clothes; people differ.
	skin := mixColor(p.accents[0], pick(r, skinTones), 0.7)
	hair := pick(r, hairColors)
	lips, clothes := p.accents[2], p.accents[3]
	if r.IntN(2) == 0 {
		clothes = shade(p.ground, 1+0.3*r.Float64())
	}
	cy := c.fh*0.5 - s*0.05
	c.ellipse(cx, c.fh+s*0.12, s*0.42, s*0.42, clothes, 1) // shoulders
	c.rect(cx-s*0.07, cy+s*0.12, cx+s*0.07, cy+s*0.3, shade(skin, 0.85), 1)
	c.ellipse(cx, cy-s*0.06, s*0.2, s*0.22, hair, 1) // hair behind the head
	if r.IntN(2) == 0 {
		c.rect(cx-s*0.2, cy-s*0.06, cx+s*0.2, cy+s*0.25, hair, 1) // long hair
	}
	c.ellipse(cx, cy, s*0.15, s*0.2, skin, 1)
	c.ellipse(cx, cy-s*0.14, s*0.16, s*0.08, hair, 1) // fringe
	for _, ex := range []float64{-1, 1} {
		c.ellipse(cx+ex*s*0.06, cy-s*0.02, s*0.025, s*0.014, color.RGBA{250, 250, 250, 255}, 1)
		c.ellipse(cx+ex*s*0.06, cy-s*0.02, s*0.012, s*0.012, shade(hair, 0.6), 1)
	}
	c.ellipse(cx, cy+s*0.1, s*0.045, s*0.014, lips, 1)
	c.ellipse(cx, cy+s*0.04, s*0.012, s*0.02, shade(skin, 0.85), 0.8)
}

func drawFlowers(c *canvas, r *rand.Rand, p colors) {
	c.gradient(0, c.fh+1, p.skyTop, p.skyLow)
	for range 10 + r.IntN(10) { // out-of-focus background
		c.glow(c.fw*r.Float64(), c.fh*r.Float64(), c.m()*(0.05+0.12*r.Float64()), shade(p.ground, 1.4), 0.5)
	}
	n := 3 + r.IntN(6)
	for range n {
		x := c.fw * (0.1 + 0.8*r.Float64())
		y := c.fh * (0.2 + 0.55*r.Float64())
		rad := c.m() * (0.05 + 0.09*r.Float64())
		c.line(x, y, x+rad*(r.Float64()-0.5), c.fh+2, c.m()*0.012, p.ground)
		col := pick(r, p.accents[:3])
		petals := 5 + r.IntN(4)
		rot := r.Float64() * math.Pi
		for k := range petals {
			a := rot + 2*math.Pi*float64(k)/float64(petals)
			c.ellipse(x+math.Cos(a)*rad*0.6, y+math.Sin(a)*rad*0.6, rad*0.45, rad*0.45, shade(col, 0.9+0.2*r.Float64()), 1)
		}
		c.ellipse(x, y, rad*0.3, rad*0.3, p.accents[3], 1)
	}
}

func drawNight(c *canvas, r *rand.Rand, p colors) {
	hz := c.fh * (0.6 + 0.2*r.Float64())
	sky(c, p, hz)
	for range 60 + r.IntN(80) {
		s := c.m() * 0.003 * (1 + 2*r.Float64())
		c.ellipse(c.fw*r.Float64(), hz*r.Float64(), s, s, p.accents[0], 0.5+0.5*r.Float64())
	}
	if r.IntN(3) == 0 { // aurora
		hs := jag(r, 10, hz*0.4, hz*0.15)
		for k := range 5 {
			for i := range hs {
				hs[i] += c.fh * 0.015
			}
			c.ridge(hs, p.accents[2], 0.08*float64(5-k))
		}
		c.gradient(hz*0.5, hz+1, p.skyLow, p.skyLow)
	}
	mx, mr := c.fw*(0.15+0.7*r.Float64()), c.m()*(0.04+0.03*r.Float64())
	c.glow(mx, hz*0.3, mr*3, p.accents[0], 0.3)
	c.ellipse(mx, hz*0.3, mr, mr, p.accents[0], 1)
	for x := 0.0; x < c.fw; { // skyline with lit windows
		w := c.m() * (0.05 + 0.1*r.Float64())
		top := hz - c.fh*(0.05+0.25*r.Float64())
		c.rect(x, top, x+w, c.fh+1, p.accents[3], 1)
		for wy := top + c.m()*0.02; wy < c.fh; wy += c.m() * 0.035 {
			for wx := x + w*0.15; wx < x+w*0.85; wx += w * 0.25 {
				if r.IntN(3) == 0 {
					c.rect(wx, wy, wx+w*0.1, wy+c.m()*0.015, p.accents[1], 0.9)
				}
			}
		}
		x += w
	}
}

func drawDesert(c *canvas, r *rand.Rand, p colors) {
	hz := c.fh * (0.4 + 0.2*r.Float64())
	sky(c, p, hz)
	sx, sr := c.fw*(0.15+0.7*r.Float64()), c.m()*0.05
	c.glow(sx, hz*0.35, sr*3, p.accents[3], 0.6)
	c.ellipse(sx, hz*0.35, sr, sr, p.accents[3], 1)
	layers := 4 + r.IntN(3)
	for l := range layers {
		t := float64(l) / float64(layers)
		base := hz + (c.fh-hz)*t*0.9
		amp := c.fh * 0.06 * (1 + t)
		phase, freq := r.Float64()*6, 1+2*r.Float64()
		hs := make([]float64, 41)
		for i := range hs {
			x := float64(i) / 40
			hs[i] = base - amp*math.Abs(math.Sin(phase+x*freq*math.Pi))
		}
		c.ridge(hs, shade(p.accents[l%3], 0.9+0.25*t), 1)
	}
}

func drawSnow(c *canvas, r *rand.Rand, p colors) {
	hz := c.fh * (0.45 + 0.2*r.Float64())
	sky(c, p, hz)
	c.ridge(jag(r, 10, hz-c.fh*0.08, c.fh*0.06), p.accents[2], 1)
	c.ridge(jag(r, 10, hz, c.fh*0.03), p.accents[1], 1)
	c.gradient(hz+c.fh*0.03, c.fh+1, p.accents[1], p.ground)
	for range 3 + r.IntN(8) { // bare trees
		x, base := c.fw*r.Float64(), hz+(c.fh-hz)*r.Float64()*0.8
		h := c.m() * (0.12 + 0.3*(base-hz)/(c.fh-hz+1))
		c.line(x, base, x, base-h, c.m()*0.008, p.accents[0])
		for k := range 4 {
			y := base - h*(0.4+0.15*float64(k))
			d := h * 0.25 * (1 - 0.2*float64(k))
			c.line(x, y, x-d, y-d*0.8, c.m()*0.004, p.accents[0])
			c.line(x, y-h*0.05, x+d, y-h*0.05-d*0.8, c.m()*0.004, p.accents[0])
		}
	}
	for range 150 {
		s := c.m() * 0.004 * (1 + r.Float64())
		c.ellipse(c.fw*r.Float64(), c.fh*r.Float64(), s, s, p.accents[3], 0.8)
	}
}

func drawBokeh(c *canvas, r *rand.Rand, p colors) {
	c.gradient(0, c.fh+1, p.skyTop, p.skyLow)
	for range 25 + r.IntN(25) {
		rad := c.m() * (0.03 + 0.12*r.Float64())
		x, y := c.fw*r.Float64(), c.fh*r.Float64()
		col := pick(r, p.accents)
		c.glow(x, y, rad*1.3, col, 0.35)
		c.ellipse(x, y, rad, rad, col, 0.35+0.3*r.Float64())
	}
}

func drawLake(c *canvas, r *rand.Rand, p colors) {
	hz := c.fh * (0.45 + 0.15*r.Float64())
	sky(c, p, hz)
	far := jag(r, 10, hz-c.fh*0.12, c.fh*0.08)
	c.ridge(far, p.accents[0], 1)
	near := jag(r, 20, hz-c.fh*0.03, c.fh*0.025)
	c.ridge(near, p.accents[1], 1)
	// the water mirrors the sky and the hills, darker, with ripples
	c.gradient(hz, c.fh+1, shade(p.skyLow, 0.85), shade(p.skyTop, 0.8))
	mirror := func(hs []float64) []float64 {
		out := make([]float64, len(hs))
		for i, y := range hs {
			out[i] = 2*hz - y
		}
		return out
	}
	pts := func(hs []float64) [][2]float64 {
		out := [][2]float64{{0, hz}}
		for i, y := range hs {
			out = append(out, [2]float64{c.fw * float64(i) / float64(len(hs)-1), y})
		}
		return append(out, [2]float64{c.fw, hz})
	}
	c.polygon(pts(mirror(far)), shade(p.accents[0], 0.8), 0.9)
	c.polygon(pts(mirror(near)), shade(p.accents[1], 0.8), 0.9)
	for y := hz + c.m()*0.01; y < c.fh; y += c.m() * 0.018 {
		x := c.fw * r.Float64()
		c.rect(x, y, x+c.fw*(0.05+0.2*r.Float64()), y+c.m()*0.003, p.accents[3], 0.35)
	}
}

// renderScene draws the photo of topic with composition seed h into a w x h image showing a
// frame of fw x fh (square images show the frame's centre).
func renderScene(topic int, seed uint64, w, ht, fw, fh int) *image.RGBA {
	c := newCanvas(w, ht, fw, fh)
	s, p := subjectOf(topic)
	r := rand.New(rand.NewPCG(seed, 0x5ce7e))
	s.draw(c, r, p)
	c.finish(seed)
	return c.img
}
