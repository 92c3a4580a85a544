package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"baocao/internal/accounts"
	"baocao/internal/policy"
)

// Who may reach each route, written out by hand from SPEC §2 rather than
// computed from the policy, so that the test checks the policy. A route
// without a row here fails the test.
type allow func(actor string, own bool) bool

var (
	anyone   allow = func(string, bool) bool { return true }
	signedIn allow = func(actor string, _ bool) bool { return actor != "anonymous" }
	sysAdmin allow = func(actor string, _ bool) bool { return actor == "system admin" }
	admins   allow = func(actor string, _ bool) bool { return actor == "system admin" || actor == "unit admin" }
	// Reports: the own object is a report of so-y-te sent to vp-ubnd; the
	// other is a commune's report sent to so-y-te, which so-y-te receives.
	// The other report is a draft never sent: its receiver may not read it yet.
	readReport allow = func(actor string, own bool) bool {
		return actor == "system admin" || (actor != "anonymous" && own)
	}
	editReport    allow = func(actor string, own bool) bool { return own && (actor == "enter" || actor == "consolidate") }
	approveReport allow = func(actor string, own bool) bool { return own && actor == "approve" }
	sendReport    allow = func(actor string, own bool) bool { return own && actor == "send" }
	receivers     allow = func(actor string, _ bool) bool { return actor == "consolidate" || actor == "approve" }
	// Accepting, returning and retrying need a report that was sent: the
	// other report, a draft, may not be received by anyone yet
	// (TestReceivingNeedsASentReport tries a sent one).
	receiveReport allow = func(string, bool) bool { return false }

	// Dashboards: both admin tiers and the receivers, each within its scope.
	dashboards allow = func(actor string, _ bool) bool {
		return actor == "system admin" || actor == "unit admin" || actor == "consolidate" || actor == "approve"
	}

	// The VGCA service's routes: only the single-use token in the URL
	// grants anything; with a made-up one everybody is refused.
	tokenOnly allow = func(string, bool) bool { return false }
	// The JSON API: only a client's bearer token grants anything (its
	// scope is tested in api_test.go); no session does.
	apiOnly allow = func(string, bool) bool { return false }

	// A unit admin manages the users of its own subtree only, and the
	// regimes its own unit owns.
	manageUser allow = func(actor string, own bool) bool {
		return actor == "system admin" || (actor == "unit admin" && own)
	}
	// A leader's own signature image.
	leaders allow = func(actor string, _ bool) bool { return actor == "approve" }
)

