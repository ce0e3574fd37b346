package flickrtest

import (
	"bytes"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Image paths mirror Flickr's static hosts under /img/:
//
//	/img/{server}/{id}_{secret}{_suffix}.jpg      photos; suffixes _s 75sq, _q 150sq, _m 240, "" 500, _z 640, _b 1024
//	/img/{server}/buddyicons/{nsid}{_suffix}.jpg  buddy icons; "" 48, _s 24, _m 64, _l 100, _r 300
//	/img/buddyicon.gif                            the default icon for users without one
//
// Images are colour blocks derived from a hash of the photo or user, so each is distinct and stable.
// The _b variant is rendered at half its stated size to keep it cheap; every other size is exact.

var photoEdges = map[string]int{"_s": -75, "_q": -150, "_m": 240, "": 500, "_z": 640, "_b": 1024}

var iconEdges = map[string]int{"": 48, "_s": 24, "_m": 64, "_l": 100, "_r": 300}

// imageCache keeps recently encoded images (FIFO eviction).
type imageCache struct {
	mu    sync.Mutex
	max   int
	keys  []string
	bytes map[string][]byte
}

func newImageCache(n int) *imageCache { return &imageCache{max: n, bytes: map[string][]byte{}} }

func (c *imageCache) get(k string, build func() []byte) []byte {
	c.mu.Lock()
	b, ok := c.bytes[k]
	c.mu.Unlock()
	if ok {
		return b
	}
	b = build()
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.bytes[k]; !ok {
		if len(c.keys) >= c.max {
			delete(c.bytes, c.keys[0])
			c.keys = c.keys[1:]
		}
		c.keys = append(c.keys, k)
		c.bytes[k] = b
	}
	return b
}

var lastModified = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func (s *Server) handleImage(rw http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/img/")
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
	edge, known := photoEdges[suffix]
	ph, okID := s.w.photoIndex(parts[0])
	if !known || !okID || parts[1] != s.w.secret(ph) || server != s.w.server(ph) || s.w.isDeleted(s.w.photoOwner[ph]) {
		http.NotFound(rw, r)
		return
	}
	if suffix == "_b" && s.opts.Quirks.MissingLarge && s.w.smallOriginal(ph) {
		http.NotFound(rw, r)
		return
	}
	wd, ht := edge, edge
	if edge < 0 {
		wd, ht = -edge, -edge
	} else {
		wd, ht = s.w.dims(ph)
		wd, ht = scaled(wd, ht, edge)
		if suffix == "_b" {
			wd, ht = wd/2, ht/2
		}
	}
	h := s.w.photoHash(ph)
	serveBytes(rw, r, "image/jpeg", s.images.get(rest, func() []byte { return blocksJPEG(h, wd, ht) }))
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
	serveBytes(rw, r, "image/jpeg", s.images.get(key, func() []byte { return blocksJPEG(h, edge, edge) }))
}

func serveBytes(rw http.ResponseWriter, r *http.Request, ctype string, b []byte) {
	rw.Header().Set("Content-Type", ctype)
	rw.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(rw, r, "", lastModified, bytes.NewReader(b))
}

// blocksJPEG draws a 4x4 grid of colours derived from h.
func blocksJPEG(h uint64, w, ht int) []byte {
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
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 70})
	return buf.Bytes()
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
