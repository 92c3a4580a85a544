// Package loadtest simulates a deadline surge against a running server on
// loopback: officials sign in, open their report, save drafts as a browser
// does (the whole form, with the revision the page was loaded at, reloading
// on a conflict), while receivers open the consolidation. It is bounded in
// time and requests, and checks afterwards that every acknowledged value
// is in the database.
package loadtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/accounts/argon2"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/database"
	"baocao/internal/decimal"
	"baocao/internal/documents"
	reportstore "baocao/internal/reports"
	"baocao/internal/seed"
	"baocao/internal/signing"
)

// Options bound a run.
type Options struct {
	BaseURL    string
	Officials  int
	Receivers  int
	Duration   time.Duration
	MaxActions int           // per official
	Think      time.Duration // an official's pause between saves (±50 %), as while typing
	ServerPID  int           // read for peak resident memory; 0: not reported
	// Documents, when set, certifies the leaders and units of the
	// lifecycle reports (every fifth official's report goes through
	// submit, approve, sign, seal, send and accept); nil: no lifecycle.
	// The server must run with the same SECRET_KEY.
	Documents *documents.Store
	// StormFirst, when set, begins with a sign-in storm alone: every
	// official signs in at the same moment and nothing else runs, which
	// measures the hashers' rate against the machine's hash limit "when
	// nothing else waits". The surge then begins with fresh sessions.
	StormFirst bool
	// Lifecycles is how many reports go through the whole lifecycle, at
	// most every fifth official's (the default, below 0).
	Lifecycles int
	// Burst, when set, begins every lifecycle at the same moment, when
	// the surge's time is up (a stress no deadline day sees); otherwise
	// each begins at its own moment of the surge's second half, as reports
	// are submitted while others still type.
	Burst bool
}

const password = "Tai-thu-2026!ok"

type official struct {
	username string
	reportID int64
	cell     string // the input this official types into: v.b1.<row>.3
	// leader and sender of the report's unit, and a receiver of the unit
	// it reports to, when this official's report goes through the whole
	// lifecycle; "" otherwise.
	leader, sender, receiver string
}

