package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"baocao/internal/accounts"
	"baocao/templates/pages"
)

// Sign-in storms (a deadline morning, everyone at 7:30): when every hasher
// is busy, a sign-in is not held open until the browser gives up; it takes
// a place in the hashers' queue (first come, first served: the queue is
// the hashers' channel), and the official sees "Đang đăng nhập, vui lòng
// chờ…" with their place and the expected wait, a page that asks again by
// itself every couple of seconds (a meta refresh: no script needed) and
// continues to the next step once the password has been checked. The
// password stays in this process's memory only, for that one check.
//
// The waiting sign-in belongs to the browser that made it (a cookie with
// a random ticket) and to this server instance; behind a load balancer
// sign-ins need sticky sessions or one instance, else a waiting official
// is asked to sign in again. A ticket nobody asks about for
// signInAbandoned leaves the queue unhashed.
const (
	signInCookie    = "baocao_signin"
	signInAbandoned = 30 * time.Second
	// While officials at work wait for their turn, sign-ins are checked
	// at about ten a second (accounts.WhileWaiting): two thousand at once
	// take minutes, and a waiting sign-in must not expire before.
	signInMaxWait = 10 * time.Minute
	// A sign-in's check waits outside admission (waitOutside): the post
	// waits signInPromptly for a free hasher's answer before it shows the
	// waiting page, whose first view waits signInFirstLook and whose
	// refreshes (a second after each answer) wait up to signInHold each,
	// answering the moment the check is done. A thousand officials in the
	// queue thus ask about once per signInHold, not every second or two.
	signInPromptly  = 3 * time.Second
	signInFirstLook = time.Second
	signInHold      = 15 * time.Second
	signInHeld      = "/signin/wait?held=1"
)

type signInTicket struct {
	seq      int64
	username string
	done     chan struct{}
	account  *accounts.Account
	err      error
	polled   atomic.Int64 // unix nanoseconds of the last look
	cancel   context.CancelFunc
}

type signInQueue struct {
	mu      sync.Mutex
	tickets map[string]*signInTicket
	issued  atomic.Int64
	checked atomic.Int64
}

// queueSignIn starts checking the password in the background and returns
// the ticket and its id.
func (s *Server) queueSignIn(r *http.Request, username, password string) (string, *signInTicket) {
	q := &s.signIns
	idBytes := make([]byte, 16)
	rand.Read(idBytes)
	id := hex.EncodeToString(idBytes)
	// The check keeps the request's values (the address for the audit
	// log) but not its end: it outlives the request that queued it.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), signInMaxWait)
	t := &signInTicket{seq: q.issued.Add(1), username: username, done: make(chan struct{}), cancel: cancel}
	t.polled.Store(time.Now().UnixNano())
	q.mu.Lock()
	if q.tickets == nil {
		q.tickets = map[string]*signInTicket{}
	}
	q.tickets[id] = t
	q.mu.Unlock()
	go func() {
		defer cancel()
		go watchAbandoned(ctx, t)
		t.account, t.err = s.accounts.Authenticate(ctx, username, password)
		q.checked.Add(1)
		close(t.done)
		// Kept for the browser to collect, then forgotten.
		select {
		case <-time.After(signInMaxWait):
		case <-ctx.Done():
		}
		q.mu.Lock()
		if q.tickets[id] == t {
			delete(q.tickets, id)
		}
		q.mu.Unlock()
	}()
	return id, t
}

// watchAbandoned cancels a waiting check whose browser stopped asking.
func watchAbandoned(ctx context.Context, t *signInTicket) {
	tick := time.NewTicker(signInAbandoned / 4)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.done:
			return
		case <-tick.C:
			if time.Since(time.Unix(0, t.polled.Load())) > signInAbandoned {
				t.cancel()
				return
			}
		}
	}
}

// take returns the ticket of id and, when its check is over, removes it.
func (q *signInQueue) take(id string) (t *signInTicket, finished bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	t = q.tickets[id]
	if t == nil {
		return nil, false
	}
	t.polled.Store(time.Now().UnixNano())
	select {
	case <-t.done:
		delete(q.tickets, id)
		return t, true
	default:
		return t, false
	}
}

// waitingView is what the waiting page says of ticket t: its place in the
// queue and the time the hashers need to reach it.
func (s *Server) waitingView(t *signInTicket) pages.SignInWaitView {
	ahead := max(t.seq-s.signIns.checked.Load()-1, 0)
	wait := time.Duration(ahead+1) * accounts.HashTime() / time.Duration(accounts.Hashers())
	return pages.SignInWaitView{Username: t.username, Ahead: int(ahead), Seconds: int(wait.Round(time.Second) / time.Second)}
}

// signInWaitPage shows the waiting page, or continues the sign-in whose
// password has been checked.
func (s *Server) signInWaitPage(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(signInCookie)
	var t *signInTicket
	var finished bool
	if err == nil {
		t, finished = s.signIns.take(c.Value)
	}
	if !finished && t != nil {
		hold := signInFirstLook
		if r.URL.Query().Has("held") {
			hold = signInHold
		}
		if waitOutside(r.Context(), t.done, hold) {
			t, finished = s.signIns.take(c.Value) // nil if another tab took it meanwhile
		} else if r.Context().Err() != nil {
			return // the browser left, or no place again before the deadline: it asks again
		} else {
			t.polled.Store(time.Now().UnixNano())
		}
	}
	if t == nil {
		s.render(w, r, http.StatusOK, pages.SignIn(s.page(r, "Đăng nhập", ""),
			pages.SignInView{Error: "Lượt đăng nhập đang chờ đã hết hạn. Vui lòng đăng nhập lại."}))
		return
	}
	if !finished {
		p := s.page(r, "Đang đăng nhập", "")
		p.Refresh, p.RefreshTo = 1, signInHeld
		s.render(w, r, http.StatusOK, pages.SignInWait(p, s.waitingView(t)))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: signInCookie, Path: "/signin", MaxAge: -1, HttpOnly: true, Secure: s.cfg.Secure(), SameSite: http.SameSiteLaxMode})
	s.signedInAs(w, r, t.username, t.account, t.err)
}

// waitForSignIn answers a sign-in queued behind busy hashers: the ticket's
// cookie, and on to the waiting page (post, redirect, get).
func (s *Server) waitForSignIn(w http.ResponseWriter, r *http.Request, id string) {
	http.SetCookie(w, &http.Cookie{Name: signInCookie, Value: id, Path: "/signin", MaxAge: int(signInMaxWait / time.Second),
		HttpOnly: true, Secure: s.cfg.Secure(), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/signin/wait", http.StatusSeeOther)
}
