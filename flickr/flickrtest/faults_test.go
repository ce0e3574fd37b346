package flickrtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestFaults(t *testing.T) {
	w := TinyWorld(21)
	s := Start(t, w, Options{})
	me := heavyUser(t, w, 5)
	tok, sec := s.IssueToken(me.NSID, "write")
	photo := w.FavesOf(me.NSID)[0].PhotoID
	tests := []struct {
		name       string
		faults     Faults
		comment    bool
		wantStatus int
		wantCode   int
		wantBody   string
	}{
		{"429", Faults{RateLimited: 1}, false, 429, 0, "429 Too Many Requests"},
		{"502", Faults{ServerError: 1}, false, 502, 0, "502 Bad Gateway"},
		{"105", Faults{Unavailable: 1}, false, 200, 105, ""},
		{"201", Faults{APIDown: 1}, false, 200, 201, ""},
		{"comment too fast", Faults{CommentTooFast: 1}, true, 200, 9, ""},
		{"comment too fast spares reads", Faults{CommentTooFast: 1}, false, 200, 0, ""},
		{"comments off", Faults{CommentsOff: 1}, true, 200, 99, ""},
		{"comments off spares reads", Faults{CommentsOff: 1}, false, 200, 0, ""},
		{"none", Faults{}, false, 200, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.SetFaults(tt.faults)
			var r reply
			if tt.comment {
				r = signedPost(t, s, signedClient(tok, sec), "flickr.photos.comments.addComment", "photo_id", photo, "comment_text", "hi")
			} else {
				r = rest(t, s, "flickr.people.getInfo", "user_id", me.NSID)
			}
			if r.status != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", r.status, tt.wantStatus, r.body)
			}
			if tt.wantBody != "" {
				if !strings.HasPrefix(r.ctype, "text/html") || !strings.Contains(r.body, tt.wantBody) {
					t.Errorf("body %s %q, want HTML with %q", r.ctype, r.body, tt.wantBody)
				}
				return
			}
			if got := failCode(t, r); got != tt.wantCode {
				t.Errorf("code %d, want %d", got, tt.wantCode)
			}
		})
	}
}

func TestFaultRatesAreProbabilities(t *testing.T) {
	w := TinyWorld(22)
	s := Start(t, w, Options{Faults: Faults{Unavailable: 0.3}})
	me := w.Users()[0]
	failed := 0
	const n = 200
	for range n {
		if failCode(t, rest(t, s, "flickr.people.getInfo", "user_id", me.NSID)) == 105 {
			failed++
		}
	}
	if failed < n/10 || failed > n/2 {
		t.Errorf("%d of %d calls failed with rate 0.3", failed, n)
	}
}

func TestLatencyHoldsReplies(t *testing.T) {
	s := Start(t, TinyWorld(23), Options{Latency: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/services/rest/?method=flickr.test.echo", nil)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("reply arrived despite an hour of latency: %d", resp.StatusCode)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err %v, want deadline exceeded", err)
	}
	s.SetFaults(Faults{})
	if r := rest(t, s, "flickr.people.findByUsername", "username", "x"); r.status != 200 {
		t.Errorf("after clearing latency: status %d", r.status)
	}
}

func TestCallsPerHourLimit(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	w := TinyWorld(24)
	s := Start(t, w, Options{CallsPerHour: 5, Now: clock})
	me := w.Users()[0]
	status := func() int {
		return rest(t, s, "flickr.people.getInfo", "user_id", me.NSID).status
	}
	var got []int
	for range 3 {
		got = append(got, status())
	}
	advance(30 * time.Minute)
	for range 3 {
		got = append(got, status())
	}
	advance(31 * time.Minute) // the first three calls left the sliding hour
	for range 4 {
		got = append(got, status())
	}
	want := []int{200, 200, 200, 200, 200, 429, 200, 200, 200, 429}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statuses over time (-want +got):\n%s", diff)
	}
	// Other consumer keys have their own budget (their calls fail with code 100, not 429).
	if r := rest(t, s, "flickr.people.getInfo", "api_key", "other", "user_id", me.NSID); r.status != 200 {
		t.Errorf("other key: status %d, want 200", r.status)
	}
	s.SetCallsPerHour(0)
	if got := status(); got != 200 {
		t.Errorf("after lifting the limit: %d", got)
	}
}

func TestCallCounters(t *testing.T) {
	w := TinyWorld(25)
	s := Start(t, w, Options{})
	me := w.Users()[0]
	rest(t, s, "flickr.people.getInfo", "user_id", me.NSID)
	rest(t, s, "flickr.people.getInfo", "user_id", me.NSID)
	rest(t, s, "flickr.favorites.getPublicList", "user_id", me.NSID)
	rest(t, s, "flickr.no.such")
	want := map[string]int{"flickr.people.getInfo": 2, "flickr.favorites.getPublicList": 1, "flickr.no.such": 1}
	if diff := cmp.Diff(want, s.Calls()); diff != "" {
		t.Errorf("Calls() (-want +got):\n%s", diff)
	}
	r := do(t, nil, mustRequest(t, http.MethodGet, s.URL+"/_sim/calls"))
	var fromHTTP map[string]int
	if err := json.Unmarshal([]byte(r.body), &fromHTTP); err != nil {
		t.Fatalf("/_sim/calls: %v: %q", err, r.body)
	}
	if diff := cmp.Diff(want, fromHTTP); diff != "" {
		t.Errorf("/_sim/calls (-want +got):\n%s", diff)
	}
}

func TestFaultsEndpoint(t *testing.T) {
	s := Start(t, TinyWorld(26), Options{})
	body := []byte(`{"latency_ms":0,"unavailable":1,"comments_off":0.5,"calls_per_hour":100}`)
	req, _ := http.NewRequest(http.MethodPut, s.URL+"/_sim/faults", bytes.NewReader(body))
	if r := do(t, nil, req); r.status != 200 {
		t.Fatalf("PUT /_sim/faults: %d %s", r.status, r.body)
	}
	if diff := cmp.Diff(Faults{Unavailable: 1, CommentsOff: 0.5}, s.Faults()); diff != "" {
		t.Errorf("faults after PUT (-want +got):\n%s", diff)
	}
	if got := failCode(t, rest(t, s, "flickr.people.getInfo", "user_id", "x")); got != 105 {
		t.Errorf("code %d, want 105", got)
	}
}