// Prepare makes the accounts of the run: officials of the communes with
// the enter right, each on a monthly socio-economic report of its own
// (ad-hoc periods add reports when there are more officials than
// communes), and receivers of Văn phòng UBND tỉnh.
func Prepare(ctx context.Context, db *database.DB, o Options) ([]official, []string, int64, error) {
	if err := seed.DemoRegimes(ctx, db); err != nil {
		return nil, nil, 0, err
	}
	type report struct {
		ID, Unit int64
	}
	list := func() ([]report, error) {
		rows, _ := db.Query(ctx, `
			SELECT r.id, r.unit_id FROM reports r JOIN periods p ON p.id = r.period_id JOIN regimes g ON g.id = p.regime_id
			JOIN units u ON u.id = r.unit_id
			WHERE g.name = $1 AND u.kind = 'ubnd-xa' AND r.status IN ('draft', 'returned') ORDER BY r.id`, seed.SocioEconomicRegime)
		return pgx.CollectRows(rows, pgx.RowToStructByPos[report])
	}
	reports, err := list()
	if err != nil || len(reports) == 0 {
		return nil, nil, 0, fmt.Errorf("no open monthly commune reports: %v", err)
	}
	// Each official types into a report of its own, as in a province
	// where every commune's officials fill their own: with more officials
	// than commune reports, ad-hoc periods of the monthly regime add more.
	if len(reports) < o.Officials {
		var regime int64
		if err := db.QueryRow(ctx, `SELECT id FROM regimes WHERE name = $1`, seed.SocioEconomicRegime).Scan(&regime); err != nil {
			return nil, nil, 0, err
		}
		store := reportstore.NewStore(db)
		for k := 1; len(reports) < o.Officials && k <= 1000; k++ {
			start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, k)
			_, err := store.OpenAdHoc(ctx, regime, "Đợt tải thử "+strconv.Itoa(k), start, start.AddDate(0, 0, 14))
			if err != nil && apperr.Code(err) != apperr.Invalid { // Invalid: opened by an earlier run
				return nil, nil, 0, err
			}
			if reports, err = list(); err != nil {
				return nil, nil, 0, err
			}
		}
	}
	var period int64
	if err := db.QueryRow(ctx, `SELECT period_id FROM reports WHERE id = $1`, reports[0].ID).Scan(&period); err != nil {
		return nil, nil, 0, err
	}
	form, err := seed.SocioEconomicForm()
	if err != nil {
		return nil, nil, 0, err
	}
	var inputRows []string
	for _, r := range form.Rows {
		if r.Kind == "indicator" && r.Formulas["3"] == "" {
			inputRows = append(inputRows, r.Key)
		}
	}
	hash := accounts.HashPassword(password)
	insert := func(username string, unit int64, rights []string) error {
		_, err := db.Exec(ctx, `
			INSERT INTO accounts (username, full_name, unit_id, tier, rights, password_hash, must_change_password)
			VALUES ($1, $1, $2, 'user', $3, $4, false)
			ON CONFLICT (username) DO UPDATE SET unit_id = $2, rights = $3, password_hash = $4, must_change_password = false, failed_sign_ins = 0,
			       locked_until = NULL, disabled_at = NULL, last_active_at = now()`, username, unit, rights, hash)
		return err
	}
	var officials []official
	var ca *signing.CA
	sealed := map[int64]bool{}
	if o.Documents != nil {
		if ca, err = signing.NewDemoCA("CA tải thử"); err != nil {
			return nil, nil, 0, err
		}
		if _, err := o.Documents.AddAnchors(ctx, documents.PEM(ca.Cert)); err != nil {
			return nil, nil, 0, err
		}
	}
	for i := range o.Officials {
		rep := reports[i%len(reports)]
		row := inputRows[(i/len(reports))%len(inputRows)] // officials sharing a report type on different rows
		name := "taithu." + strconv.Itoa(i)
		if err := insert(name, rep.Unit, []string{"enter"}); err != nil {
			return nil, nil, 0, err
		}
		off := official{username: name, reportID: rep.ID, cell: "v.b1." + row + ".3"}
		if ca != nil && i%5 == 0 && i < len(reports) && (o.Lifecycles < 0 || i/5 < o.Lifecycles) {
			off.leader, off.sender = "taithu.lanhdao."+strconv.Itoa(i), "taithu.vanthu."+strconv.Itoa(i)
			off.receiver = "taithu.tiepnhan." + strconv.Itoa(i)
			var receiverUnit int64
			if err := db.QueryRow(ctx, `SELECT receiver_unit_id FROM reports WHERE id = $1`, rep.ID).Scan(&receiverUnit); err != nil {
				return nil, nil, 0, err
			}
			if err := insert(off.receiver, receiverUnit, []string{"consolidate"}); err != nil {
				return nil, nil, 0, err
			}
			if err := insert(off.leader, rep.Unit, []string{"approve"}); err != nil {
				return nil, nil, 0, err
			}
			if err := insert(off.sender, rep.Unit, []string{"send"}); err != nil {
				return nil, nil, 0, err
			}
			var leaderID int64
			if err := db.QueryRow(ctx, `SELECT id FROM accounts WHERE username = $1`, off.leader).Scan(&leaderID); err != nil {
				return nil, nil, 0, err
			}
			if _, err := o.Documents.Certify(ctx, ca, documents.Owner{AccountID: leaderID}, off.leader, "Tải thử", password); err != nil {
				return nil, nil, 0, err
			}
			if !sealed[rep.Unit] {
				if _, err := o.Documents.Certify(ctx, ca, documents.Owner{UnitID: rep.Unit}, "Đơn vị tải thử", "Tải thử", password); err != nil {
					return nil, nil, 0, err
				}
				sealed[rep.Unit] = true
			}
		}
		officials = append(officials, off)
	}
	var vp int64
	if err := db.QueryRow(ctx, `SELECT id FROM units WHERE key = 'vp-ubnd'`).Scan(&vp); err != nil {
		return nil, nil, 0, err
	}
	var receivers []string
	for i := range o.Receivers {
		name := "taithu.nhan." + strconv.Itoa(i)
		if err := insert(name, vp, []string{"consolidate"}); err != nil {
			return nil, nil, 0, err
		}
		receivers = append(receivers, name)
	}
	// Every commune report is sent and accepted work for the receivers? No:
	// they consolidate what exists; drafts are not counted, which is fine.
	return officials, receivers, period, nil
}

// Result is what a run measured.
type Result struct {
	Latencies map[string][]time.Duration
	Errors    map[string]int
	Conflicts int
	Acked     map[string]string // official → last value the server acknowledged
	// Tried holds the values an official sent after that one without
	// seeing an answer (a timeout, an outage page): the server may have
	// stored any of them.
	Tried     map[string][]string
	Requests  int
	Elapsed   time.Duration
	PeakRSSMB int
	// Sign-ins: how many succeeded, how many waiting pages they saw, when
	// the last one was done, and the hash limit measured on this machine.
	SignedIn, Waits int
	FirstSignIn     time.Time
	LastSignIn      time.Time
	// Steady is the surge after its last official signed in and before
	// its time was up: every official at work, nobody waiting to sign in
	// (the lifecycles among them, or after it with Burst). Surge holds
	// when each request of the surge (not of the lifecycles) started and
	// how long it took.
	Steady    struct{ From, To time.Time }
	Burst     bool
	Surge     []sample
	Steps     []time.Time // when each lifecycle request started
	HashLimit float64     // sign-ins per second the cores can hash
	SignIns   []signInSpan
	// Reports taken through the whole lifecycle to acceptance.
	Lifecycles, LifecyclesPlanned int
	AcceptedIDs                   []int64
	// Storm is the sign-in storm alone that ran before (nil: none), of
	// Officials officials.
	Storm     *Result
	Officials int
	// CPU is where the machine's processor time went during the run.
	CPU cpuUse
}

// cpuUse splits the processor time of a run between the server, the
// load test itself (it shares the machine's cores) and the rest
// (PostgreSQL above all), against the time the cores had.
type cpuUse struct {
	Server, Client, Postgres, Busy, Available time.Duration
}