var matrix = map[string]allow{
	"GET /healthz":     anyone,
	"GET /readyz":      anyone,
	"GET /static/*":    anyone,
	"GET /signin":      anyone,
	"POST /signin":     anyone,
	"GET /signin/wait": anyone,
	"GET /signin/otp":  anyone,
	"POST /signin/otp": anyone,
	"POST /signout":    signedIn,

	"GET /sign/files/{token}":    tokenOnly,
	"POST /sign/uploads/{token}": tokenOnly,
	"GET /vgca/plugin.js":        anyone,

	"GET /api/v1/openapi.json":                  anyone,
	"GET /api/v1/regimes":                       apiOnly,
	"GET /api/v1/regimes/{regime}/templates":    apiOnly,
	"GET /api/v1/regimes/{regime}/periods":      apiOnly,
	"GET /api/v1/units/{unit}/reports":          apiOnly,
	"GET /api/v1/reports/{report}":              apiOnly,
	"PUT /api/v1/reports/{report}/values":       apiOnly,
	"GET /api/v1/indicators/{code}/values":      apiOnly,
	"GET /admin/api-clients":                    sysAdmin,
	"POST /admin/api-clients":                   sysAdmin,
	"POST /admin/api-clients/{clientID}/revoke": sysAdmin,

	"GET /":                     signedIn,
	"GET /account":              signedIn,
	"POST /account":             signedIn,
	"GET /account/password":     signedIn,
	"POST /account/password":    signedIn,
	"GET /account/2fa":          signedIn,
	"POST /account/2fa":         signedIn,
	"GET /account/2fa/qr.png":   signedIn,
	"POST /account/2fa/disable": signedIn,

	// Each account's own notifications; another's ID is refused by the
	// store (TestNotificationsAreOwn).
	"GET /notifications":                        signedIn,
	"POST /notifications/read-all":              signedIn,
	"POST /notifications/{notificationID}/read": signedIn,
	"GET /account/notifications":                signedIn,
	"POST /account/notifications":               signedIn,

	"GET /account/certificate":         signedIn,
	"POST /account/certificate":        signedIn,
	"POST /account/certificate/delete": signedIn,

	"GET /admin/units":                 sysAdmin,
	"GET /admin/units/new":             sysAdmin,
	"POST /admin/units":                sysAdmin,
	"GET /admin/units/{unitID}":        sysAdmin,
	"GET /admin/units/{unitID}/edit":   sysAdmin,
	"POST /admin/units/{unitID}":       sysAdmin,
	"POST /admin/units/{unitID}/close": sysAdmin,
	// A unit's seal: its admin or one above it, like its users.
	"GET /admin/units/{unitID}/seal":                      manageUser,
	"POST /admin/units/{unitID}/seal":                     manageUser,
	"POST /admin/units/{unitID}/seal/delete":              manageUser,
	"GET /admin/trust":                                    sysAdmin,
	"POST /admin/trust":                                   sysAdmin,
	"POST /admin/trust/{anchorID}/delete":                 sysAdmin,
	"GET /admin/accounts/{accountID}/certificate":         manageUser,
	"POST /admin/accounts/{accountID}/certificate":        manageUser,
	"POST /admin/accounts/{accountID}/certificate/delete": manageUser,
	"POST /admin/units/{unitID}/reopen":                   sysAdmin,
	// Dated changes of units (issue 17).
	"POST /admin/units/{unitID}/rename": sysAdmin,
	"POST /admin/units/{unitID}/move":   sysAdmin,
	"POST /admin/units/{unitID}/merge":  sysAdmin,
	"POST /admin/units/{unitID}/split":  sysAdmin,
	"POST /admin/units/{unitID}/shares": sysAdmin,

	"GET /admin/accounts":                             admins,
	"GET /admin/accounts/new":                         admins,
	"POST /admin/accounts":                            admins,
	"GET /admin/accounts/{accountID}":                 manageUser,
	"GET /admin/accounts/{accountID}/edit":            manageUser,
	"POST /admin/accounts/{accountID}":                manageUser,
	"POST /admin/accounts/{accountID}/lock":           manageUser,
	"POST /admin/accounts/{accountID}/unlock":         manageUser,
	"POST /admin/accounts/{accountID}/reset-password": manageUser,
	"POST /admin/accounts/{accountID}/reset-2fa":      manageUser,
	"POST /admin/accounts/{accountID}/disable":        manageUser,
	"POST /admin/accounts/{accountID}/enable":         manageUser,

	"GET /admin/audit":        admins,
	"GET /admin/audit/export": admins,
	"GET /usage":              admins,
	// The old units' reports an admin's subtree holds now (issue 17).
	"GET /predecessors": admins,

	"GET /regimes":                                               admins,
	"GET /regimes/new":                                           admins,
	"POST /regimes":                                              admins,
	"GET /regimes/{regimeID}":                                    manageUser,
	"GET /regimes/{regimeID}/edit":                               manageUser,
	"POST /regimes/{regimeID}":                                   manageUser,
	"POST /regimes/{regimeID}/retire":                            manageUser,
	"POST /regimes/{regimeID}/periods":                           manageUser,
	"GET /regimes/{regimeID}/template":                           manageUser,
	"POST /regimes/{regimeID}/template/new-draft":                manageUser,
	"POST /regimes/{regimeID}/template/publish":                  manageUser,
	"GET /regimes/{regimeID}/template/outline":                   manageUser,
	"POST /regimes/{regimeID}/template/outline":                  manageUser,
	"POST /regimes/{regimeID}/template/forms":                    manageUser,
	"GET /regimes/{regimeID}/template/forms/{formKey}":           manageUser,
	"POST /regimes/{regimeID}/template/forms/{formKey}":          manageUser,
	"POST /regimes/{regimeID}/template/forms/{formKey}/delete":   manageUser,
	"GET /regimes/{regimeID}/template/forms/{formKey}/rows":      manageUser,
	"POST /regimes/{regimeID}/template/forms/{formKey}/rows":     manageUser,
	"GET /regimes/{regimeID}/template/forms/{formKey}/preview":   manageUser,
	"GET /regimes/{regimeID}/template/forms/{formKey}/xlsx":      manageUser,
	"POST /regimes/{regimeID}/template/import":                   manageUser,
	"GET /regimes/{regimeID}/assignments":                        manageUser,
	"POST /regimes/{regimeID}/assignments":                       manageUser,
	"POST /regimes/{regimeID}/assignments/{assignmentID}/end":    manageUser,
	"GET /reports/{reportID}":                                    readReport,
	"POST /reports/{reportID}":                                   editReport,
	"GET /reports/{reportID}/forms/{formKey}/xlsx":               readReport,
	"POST /reports/{reportID}/import":                            editReport,
	"POST /reports/{reportID}/attachments":                       editReport,
	"GET /reports/{reportID}/attachments/{attachmentID}":         readReport,
	"POST /reports/{reportID}/attachments/{attachmentID}/delete": editReport,
	"GET /reports/{reportID}/pdf":                                readReport,
	"POST /reports/{reportID}/submit":                            editReport,
	"POST /reports/{reportID}/approve":                           approveReport,
	"POST /reports/{reportID}/return-internal":                   approveReport,
	"POST /reports/{reportID}/send":                              sendReport,
	"POST /reports/{reportID}/sign":                              approveReport,
	"POST /reports/{reportID}/sign/tokens":                       approveReport,
	"POST /reports/{reportID}/sign/pdf":                          approveReport,
	"POST /reports/{reportID}/sign/upload":                       approveReport,
	"POST /reports/{reportID}/gov-retry":                         receiveReport,
	"POST /reports/{reportID}/seal":                              sendReport,
	"POST /reports/{reportID}/seal/tokens":                       sendReport,
	"POST /reports/{reportID}/seal/pdf":                          sendReport,
	"POST /reports/{reportID}/seal/upload":                       sendReport,
	"POST /reports/{reportID}/accept":                            receiveReport,
	"POST /reports/{reportID}/return":                            receiveReport,
	"POST /reports/{reportID}/supplement":                        editReport,
	"GET /received":                                              receivers,
	"GET /received/{periodID}":                                   receivers,
	"GET /received/{periodID}/cell":                              receivers,
	"POST /received/{periodID}/prefill":                          receivers,
	"GET /received/{periodID}/forms/{formKey}/xlsx":              receivers,
	"GET /received/{periodID}/forms/{formKey}/csv":               receivers,
	"POST /received/{periodID}/archives":                         receivers,
	"GET /received/{periodID}/archives/{archiveID}":              receivers,
	"GET /received/{periodID}/archives/{archiveID}/file":         receivers,
	"GET /reports/{reportID}/forms/{formKey}/csv":                readReport,
	"GET /dashboards":                                            dashboards,
	"GET /dashboards/trends":                                     dashboards,
	"GET /dashboards/export":                                     dashboards,
	"GET /dashboards/chart":                                      dashboards,
	"GET /dashboards/activity":                                   sysAdmin,
	"GET /admin/outages":                                         sysAdmin,
	"POST /admin/outages":                                        sysAdmin,
	"POST /reports/{reportID}/send-eoffice":                      sendReport,
	"GET /admin/assignments":                                     sysAdmin,
	"POST /admin/assignments/{assignmentID}/confirm":             sysAdmin,
	"POST /admin/assignments/{assignmentID}/reject":              sysAdmin,

	// The narrative's drafted sentences.
	"GET /reports/{reportID}/sections/{sectionKey}/draft": editReport,
	"GET /regimes/{regimeID}/template/drafts":             manageUser,
	"POST /regimes/{regimeID}/template/drafts":            manageUser,
	// ND 30 documents: a unit's letterhead like its seal; a leader's own signature image; the verification report like the report.
	"GET /admin/units/{unitID}/letterhead":              manageUser,
	"POST /admin/units/{unitID}/letterhead":             manageUser,
	"POST /admin/units/{unitID}/letterhead/reset":       manageUser,
	"GET /admin/units/{unitID}/letterhead/seal.png":     manageUser,
	"POST /admin/units/{unitID}/letterhead/seal/upload": manageUser,
	"POST /admin/units/{unitID}/letterhead/seal/delete": manageUser,
	"POST /admin/accounts/{accountID}/capacity":         manageUser,
	"GET /account/signature":                            leaders,
	"GET /account/signature.png":                        leaders,
	"POST /account/signature/upload":                    leaders,
	"POST /account/signature/delete":                    leaders,
	"GET /reports/{reportID}/verification":              readReport,
	// Figures a receiver can trust (issue 18).
	"GET /reports/{reportID}/cell":  readReport,
	"POST /reports/{reportID}/note": editReport,
	// Questions without a return (issue 18).
	"POST /reports/{reportID}/questions":                     receiveReport,
	"POST /reports/{reportID}/questions/{questionID}/answer": editReport,
	"POST /reports/{reportID}/questions/{questionID}/close":  receiveReport,

	// The unit search pickers (issue 15).
	"GET /dashboards/units":   dashboards,
	"GET /admin/units/search": admins,
}

