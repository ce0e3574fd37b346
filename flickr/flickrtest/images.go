package flickrtest

import (
	"bytes"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Image paths are those of Flickr's static host (live.staticflickr.com), on the simulator's own
// host, and the same under /img/ (the paths of earlier versions, which stored data may hold):
//
//	/{server}/{id}_{secret}{_suffix}.jpg       photos; suffixes in photoSizes ("" is the 500 size)
//	/{server}/buddyicons/{nsid}{_suffix}.jpg   buddy icons; "" 48, _s 24, _m 64, _l 100, _r 300
//	/img/buddyicon.gif                         the default icon for users without one
//
// A photo is a drawn scene of its topic (scenes.go), at exactly the size its extras state.

// photoSize is one size Flickr serves: its file suffix, the extra that lists it, and its longer
// side (square sizes are cropped to edge x edge from the centre).
type photoSize struct {
	suffix, extra string
	edge          int
	square        bool
}

// photoSizes are the sizes the simulator serves, smallest first (reference §5).
var photoSizes = []photoSize{
	{"_s", "sq", 75, true}, {"_q", "q", 150, true}, {"_m", "s", 240, false}, {"", "m", 500, false},
	{"_z", "z", 640, false}, {"_c", "c", 800, false}, {"_b", "l", 1024, false},
}

var iconEdges = map[string]int{"": 48, "_s": 24, "_m": 64, "_l": 100, "_r": 300}

// size is the pixel size of photo ph at sz, and whether that size exists (under
// Quirks.MissingLarge, not above the original's longer side).
func (s *Server) size(ph int32, sz photoSize) (w, h int, ok bool) {
	if sz.square {
		return sz.edge, sz.edge, true
	}
	if s.opts.Quirks.MissingLarge && sz.edge > s.w.maxEdge(ph) {
		return 0, 0, false
	}
	w, h = s.w.dims(ph)
	w, h = scaled(w, h, sz.edge)
	return w, h, true
}

// imageCache keeps recently encoded images up to a byte budget (FIFO eviction); an image larger
// than the whole budget is not kept.
type imageCache struct {
	mu         sync.Mutex
	max, bytes int
	keys       []string
	data       map[string][]byte
}

func newImageCache(maxBytes int) *imageCache {
	return &imageCache{max: maxBytes, data: map[string][]byte{}}
}

func (c *imageCache) get(k string, build func() []byte) []byte {
	c.mu.Lock()
	b, ok := c.data[k]
	c.mu.Unlock()
	if ok {
		return b
	}
	b = build()
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.data[k]; !ok && len(b) <= c.max {
		for len(c.keys) > 0 && c.bytes+len(b) > c.max {
			c.bytes -= len(c.data[c.keys[0]])
			delete(c.data, c.keys[0])
			c.keys = c.keys[1:]
		}
		c.keys = append(c.keys, k)
		c.data[k] = b
		c.bytes += len(b)
	}
	return b
}

var lastModified = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// handleStatic serves photos and buddy icons at Flickr's static paths, with or without /img/, to
// GET and HEAD; anything else is 404.
func (s *Server) handleStatic(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.NotFound(rw, r)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/img/")
	if !ok {
		rest = strings.TrimPrefix(r.URL.Path, "/")
	}
	if rest == "buddyicon.gif" {
		serveBytes(rw, r, "image/gif", s.images.get(rest, defaultIcon))
		return
	}
	server, file, ok := strings.Cut(rest, "/")
	if !ok {
		http.NotFound(rw, r)
		return
	}
	if nsid, ok := strings.CutPrefix(file, "buddyicons/"); ok {
		s.serveIcon(rw, r, server, nsid)
		return
	}
	name, ok := strings.CutSuffix(file, ".jpg")
	if !ok {
		http.NotFound(rw, r)
		return
	}
	parts := strings.Split(name, "_")
	if len(parts) < 2 || len(parts) > 3 {
		http.NotFound(rw, r)
		return
	}
	suffix := ""
	if len(parts) == 3 {
		suffix = "_" + parts[2]
	}
	i := slices.IndexFunc(photoSizes, func(sz photoSize) bool { return sz.suffix == suffix })
	ph, okID := s.w.photoIndex(parts[0])
	if i < 0 || !okID || parts[1] != s.w.secret(ph) || server != s.w.server(ph) || s.w.isDeleted(s.w.photoOwner[ph]) {
		http.NotFound(rw, r)
		return
	}
	wd, ht, ok := s.size(ph, photoSizes[i])
	if !ok {
		http.NotFound(rw, r)
		return
	}
	fw, fh := s.w.dims(ph)
	topic, seed := int(s.w.photoTopic[ph]), s.w.photoHash(ph)
	serveBytes(rw, r, "image/jpeg", s.images.get(rest, func() []byte {
		return encodeJPEG(renderScene(topic, seed, wd, ht, fw, fh))
	}))
}

func (s *Server) serveIcon(rw http.ResponseWriter, r *http.Request, server, file string) {
	name, ok := strings.CutSuffix(file, ".jpg")
	if !ok {
		http.NotFound(rw, r)
		return
	}
	suffix := ""
	if i := strings.LastIndexByte(name, '_'); i > 0 {
		name, suffix = name[:i], name[i:]
	}
	edge, known := iconEdges[suffix]
	u, live := s.w.lookup(name)
	if !known || !live {
		http.NotFound(rw, r)
		return
	}
	if srv, _ := s.w.iconOf(u); srv != server {
		http.NotFound(rw, r)
		return
	}
	h := mix(s.w.seed ^ mix(uint64(u)) ^ 0x1c0)
	key := "icon/" + server + "/" + file
	serveBytes(rw, r, "image/jpeg", s.images.get(key, func() []byte { return encodeJPEG(blocks(h, edge, edge)) }))
}

func serveBytes(rw http.ResponseWriter, r *http.Request, ctype string, b []byte) {
	rw.Header().Set("Content-Type", ctype)
	rw.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(rw, r, "", lastModified, bytes.NewReader(b))
}

func encodeJPEG(img image.Image) []byte {
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 75})
	return buf.Bytes()
}

// blocks draws a buddy icon: a 4x4 grid of colours derived from h.
func blocks(h uint64, w, ht int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, ht))
	var cols [16]color.RGBA
	x := h
	for i := range cols {
		x = mix(x)
		cols[i] = color.RGBA{uint8(x), uint8(x >> 8), uint8(x >> 16), 255}
	}
	for y := range ht {
		by := y * 4 / ht
		row := img.Pix[y*img.Stride : y*img.Stride+w*4]
		for px := range w {
			c := cols[by*4+px*4/w]
			row[px*4], row[px*4+1], row[px*4+2], row[px*4+3] = c.R, c.G, c.B, 255
		}
	}
	return img
}

func defaultIcon() []byte {
	img := image.NewPaletted(image.Rect(0, 0, 48, 48), palette.Plan9)
	idx := uint8(img.Palette.Index(color.Gray{Y: 0xbb}))
	for i := range img.Pix {
		img.Pix[i] = idx
	}
	var buf bytes.Buffer
	_ = gif.Encode(&buf, img, nil)
	return buf.Bytes()
}