// cpuClock reads the processor time used so far by the server (pid), by
// this process, by PostgreSQL's processes (with the backends that ended)
// and by the whole machine (every core's non-idle time), and the cores'
// time since boot; zero where /proc cannot be read.
func cpuClock(pid int) cpuUse {
	const tick = 10 * time.Millisecond // USER_HZ
	// stat gives a process's command and fields after it (the command may
	// hold spaces): state is fields[0], utime [11], stime [12], and the
	// time of its ended children [13] and [14].
	stat := func(path string) (command string, fields []string) {
		raw, err := os.ReadFile(path)
		if err != nil {
			return "", nil
		}
		open, end := bytes.IndexByte(raw, '('), bytes.LastIndexByte(raw, ')')
		if open < 0 || end < open {
			return "", nil
		}
		f := strings.Fields(string(raw[end+1:]))
		if len(f) < 15 {
			return "", nil
		}
		return string(raw[open+1 : end]), f
	}
	ticks := func(fields ...string) time.Duration {
		var n int64
		for _, f := range fields {
			v, _ := strconv.ParseInt(f, 10, 64)
			n += v
		}
		return time.Duration(n) * tick
	}
	var c cpuUse
	if pid > 0 {
		if _, f := stat("/proc/" + strconv.Itoa(pid) + "/stat"); f != nil {
			c.Server = ticks(f[11], f[12])
		}
	}
	if _, f := stat("/proc/self/stat"); f != nil {
		c.Client = ticks(f[11], f[12])
	}
	if dirs, err := os.ReadDir("/proc"); err == nil {
		for _, d := range dirs {
			if d.Name()[0] < '0' || d.Name()[0] > '9' {
				continue
			}
			// The postmaster's ended children are the backends that ended.
			if command, f := stat("/proc/" + d.Name() + "/stat"); command == "postgres" {
				c.Postgres += ticks(f[11], f[12], f[13], f[14])
			}
		}
	}
	if raw, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(raw), "\n")
		for i, f := range strings.Fields(line)[1:] {
			n, _ := strconv.ParseInt(f, 10, 64)
			// idle and iowait are not work; guest time is counted in user
			// time already.
			if i != 3 && i != 4 && i < 8 {
				c.Busy += time.Duration(n) * tick
			}
			if i < 8 {
				c.Available += time.Duration(n) * tick
			}
		}
	}
	return c
}

func (c cpuUse) since(start cpuUse) cpuUse {
	return cpuUse{c.Server - start.Server, c.Client - start.Client, c.Postgres - start.Postgres, c.Busy - start.Busy, c.Available - start.Available}
}

// String tells where the run's processor time went.
func (c cpuUse) String() string {
	if c.Available <= 0 {
		return "processor time: not measured (no /proc)"
	}
	pct := func(d time.Duration) float64 { return 100 * float64(d) / float64(c.Available) }
	rest := c.Busy - c.Server - c.Client - c.Postgres
	return fmt.Sprintf("processor time of the cores: server %.0f%%, load test %.0f%%, PostgreSQL %.0f%%, the rest (the kernel's network, other processes) %.0f%%, idle %.0f%%",
		pct(c.Server), pct(c.Client), pct(c.Postgres), pct(rest), pct(c.Available-c.Busy))
}

var (
	csrfField    = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	inputField   = regexp.MustCompile(`name="(v\.[^"]+)" value="([^"]*)"`)
	revision     = regexp.MustCompile(`name="revision" value="([0-9]+)"`)
	explainField = regexp.MustCompile(`<textarea[^>]*name="(note\.[^"]+)"`)
	metaRefresh  = regexp.MustCompile(`<meta http-equiv="refresh" content="([0-9]+);url=([^"]+)"`)
	section      = regexp.MustCompile(`(?s)<textarea[^>]*name="(s\.[^"]+)"[^>]*>(.*?)</textarea>`)
)

// signInSpan is one successful sign-in: from the post of the password
// to signed in, and whether it saw the waiting page (it was queued).
type signInSpan struct {
	start, end time.Time
	queued     bool
}

// queuedRate is the rate at which sign-ins were done while some waited in
// the queue: the sign-ins done between the first queued one's post and
// the last queued one's end, over that time; not ok when none was.
func queuedRate(spans []signInSpan) (rate float64, window time.Duration, ok bool) {
	var from, to time.Time
	for _, sp := range spans {
		if !sp.queued {
			continue
		}
		if from.IsZero() || sp.start.Before(from) {
			from = sp.start
		}
		if sp.end.After(to) {
			to = sp.end
		}
	}
	if from.IsZero() || !to.After(from) {
		return 0, 0, false
	}
	done := 0
	for _, sp := range spans {
		if !sp.end.Before(from) && !sp.end.After(to) {
			done++
		}
	}
	window = to.Sub(from)
	return float64(done) / window.Seconds(), window, true
}

type session struct {
	c     *http.Client
	base  string
	res   *Result
	mu    *sync.Mutex
	phase string // "" or lifecyclePhase: where its requests' latencies are counted
}