// TestAuthorizationMatrix tries every registered route with every tier and
// right, against objects of the actor's own subtree and of another one.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	actors := map[string]*accounts.Account{
		"anonymous":    nil,
		"system admin": h.account("qtht", "so-kh-cn", accounts.SystemAdmin),
		"unit admin":   h.account("qt.syte", "so-y-te", accounts.UnitAdmin),
		"enter":        h.account("nhaplieu.syte", "so-y-te", accounts.User, accounts.Enter),
		"consolidate":  h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate),
		"approve":      h.account("lanhdao.syte", "so-y-te", accounts.User, accounts.Approve),
		"send":         h.account("vanthu.syte", "so-y-te", accounts.User, accounts.Send),
	}
	objects := map[bool]map[string]int64{
		true: {"accountID": h.account("doituong.syte", "so-y-te", accounts.User, accounts.Enter).ID, "unitID": h.unit("so-y-te").ID,
			"regimeID": h.regime("so-y-te").ID, "indicatorID": h.indicator("so-y-te").ID,
			"reportID": h.report("so-y-te", "vp-ubnd")},
		false: {"accountID": h.account("doituong.nhatrang", "xa-22366", accounts.User, accounts.Enter).ID, "unitID": h.unit("xa-22366").ID,
			"regimeID": h.regime("xa-22366").ID, "indicatorID": h.indicator("xa-22366").ID,
			"reportID": h.report("xa-22366", "so-y-te")},
	}

	var routes []string
	err := chi.Walk(h.s.Router(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) < len(matrix) {
		t.Errorf("walked %d routes, matrix has %d rows", len(routes), len(matrix))
	}
	for _, route := range routes {
		want, ok := matrix[route]
		if !ok {
			t.Errorf("route %s has no row in the authorization matrix", route)
			continue
		}
		if _, ok := h.s.Action(route); !ok {
			t.Errorf("route %s was registered without a policy action (use Server.handle)", route)
			continue
		}
		method, pattern, _ := strings.Cut(route, " ")
		for name, actor := range actors {
			for _, own := range []bool{true, false} {
				target := pattern
				for param, id := range objects[own] {
					target = strings.ReplaceAll(target, "{"+param+"}", strconv.FormatInt(id, 10))
				}
				target = strings.ReplaceAll(target, "*", "css/app.css")
				var cookie *http.Cookie
				var csrf string
				if actor != nil {
					cookie, csrf = h.sessionFor(actor)
				} else {
					cookie, csrf = h.anonymousSession()
				}
				var form url.Values
				if method == http.MethodPost {
					form = url.Values{"csrf_token": {csrf}}
				}
				rec := h.do(method, target, cookie, form)
				public := want("anonymous", own)
				denied := rec.Code == http.StatusForbidden ||
					(!public && rec.Code == http.StatusUnauthorized) ||
					(!public && rec.Code == http.StatusSeeOther && strings.HasPrefix(rec.Header().Get("Location"), "/signin"))
				if allowed := want(name, own); allowed == denied {
					t.Errorf("%s %s as %s (own subtree: %v): status %d, location %q; want allowed=%v",
						method, target, name, own, rec.Code, rec.Header().Get("Location"), allowed)
				}
				if rec.Code == http.StatusInternalServerError {
					t.Errorf("%s %s as %s: 500", method, target, name)
				}
			}
		}
	}
}

