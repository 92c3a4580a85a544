package web

import (
	"context"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
	working   atomic.Int64  // signed-in work let in and not done yet
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

// enter waits for a place; false when ctx ended first. A request coming
// back (first) goes ahead of every waiting one.
func (a *admission) enter(ctx context.Context, high, first bool) bool {
	a.mu.Lock()
	if a.free > 0 {
		a.free--
		a.mu.Unlock()
		return true
	}
	turn := make(chan struct{})
	switch {
	case first:
		a.high = append([]chan struct{}{turn}, a.high...)
	case high:
		a.high = append(a.high, turn)
	default:
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

// freePlaces is how many requests could start at once.
func (a *admission) freePlaces() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.free
}

// OfficialsWait tells whether requests of signed-in officials wait for
// their turn (the hashers slow down meanwhile: accounts.WhileWaiting).
func (s *Server) OfficialsWait() bool {
	high, _ := s.admission.waiting()
	return high > 0
}

// OfficialsAtWork tells whether requests of signed-in officials are being
// served or wait for their turn (the hashers then yield the cores to
// them: accounts.WhileAtWork).
func (s *Server) OfficialsAtWork() bool {
	high, _ := s.admission.waiting()
	return high > 0 || s.admission.working.Load() > 0
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
		if !s.admission.enter(ctx, high, false) {
			if r.Context().Err() != nil {
				return // the client left
			}
			w.Header().Set("Retry-After", strconv.Itoa(int(s.admission.maxWait.Round(time.Second)/time.Second)))
			s.fail(w, r, apperr.New(apperr.Unavailable, "Hệ thống đang có quá nhiều người dùng cùng lúc. Dữ liệu đã nhập vẫn được giữ; vui lòng thử lại sau ít phút."))
			return
		}
		place := &admitted{a: s.admission, in: true}
		if high {
			s.admission.working.Add(1)
			defer s.admission.working.Add(-1)
		}
		defer func() {
			if place.in {
				s.admission.leave()
			}
		}()
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), admittedKey{}, place)))
	})
}

// admitted is an admitted request's place, in its context.
type admitted struct {
	a  *admission
	in bool
}

type admittedKey struct{}

// waitOutside waits until done is closed, for at most d or until ctx
// ends, without holding the request's place meanwhile: a sign-in waiting
// for a hasher leaves its place to work the cores can do. It then takes a
// place again, ahead of every waiting request, and reports whether done
// was closed; false also when no place was had again before ctx ended.
func waitOutside(ctx context.Context, done <-chan struct{}, d time.Duration) bool {
	place, _ := ctx.Value(admittedKey{}).(*admitted)
	if place != nil && place.in {
		place.a.leave()
		place.in = false
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	closed := false
	select {
	case <-done:
		closed = true
	case <-timer.C:
	case <-ctx.Done():
	}
	if place != nil {
		if !place.a.enter(ctx, true, true) {
			return false
		}
		place.in = true
	}
	return closed
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