// lifecyclePhase names the requests of the lifecycles: their latencies
// are told apart from the surge's.
const lifecyclePhase = "lifecycle: "

// sample is one request of the surge.
type sample struct {
	kind string
	at   time.Time
	took time.Duration
}

func (s *session) record(kind string, start time.Time, err error) {
	took := time.Since(start)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.phase == "" {
		s.res.Surge = append(s.res.Surge, sample{kind, start, took})
	} else {
		s.res.Steps = append(s.res.Steps, start)
	}
	kind = s.phase + kind
	s.res.Requests++
	s.res.Latencies[kind] = append(s.res.Latencies[kind], took)
	if err != nil {
		s.res.Errors[kind+": "+err.Error()]++
	}
}

func (s *session) do(kind string, req *http.Request, want ...int) (int, string) {
	start := time.Now()
	resp, err := s.c.Do(req)
	if err != nil {
		s.record(kind, start, err)
		return 0, ""
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !slices.Contains(want, resp.StatusCode) {
		err = fmt.Errorf("status %d", resp.StatusCode)
	}
	s.record(kind, start, err)
	return resp.StatusCode, string(body)
}

func (s *session) get(kind, path string) (int, string) {
	req, _ := http.NewRequest(http.MethodGet, s.base+path, nil)
	return s.do(kind, req, http.StatusOK)
}

func (s *session) post(kind, path string, form url.Values, want ...int) (int, string) {
	req, _ := http.NewRequest(http.MethodPost, s.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.do(kind, req, want...)
}

// htmxPost posts a form as htmx does (the answer is a fragment, 200).
func (s *session) htmxPost(kind, path string, form url.Values) (int, string) {
	req, _ := http.NewRequest(http.MethodPost, s.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	return s.do(kind, req, http.StatusOK)
}

// formOf is the report form of a page, as the browser would post it.
func formOf(page string) url.Values {
	form := url.Values{}
	if m := csrfField.FindStringSubmatch(page); m != nil {
		form.Set("csrf_token", m[1])
	}
	if m := revision.FindStringSubmatch(page); m != nil {
		form.Set("revision", m[1])
	}
	for _, f := range inputField.FindAllStringSubmatch(page, -1) {
		form.Set(f[1], f[2])
	}
	for _, f := range section.FindAllStringSubmatch(page, -1) {
		form.Set(f[1], f[2])
	}
	return form
}

// autosaveOf is what the page's autosave sends (static/js/report.js): the
// report's cells and sections that differ from stored (what the server
// holds), with the other fields, and partial=1.
func autosaveOf(form, stored url.Values) url.Values {
	out := url.Values{"partial": {"1"}}
	for k, v := range form {
		cell := strings.HasPrefix(k, "v.") || strings.HasPrefix(k, "s.")
		if !cell || stored.Get(k) != v[0] {
			out[k] = v
		}
	}
	return out
}

func (s *session) signIn(username string) bool {
	_, page := s.get("signin-page", "/signin")
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		return false
	}
	start := time.Now()
	req, _ := http.NewRequest(http.MethodPost, s.base+"/signin", strings.NewReader(url.Values{"csrf_token": {m[1]}, "username": {username}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.c.Do(req)
	queued := false
	// A storm queues the sign-in: the browser follows the redirect to the
	// waiting page, which reloads itself (its meta refresh) until the
	// password has been checked and it redirects on.
	for err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var next string
		switch {
		case resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/signin/wait"):
			next = resp.Header.Get("Location")
		case resp.StatusCode == http.StatusSeeOther:
		case resp.StatusCode == http.StatusOK && metaRefresh.Match(body):
			m := metaRefresh.FindSubmatch(body)
			wait, _ := strconv.Atoi(string(m[1]))
			time.Sleep(time.Duration(wait) * time.Second)
			next = html.UnescapeString(string(m[2]))
			queued = true
			s.mu.Lock()
			s.res.Waits++
			s.mu.Unlock()
		default:
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		if next == "" {
			break
		}
		resp, err = s.c.Get(s.base + next)
	}
	s.record("signin", start, err)
	if err == nil {
		s.mu.Lock()
		s.res.SignedIn++ // every official with a session, the lifecycles' leaders, clerks and receivers too
		// Their sign-ins come while the surge goes on: the surge's own
		// sign-ins tell when it is steady and how fast the hashers went.
		if s.phase == "" {
			if s.res.Steady.From.Before(time.Now()) {
				s.res.Steady.From = time.Now()
			}
			if s.res.LastSignIn.Before(time.Now()) {
				s.res.LastSignIn = time.Now()
			}
			s.res.SignIns = append(s.res.SignIns, signInSpan{start: start, end: time.Now(), queued: queued})
		}
		s.mu.Unlock()
	}
	return err == nil
}

// readAndConfirm is how long an official takes, in a lifecycle, between
// the report page and the step's button and its confirmation (±50 %).
const readAndConfirm = time.Second

// lifecycle takes the official's report through every step: filled in
// (every empty input and section), submitted, approved and signed by the
// leader, sealed and sent by the clerk, accepted by a receiver.
func (s *session) lifecycle(off official, newSession func() *session) {
	s.phase = lifecyclePhase
	newSession = func(newSession func() *session) func() *session {
		return func() *session {
			other := newSession()
			other.phase = lifecyclePhase
			return other
		}
	}(newSession)
	path := "/reports/" + strconv.FormatInt(off.reportID, 10)
	_, page := s.get("report-page", path)
	form, stored := formOf(page), formOf(page)
	for k, v := range form {
		if strings.HasPrefix(k, "v.") && v[0] == "" {
			form.Set(k, "1")
		}
		if strings.HasPrefix(k, "s.") && strings.TrimSpace(v[0]) == "" {
			form.Set(k, "<p>Nội dung báo cáo tải thử.</p>")
		}
	}
	if _, answer := s.htmxPost("autosave", path, autosaveOf(form, stored)); !strings.Contains(answer, "Đã lưu lúc") {
		s.record("lifecycle", time.Now(), errors.New("the filled report was not saved"))
		return
	}
	step := func(who *session, kind, action string) bool {
		_, page := who.get("report-page", path)
		m := csrfField.FindStringSubmatch(page)
		if m == nil {
			who.record(kind, time.Now(), errors.New("no form on the report page"))
			return false
		}
		// A person reads the page, clicks and confirms the dialog.
		pause(context.Background(), readAndConfirm)
		form := url.Values{"csrf_token": {m[1]}, "confirmed": {"yes"}}
		if action != "submit" {
			code, _ := who.post(kind, path+"/"+action, form, http.StatusSeeOther)
			return code == http.StatusSeeOther
		}
		// Figures far from the unit's history are explained before the
		// report goes to the leader, as an official does on that page.
		code, page := who.post(kind, path+"/submit", form, http.StatusSeeOther, http.StatusOK)
		if code == http.StatusOK {
			notes := explainField.FindAllStringSubmatch(page, -1)
			if len(notes) == 0 {
				who.record(kind, time.Now(), errors.New("submitting answered a page that is not the explanation page"))
				return false
			}
			form.Set("explained", "yes")
			for _, n := range notes {
				form.Set(n[1], "Số liệu tải thử, đã kiểm tra.")
			}
			code, _ = who.post(kind, path+"/submit", form, http.StatusSeeOther)
		}
		return code == http.StatusSeeOther
	}
	if !step(s, "submit", "submit") {
		return
	}
	leader := newSession()
	if !leader.signIn(off.leader) || !step(leader, "approve", "approve") || !step(leader, "sign", "sign") {
		return
	}
	sender := newSession()
	if !sender.signIn(off.sender) || !step(sender, "seal", "seal") || !step(sender, "send", "send") {
		return
	}
	recv := newSession()
	if recv.signIn(off.receiver) && step(recv, "accept", "accept") {
		s.mu.Lock()
		s.res.Lifecycles++
		s.res.AcceptedIDs = append(s.res.AcceptedIDs, off.reportID)
		s.mu.Unlock()
	}
}

// Run drives the surge.
func Run(ctx context.Context, o Options, officials []official, receivers []string, period int64) *Result {
	res := newResult()
	res.Burst = o.Burst
	var mu sync.Mutex
	sessionOf := func(res *Result) *session {
		jar, _ := cookiejar.New(nil)
		return &session{c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, base: o.BaseURL, res: res, mu: &mu}
	}
	newSession := func() *session { return sessionOf(res) }
	res.HashLimit = hashLimit()
	if o.StormFirst {
		res.Storm = storm(o, officials, sessionOf)
		res.Storm.HashLimit = res.HashLimit
	}
	ctx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	res.Steady.To, _ = ctx.Deadline()
	peak := make(chan int, 1)
	go func() { peak <- watchRSS(ctx, o.ServerPID) }()
	clock := cpuClock(o.ServerPID)
	for _, off := range officials {
		if off.leader != "" {
			res.LifecyclesPlanned++
		}
	}
	start := time.Now()
	res.FirstSignIn = start
	var wg sync.WaitGroup
	for _, off := range officials {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// An official whose report goes through its lifecycle types
			// until a moment of the surge's second half (or until its end,
			// with Burst), then takes the report to acceptance.
			ctx := ctx
			if off.leader != "" && !o.Burst {
				var stop context.CancelFunc
				ctx, stop = context.WithDeadline(ctx, start.Add(o.Duration/2+rand.N(o.Duration/2)))
				defer stop()
			}
			// Officials arrive over the first third of the run, as they
			// do on a deadline morning, not all in the same millisecond.
			pause(ctx, o.Duration/6)
			s := newSession()
			if !s.signIn(off.username) {
				return
			}
			path := "/reports/" + strconv.FormatInt(off.reportID, 10)
			// The official opens the report and types; the page autosaves
			// through htmx (as in the browser), and now and then the
			// official goes home and opens the report again.
			var form, stored url.Values
			open := func() {
				s.get("home", "/")
				_, page := s.get("report-page", path)
				form, stored = formOf(page), formOf(page)
			}
			open()
			for n := 0; n < o.MaxActions && ctx.Err() == nil; n++ {
				pause(ctx, o.Think)
				if ctx.Err() != nil {
					break
				}
				value := strconv.Itoa(rand.IntN(1_000_000))
				form.Set(off.cell, value)
				key := off.username + "|" + strconv.FormatInt(off.reportID, 10) + "|" + off.cell
				mu.Lock()
				res.Tried[key] = append(res.Tried[key], value)
				mu.Unlock()
				_, answer := s.htmxPost("autosave", path, autosaveOf(form, stored))
				m := revision.FindStringSubmatch(answer)
				switch {
				case m != nil && strings.Contains(answer, "Đã lưu lúc"):
					form.Set("revision", m[1])
					stored.Set(off.cell, value)
					mu.Lock()
					res.Acked[key] = value
					res.Tried[key] = nil
					mu.Unlock()
				case strings.Contains(answer, "Chưa lưu"):
					// Someone else saved the report meanwhile: a conflict the
					// page explains. Any other refusal is a failed save.
					mu.Lock()
					if strings.Contains(answer, "vừa lưu báo cáo") {
						res.Conflicts++
					} else {
						res.Errors["autosave: not saved: "+notSaved(answer)]++
					}
					mu.Unlock()
					open() // reload, as the page tells the official to
				}
				if n%10 == 9 {
					open()
				}
			}
			if off.leader != "" {
				s.lifecycle(off, newSession)
			}
		}()
	}
	for _, name := range receivers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := newSession()
			if !s.signIn(name) {
				return
			}
			for n := 0; n < o.MaxActions && ctx.Err() == nil; n++ {
				s.get("consolidation", "/received/"+strconv.FormatInt(period, 10))
				pause(ctx, o.Think)
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.CPU = cpuClock(o.ServerPID).since(clock)
	cancel()
	res.PeakRSSMB = <-peak
	// The server is quiet again: a second measure, in case the first was
	// disturbed (by the server's work after its start, say).
	res.HashLimit = max(res.HashLimit, hashLimit())
	return res
}

// notSaved is the reason an autosave answer gives for not saving.
func notSaved(answer string) string {
	_, why, _ := strings.Cut(answer, "Chưa lưu")
	why, _, _ = strings.Cut(why, "<")
	return strings.TrimLeft(why, ": ")
}

func newResult() *Result {
	return &Result{Latencies: map[string][]time.Duration{}, Errors: map[string]int{}, Acked: map[string]string{}, Tried: map[string][]string{}}
}

// storm signs every official in at the same moment, and does nothing
// else: the sign-ins queue for the hashers from the first to the last.
func storm(o Options, officials []official, sessionOf func(*Result) *session) *Result {
	res := newResult()
	res.Officials = len(officials)
	clock := cpuClock(o.ServerPID)
	start := time.Now()
	res.FirstSignIn = start
	var wg sync.WaitGroup
	for _, off := range officials {
		wg.Go(func() { sessionOf(res).signIn(off.username) })
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.CPU = cpuClock(o.ServerPID).since(clock)
	return res
}

// pause waits about d (between half and one and a half of it), or until
// the run ends.
func pause(ctx context.Context, d time.Duration) {
	wait := d/2 + time.Duration(rand.Int64N(int64(d)+1))
	select {
	case <-ctx.Done():
	case <-time.After(wait):
	}
}

// Verify checks that the last value each official saw acknowledged is in
// the database (or one sent after it whose answer never came), unless another official of the same report saved after it
// over the same cell (each official has its own cell, so none should), and
// that every report a receiver was seen to accept is accepted. It returns
// one line for each that is not.
func Verify(ctx context.Context, db *database.DB, res *Result) (lost []string, err error) {
	for _, id := range res.AcceptedIDs {
		var status string
		if err := db.QueryRow(ctx, `SELECT status FROM reports WHERE id = $1`, id).Scan(&status); err != nil {
			return lost, err
		}
		if status != "accepted" {
			lost = append(lost, fmt.Sprintf("report %d: accepted, now %s", id, status))
		}
	}
	for key, want := range res.Acked {
		parts := strings.SplitN(key, "|", 3)
		id, _ := strconv.ParseInt(parts[1], 10, 64)
		cell := strings.Split(strings.TrimPrefix(parts[2], "v."), ".")
		var got *string // numeric::text: exact, as every stored figure is read
		err := db.QueryRow(ctx, `SELECT num::text FROM report_values WHERE report_id = $1 AND form_key = $2 AND row_key = $3 AND col_code = $4`,
			id, cell[0], cell[1], cell[2]).Scan(&got)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return lost, err
		}
		if got == nil || !slices.ContainsFunc(append(res.Tried[key], want), func(v string) bool { return sameFigure(*got, v) }) {
			stored := "nothing"
			if got != nil {
				stored = *got
			}
			lost = append(lost, fmt.Sprintf("%s, report %d, cell %s: acknowledged %s, stored %s", parts[0], id, parts[2], want, stored))
		}
	}
	slices.Sort(lost)
	return lost, nil
}

// sameFigure compares a stored numeric's text with the integer typed.
func sameFigure(stored, typed string) bool {
	x, errX := decimal.ParseCanonical(stored)
	y, errY := decimal.ParseCanonical(typed)
	return errX == nil && errY == nil && x.Equal(y)
}

// hashLimit measures how many argon2id checks per second the cores of
// this machine can make (hashes timed on every core at once): the
// ceiling of sign-ins per second. Each core first hashes once untimed,
// as the server's hashers have their memory mapped by the time a storm
// queues: a first hash in fresh memory takes four times as long (its
// 19 MiB of page faults), which would halve the limit. Anything else
// running can only slow the hashes, so the limit is the best of several
// rounds (about a second in all).
func hashLimit() float64 {
	const hashes, rounds = 4, 5
	n := runtime.NumCPU()
	mems := make([]argon2.Memory, n) // as the server's hashers keep theirs
	hash := func(i int) { mems[i].IDKey([]byte(password), []byte("sel-tai-thu-16oc"), 2, 19*1024, 1, 32) }
	var best float64
	for round := range rounds + 1 {
		var wg sync.WaitGroup
		start := time.Now()
		for i := range n {
			wg.Go(func() {
				for range hashes {
					hash(i)
				}
			})
		}
		wg.Wait()
		if round > 0 { // the first round maps the memory
			best = max(best, float64(hashes*n)/time.Since(start).Seconds())
		}
	}
	for i := range mems {
		mems[i].Release()
	}
	return best
}

// Budgets of SPEC §8 that the run is held to.
const (
	budgetP99      = 200 * time.Millisecond
	budgetRSSMB    = 200
	budgetPerKB    = 150 // KB of server memory per signed-in official
	budgetHashRate = 0.9 // of the hash limit, while sign-ins queue
)

// Report prints each figure beside its budget and returns the problems
// (none: the run met every budget that is a rule: no error, no lost
// value, every lifecycle to acceptance).
func Report(w io.Writer, res *Result, lost []string) (problems []string) {
	missing := len(lost)
	mark := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "OVER"
	}
	if st := res.Storm; st != nil {
		fmt.Fprintf(w, "sign-in storm alone: %d officials at once, %d signed in in %s (%d waiting pages shown), %d failed\n",
			st.Officials, st.SignedIn, st.Elapsed.Round(time.Millisecond), st.Waits, countErrors(st))
		if rate, window, ok := queuedRate(st.SignIns); ok {
			fmt.Fprintf(w, "  while some queued (%.1f s): %.1f sign-ins/s, %.0f%% of the hash limit %.1f/s (goal ≥ %.0f%%) %s\n",
				window.Seconds(), rate, 100*rate/res.HashLimit, res.HashLimit, budgetHashRate*100, mark(rate >= budgetHashRate*res.HashLimit))
		}
		fmt.Fprintf(w, "  %s\n", st.CPU)
		for msg, n := range st.Errors {
			fmt.Fprintf(w, "  error x%d: %s\n", n, msg)
		}
		if n := countErrors(st); n > 0 {
			problems = append(problems, fmt.Sprintf("%d requests of the sign-in storm failed", n))
		}
		fmt.Fprintln(w, "the surge:")
	}
	fmt.Fprintf(w, "requests %d in %s (%.0f/s), conflicts %d (reloaded and retried)\n",
		res.Requests, res.Elapsed.Round(time.Millisecond), float64(res.Requests)/res.Elapsed.Seconds(), res.Conflicts)
	kinds := make([]string, 0, len(res.Latencies))
	for k := range res.Latencies {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	fmt.Fprintf(w, "  %-26s %-7s %-9s %-9s %-9s %s\n", "kind", "n", "p50", "p95", "p99", "budget p99")
	for _, k := range kinds {
		l := res.Latencies[k]
		slices.Sort(l)
		p := func(q float64) time.Duration { return l[min(len(l)-1, int(q*float64(len(l))))] }
		budget := "≤ " + budgetP99.String() + " " + mark(p(0.99) <= budgetP99)
		switch strings.TrimPrefix(k, lifecyclePhase) {
		case "signin":
			budget = "none fails (queued: time to signed in)"
		case "sign", "seal":
			budget = "≤ 200ms with the PDF " + mark(p(0.99) <= budgetP99)
		}
		fmt.Fprintf(w, "  %-26s n=%-5d %-9s %-9s %-9s %s\n", k, len(l), p(0.50).Round(time.Millisecond), p(0.95).Round(time.Millisecond), p(0.99).Round(time.Millisecond), budget)
	}
	if l, window := steady(res); len(l) > 0 {
		p := func(q float64) time.Duration { return l[min(len(l)-1, int(q*float64(len(l))))].Round(time.Millisecond) }
		among := "with the lifecycles"
		if res.Burst {
			among = "before the lifecycles"
		}
		fmt.Fprintf(w, "  the steady surge (%.0f s after the last sign-in, %s): n=%d p50 %s p95 %s p99 %s (≤ %s) %s\n",
			window.Seconds(), among, len(l), p(0.5), p(0.95), p(0.99), budgetP99, mark(p(0.99) <= budgetP99))
		fmt.Fprintf(w, "    its p99 by 10 s: %s\n", strings.Join(timeline(res, 10*time.Second), ", "))
	}
	if span := res.LastSignIn.Sub(res.FirstSignIn).Seconds(); res.SignedIn > 0 && span > 0 {
		fmt.Fprintf(w, "sign-ins of the surge's officials %d (%d waiting pages shown) over %.1f s, and %d of the lifecycles; hash limit of this machine %.1f/s\n",
			len(res.SignIns), res.Waits, span, res.SignedIn-len(res.SignIns), res.HashLimit)
	}
	if rate, window, ok := queuedRate(res.SignIns); ok {
		fmt.Fprintf(w, "  while some queued (%.1f s): %.1f sign-ins/s, %.0f%% of the hash limit, with signed-in work served first\n",
			window.Seconds(), rate, 100*rate/res.HashLimit)
	}
	fmt.Fprintln(w, res.CPU)
	fmt.Fprintf(w, "lifecycles to acceptance %d of %d (submit, approve, sign, seal, send, accept)\n", res.Lifecycles, res.LifecyclesPlanned)
	if res.Lifecycles != res.LifecyclesPlanned {
		problems = append(problems, fmt.Sprintf("%d of %d lifecycles did not reach acceptance", res.LifecyclesPlanned-res.Lifecycles, res.LifecyclesPlanned))
	}
	errs := countErrors(res)
	for msg, n := range res.Errors {
		fmt.Fprintf(w, "  error x%d: %s\n", n, msg)
	}
	fmt.Fprintf(w, "errors %d (budget 0) %s\n", errs, mark(errs == 0))
	if errs > 0 {
		problems = append(problems, fmt.Sprintf("%d requests failed", errs))
	}
	fmt.Fprintf(w, "lost values %d (budget 0) %s\n", missing, mark(missing == 0))
	for _, l := range lost[:min(len(lost), 20)] {
		fmt.Fprintf(w, "  lost: %s\n", l)
	}
	if missing > 0 {
		problems = append(problems, fmt.Sprintf("%d acknowledged values are not in the database", missing))
	}
	if res.PeakRSSMB > 0 {
		fmt.Fprintf(w, "server peak resident memory %d MB (budget ≤ %d MB) %s", res.PeakRSSMB, budgetRSSMB, mark(res.PeakRSSMB <= budgetRSSMB))
		if res.SignedIn > 0 {
			per := res.PeakRSSMB * 1024 / res.SignedIn
			fmt.Fprintf(w, "; %d KB per signed-in official (goal ≤ %d KB, includes the process's base)", per, budgetPerKB)
		}
		fmt.Fprintln(w)
	}
	return problems
}

// steady is the sorted latencies of the surge's requests, sign-ins
// apart, that started in its steady part, and how long that lasted.
func steady(res *Result) ([]time.Duration, time.Duration) {
	from, to := res.Steady.From, res.Steady.To
	if from.IsZero() || !to.After(from) {
		return nil, 0
	}
	var l []time.Duration
	for _, x := range res.Surge {
		if !strings.HasPrefix(x.kind, "signin") && !x.at.Before(from) && x.at.Before(to) {
			l = append(l, x.took)
		}
	}
	slices.Sort(l)
	return l, to.Sub(from)
}

// timeline is the p99 of the steady surge's requests, sign-ins apart, by
// the span they started in, with how many lifecycle requests started in
// each span: where in the run a tail came from.
func timeline(res *Result, span time.Duration) []string {
	from, to := res.Steady.From, res.Steady.To
	var spans [][]time.Duration
	var steps []int
	for _, x := range res.Surge {
		if strings.HasPrefix(x.kind, "signin") || x.at.Before(from) || !x.at.Before(to) {
			continue
		}
		i := int(x.at.Sub(from) / span)
		for len(spans) <= i {
			spans, steps = append(spans, nil), append(steps, 0)
		}
		spans[i] = append(spans[i], x.took)
	}
	for _, at := range res.Steps {
		if i := int(at.Sub(from) / span); !at.Before(from) && at.Before(to) && i < len(steps) {
			steps[i]++
		}
	}
	out := make([]string, len(spans))
	for i, l := range spans {
		if len(l) == 0 {
			out[i] = "–"
			continue
		}
		slices.Sort(l)
		out[i] = l[min(len(l)-1, int(0.99*float64(len(l))))].Round(time.Millisecond).String()
		if steps[i] > 0 {
			out[i] += fmt.Sprintf(" (%d lifecycle requests)", steps[i])
		}
	}
	return out
}

func countErrors(res *Result) int {
	n := 0
	for _, k := range res.Errors {
		n += k
	}
	return n
}

// watchRSS reads the server's peak resident set (VmHWM) when the run ends.
func watchRSS(ctx context.Context, pid int) int {
	<-ctx.Done()
	if pid == 0 {
		return 0
	}
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(line, "VmHWM:"), "kB")))
			return kb / 1024
		}
	}
	return 0
}