// anonymousSession is a visitor who has loaded a page and holds a CSRF token.
func (h *harness) anonymousSession() (*http.Cookie, string) {
	h.t.Helper()
	sm := h.s.sessions
	ctx, err := sm.Load(h.ctx, "")
	if err != nil {
		h.t.Fatal(err)
	}
	sm.Put(ctx, sessCSRF, "csrf-anonymous")
	token, _, err := sm.Commit(ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	return &http.Cookie{Name: sm.Cookie.Name, Value: token}, "csrf-anonymous"
}

// TestEveryActionIsPublicOnlyWhenMeantTo guards against a route marked
// Public by mistake.
func TestEveryActionIsPublicOnlyWhenMeantTo(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for route, want := range matrix {
		act, ok := h.s.Action(route)
		if !ok {
			t.Errorf("matrix row %s names no registered route", route)
			continue
		}
		// A token route and the API are public to the session policy: their
		// token decides.
		tokenDecides := strings.Contains(route, "{token}") || (strings.Contains(route, " /api/v1/") && !strings.HasSuffix(route, "openapi.json"))
		if (act == policy.Public) != (want("anonymous", true) || tokenDecides) {
			t.Errorf("route %s: action %s, but the matrix says anonymous allowed=%v", route, act, want("anonymous", true))
		}
	}
}

// TestReceivingNeedsASentReport tries the receiver's routes on a report
// before and after it was sent: before, nobody may; after, the receiving
// unit's consolidate and approve rights may.
func TestReceivingNeedsASentReport(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	actors := map[string]*accounts.Account{
		"system admin": h.account("qtht", "so-kh-cn", accounts.SystemAdmin),
		"unit admin":   h.account("qt.syte", "so-y-te", accounts.UnitAdmin),
		"enter":        h.account("nhaplieu.syte", "so-y-te", accounts.User, accounts.Enter),
		"consolidate":  h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate),
		"approve":      h.account("lanhdao.syte", "so-y-te", accounts.User, accounts.Approve),
		"send":         h.account("vanthu.syte", "so-y-te", accounts.User, accounts.Send),
	}
	var routes []string
	for route, act := range h.s.actions {
		if act == policy.ReceiveReport {
			routes = append(routes, route)
		}
	}
	if len(routes) < 3 {
		t.Fatalf("receiving routes %v, want accept, return and gov-retry", routes)
	}
	for _, sent := range []bool{false, true} {
		id := h.report("xa-22366", "so-y-te")
		if sent {
			if _, err := h.db.Exec(h.ctx, `UPDATE reports SET status = 'sent', sent_at = now() WHERE id = $1`, id); err != nil {
				t.Fatal(err)
			}
		}
		for _, route := range routes {
			method, pattern, _ := strings.Cut(route, " ")
			target := strings.ReplaceAll(pattern, "{reportID}", strconv.FormatInt(id, 10))
			for name, a := range actors {
				cookie, csrf := h.sessionFor(a)
				rec := h.do(method, target, cookie, url.Values{"csrf_token": {csrf}})
				allowed := sent && (name == "consolidate" || name == "approve")
				if denied := rec.Code == http.StatusForbidden; denied == allowed {
					t.Errorf("%s as %s, sent %v: status %d, want allowed=%v", target, name, sent, rec.Code, allowed)
				}
			}
		}
	}
}
