package web

import (
	"context"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"baocao/internal/apperr"
)

// Admission: past what the cores can work at once, a request waits for
// its turn before it starts, instead of every request of a surge working
// at once. Working at once, a thousand requests hold a thousand pages'
// buffers: the heap grows past the memory limit, the collector and the
// scavenger take the cores, and every answer gets slower. Waiting, the
// ones let in finish at full speed and hand their place on.
//
// Two queues, first come first served in each: requests with a session
// or an API token (signed-in work: an autosave, a page) go before the
// others (the sign-in pages, the waiting page of a sign-in storm), which
// still get one place in lowShare while both wait. A request that waits
// maxWait gets the outage page with Retry-After. Static files and the
// health checks never wait; neither do uploads and long downloads, whose
// time goes to the network, not to the cores.
type admission struct {
	maxWait   time.Duration // how long a request waits for its turn
	mu        sync.Mutex
	free      int
	high, low []chan struct{}
	turns     int // places handed on, for the others' share
}

// lowShare: of the places handed on while both queues wait, one in
// lowShare goes to the others, so a storm of signed-in work never
// starves a sign-in (one in four left sign-ins waiting past maxWait in a
// storm of 1.000 officials).
const lowShare = 2

// admissionSlots is how many requests work at once: enough to keep the
// cores busy while others wait for PostgreSQL.
func admissionSlots() int { return max(8, 4*runtime.GOMAXPROCS(0)) }

func newAdmission(slots int) *admission { return &admission{free: slots, maxWait: 20 * time.Second} }

// enter waits for a place; false when ctx ended first.
func (a *admission) enter(ctx context.Context, high bool) bool {
	a.mu.Lock()
	if a.free > 0 {
		a.free--
		a.mu.Unlock()
		return true
	}
	turn := make(chan struct{})
	if high {
		a.high = append(a.high, turn)
	} else {
		a.low = append(a.low, turn)
	}
	a.mu.Unlock()
	select {
	case <-turn:
		return true
	case <-ctx.Done():
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	select {
	case <-turn: // given the place as ctx ended: pass it on
		a.handOn()
	default:
		a.high = removeTurn(a.high, turn)
		a.low = removeTurn(a.low, turn)
	}
	return false
}

// leave gives the place to the next waiting request.
func (a *admission) leave() {
	a.mu.Lock()
	a.handOn()
	a.mu.Unlock()
}

func (a *admission) handOn() {
	a.turns++
	switch {
	case len(a.high) > 0 && (len(a.low) == 0 || a.turns%lowShare != 0):
		close(a.high[0])
		a.high = a.high[1:]
	case len(a.low) > 0:
		close(a.low[0])
		a.low = a.low[1:]
	default:
		a.free++
	}
}

// waiting is how many requests wait, signed-in ones and others.
func (a *admission) waiting() (high, low int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.high), len(a.low)
}

func removeTurn(q []chan struct{}, turn chan struct{}) []chan struct{} {
	for i, t := range q {
		if t == turn {
			return append(q[:i], q[i+1:]...)
		}
	}
	return q
}

// admit is the middleware that makes requests wait their turn.
func (s *Server) admit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/readyz" || uploadPath(p) || longDownload(p) {
			next.ServeHTTP(w, r)
			return
		}
		high := signedInWork(r, s.sessions.Cookie.Name)
		ctx, cancel := context.WithTimeout(r.Context(), s.admission.maxWait)
		defer cancel()
		if !s.admission.enter(ctx, high) {
			if r.Context().Err() != nil {
				return // the client left
			}
			w.Header().Set("Retry-After", strconv.Itoa(int(s.admission.maxWait.Round(time.Second)/time.Second)))
			s.fail(w, r, apperr.New(apperr.Unavailable, "Hệ thống đang có quá nhiều người dùng cùng lúc. Dữ liệu đã nhập vẫn được giữ; vui lòng thử lại sau ít phút."))
			return
		}
		defer s.admission.leave()
		next.ServeHTTP(w, r)
	})
}

// signedInWork tells a request of an official at work: one with a session
// (or an API token), but none of the sign-in pages, whose visitors have a
// session before they are signed in (its CSRF token): in a storm they are
// the others.
func signedInWork(r *http.Request, sessionCookie string) bool {
	if strings.HasPrefix(r.URL.Path, "/signin") {
		return false
	}
	_, err := r.Cookie(sessionCookie)
	return err == nil || r.Header.Get("Authorization") != ""
}

// longDownload tells the downloads that stream many rows or a file.
func longDownload(p string) bool {
	return p == "/admin/audit/export" || strings.HasSuffix(p, "/file")
}
