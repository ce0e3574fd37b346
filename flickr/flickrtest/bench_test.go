package flickrtest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"
)

// BenchmarkGenerateLarge builds the benchmark-sized world: 100k users, 10M favorites.
// Run with -benchtime=1x; it reports seconds per world and the retained heap.
func BenchmarkGenerateLarge(b *testing.B) {
	for b.Loop() {
		start := time.Now()
		w := Generate(WorldOptions{Seed: 1, Users: 100_000, Faves: 10_000_000})
		took := time.Since(start)
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(took.Seconds(), "s/world")
		b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heapMB")
		b.ReportMetric(float64(w.NumFaves()), "faves")
		b.ReportMetric(float64(w.NumPhotos()), "photos")
		runtime.KeepAlive(w)
	}
}

// BenchmarkGenerateTiny builds the test world (300 users).
func BenchmarkGenerateTiny(b *testing.B) {
	for b.Loop() {
		TinyWorld(1)
	}
}

// BenchmarkGenerateSample builds a world the size of the real sample (4,400 users).
func BenchmarkGenerateSample(b *testing.B) {
	for b.Loop() {
		Generate(WorldOptions{Seed: 1, Users: 4400})
	}
}

// BenchmarkFavoritesPage serves one 500-photo page with three url extras, without and with the
// owners' buddy icons (icon_server, as the client asks), and reports the reply size.
func BenchmarkFavoritesPage(b *testing.B) {
	w := Generate(WorldOptions{Seed: 1, Users: 2000})
	s := NewServer(w, Options{})
	var nsid string
	for _, u := range w.Users() {
		if u.Faves >= 500 {
			nsid = u.NSID
			break
		}
	}
	h := s.Handler()
	for _, extras := range []string{"url_q,url_m,url_l,owner_name", "url_q,url_m,url_l,owner_name,icon_server"} {
		b.Run(extras, func(b *testing.B) {
			url := "/services/rest/?method=flickr.favorites.getPublicList&api_key=" + DefaultConsumerKey +
				"&format=json&nojsoncallback=1&per_page=500&extras=" + extras + "&user_id=" + nsid
			size := 0
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
				if rec.Code != 200 {
					b.Fatal(rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "reply_bytes")
		})
	}
}

// BenchmarkImage renders uncached images of each size.
func BenchmarkImage(b *testing.B) {
	w := TinyWorld(1)
	s := NewServer(w, Options{})
	h := s.Handler()
	for _, suffix := range []string{"_q", "", "_b"} {
		b.Run("suffix"+suffix, func(b *testing.B) {
			i := 0
			for b.Loop() {
				p := w.photo(int32(i % w.NumPhotos()))
				i++
				s.images = newImageCache(0) // measure rendering, not the cache
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/img/"+p.Server+"/"+p.ID+"_"+p.Secret+suffix+".jpg", nil))
				if rec.Code != 200 {
					b.Fatal(rec.Code, p.ID)
				}
				_, _ = io.Copy(io.Discard, rec.Body)
			}
			b.ReportMetric(float64(i), "images")
		})
	}
}
