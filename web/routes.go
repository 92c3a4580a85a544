package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/httprate"

	"baocao/internal/apperr"
	"baocao/internal/policy"
	"baocao/internal/reports"
	"baocao/static"
	"baocao/web/api"
	"baocao/web/request"
)

// routes lists every route with the action the policy must allow for it,
// and the middleware in the order it runs. A request's deadline starts
// once admit has let it in.
func (s *Server) routes() chi.Router {
	r := chi.NewRouter()
	r.Use(s.clientAddress, requestID, s.requestLog, s.noStore, adapt(compress()), s.recoverPanics, s.admit, s.deadline, s.securityHeaders, s.limitBody)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			api.Error(w, apperr.New(apperr.NotFound, "Không có đường dẫn API này; xem /api/v1/openapi.json."))
			return
		}
		s.fail(w, r, apperr.New(apperr.NotFound, "Trang bạn tìm không có hoặc đã được chuyển đi. Hãy kiểm tra lại địa chỉ."))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			api.Error(w, apperr.New(apperr.NotFound, "Đường dẫn API này không nhận phương thức "+r.Method+"; xem /api/v1/openapi.json."))
			return
		}
		s.fail(w, r, apperr.New(apperr.NotFound, "Trang bạn tìm không có hoặc đã được chuyển đi."))
	})

	s.handle(r, http.MethodGet, "/healthz", policy.Public, s.healthz)
	s.handle(r, http.MethodGet, "/readyz", policy.Public, s.readyz)
	s.handle(r, http.MethodGet, "/static/*", policy.Public, static.Handler().ServeHTTP)
	// The VGCA Sign Service fetches and uploads without the browser's
	// cookies: a single-use token in the URL says who and what.
	s.handle(r, http.MethodGet, "/sign/files/{token}", policy.Public, s.tokenFile)
	s.handle(r, http.MethodPost, "/sign/uploads/{token}", policy.Public, s.tokenUpload)
	s.handle(r, http.MethodGet, "/vgca/plugin.js", policy.Public, s.vgcaPlugin)
	s.api.Routes(r, s.handle)

	r.Group(func(r chi.Router) {
		r.Use(s.loadSession, s.loadAccount, s.checkCSRF, s.checkForm, s.gate)

		// Counted per client address as clientAddress found it, never by a
		// header the client chose.
		signInLimit := httprate.LimitBy(s.cfg.SignInRate, time.Minute, func(r *http.Request) (string, error) { return request.ClientIP(r), nil },
			httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
				s.fail(w, r, apperr.New(apperr.RateLimited, "Có quá nhiều lần đăng nhập từ địa chỉ này. Vui lòng đợi một phút rồi thử lại."))
			}))
		s.handle(r, http.MethodGet, "/signin", policy.Public, s.signInPage)
		s.handle(r.With(signInLimit), http.MethodPost, "/signin", policy.Public, s.signIn)
		s.handle(r, http.MethodGet, "/signin/wait", policy.Public, s.signInWaitPage) // sign-in storms
		s.handle(r, http.MethodGet, "/signin/otp", policy.Public, s.otpPage)
		s.handle(r.With(signInLimit), http.MethodPost, "/signin/otp", policy.Public, s.otp)
		s.handle(r, http.MethodPost, "/signout", policy.SignedIn, s.signOut)

		s.handle(r, http.MethodGet, "/", policy.SignedIn, s.home)
		s.handle(r, http.MethodGet, "/account", policy.SignedIn, s.profilePage)
		s.handle(r, http.MethodPost, "/account", policy.SignedIn, s.profile)
		s.handle(r, http.MethodGet, "/account/password", policy.SignedIn, s.passwordPage)
		s.handle(r, http.MethodPost, "/account/password", policy.SignedIn, s.password)
		s.handle(r, http.MethodGet, "/account/2fa", policy.SignedIn, s.twoFactorPage)
		s.handle(r, http.MethodPost, "/account/2fa", policy.SignedIn, s.twoFactorEnable)
		s.handle(r, http.MethodGet, "/account/2fa/qr.png", policy.SignedIn, s.twoFactorQR)
		s.handle(r, http.MethodPost, "/account/2fa/disable", policy.SignedIn, s.twoFactorDisable)
		// Notifications are the signed-in account's own: the store reads and
		// marks only those, so another's ID is simply not found.
		s.handle(r, http.MethodGet, "/notifications", policy.SignedIn, s.notificationsPage)
		s.handle(r, http.MethodPost, "/notifications/read-all", policy.SignedIn, s.notificationsReadAll)
		s.handle(r, http.MethodPost, "/notifications/{notificationID}/read", policy.SignedIn, s.notificationRead)
		s.handle(r, http.MethodGet, "/account/notifications", policy.SignedIn, s.notificationSettingsPage)
		s.handle(r, http.MethodPost, "/account/notifications", policy.SignedIn, s.notificationSettings)
		s.handle(r, http.MethodGet, "/account/certificate", policy.SignedIn, s.certificatePage(ownCertificate))
		s.handle(r, http.MethodPost, "/account/certificate", policy.SignedIn, s.certificateUpload(ownCertificate))
		s.handle(r, http.MethodPost, "/account/certificate/delete", policy.SignedIn, s.certificateRemove(ownCertificate))

		s.handle(r, http.MethodGet, "/admin/units", policy.ManageUnits, s.unitsPage)
		s.handle(r, http.MethodGet, "/admin/units/new", policy.ManageUnits, s.unitNewPage)
		s.handle(r, http.MethodPost, "/admin/units", policy.ManageUnits, s.unitCreate)
		s.handle(r, http.MethodGet, "/admin/units/{unitID}", policy.ManageUnits, s.unitPage)
		s.handle(r, http.MethodGet, "/admin/units/{unitID}/edit", policy.ManageUnits, s.unitEditPage)
		s.handle(r, http.MethodPost, "/admin/units/{unitID}", policy.ManageUnits, s.unitUpdate)
		s.handle(r, http.MethodPost, "/admin/units/{unitID}/close", policy.ManageUnits, s.unitClose)
		s.handle(r, http.MethodPost, "/admin/units/{unitID}/reopen", policy.ManageUnits, s.unitReopen)
		// Dated changes of units (issue 17): rename, move, merge, split, split shares.
		s.handle(r, http.MethodPost, "/admin/units/{unitID}/rename", policy.ManageUnits, s.unitRename)
		s.handle(r, http.MethodPost, "/admin/units/{unitID}/move", policy.ManageUnits, s.unitMoveOn)
		s.handle(r, http.MethodPost, "/admin/units/{unitID}/merge", policy.ManageUnits, s.unitMerge)
		s.handle(r, http.MethodPost, "/admin/units/{unitID}/split", policy.ManageUnits, s.unitSplit)
		s.handle(r, http.MethodPost, "/admin/units/{unitID}/shares", policy.ManageUnits, s.unitShares)
		s.handle(r, http.MethodGet, "/admin/units/{unitID}/seal", policy.ManageSeal, s.certificatePage(unitSeal))
		s.handle(r, http.MethodPost, "/admin/units/{unitID}/seal", policy.ManageSeal, s.certificateUpload(unitSeal))
		s.handle(r, http.MethodPost, "/admin/units/{unitID}/seal/delete", policy.ManageSeal, s.certificateRemove(unitSeal))
		s.handle(r, http.MethodGet, "/admin/api-clients", policy.ManageAPIClients, s.apiClientsPage)
		s.handle(r, http.MethodPost, "/admin/api-clients", policy.ManageAPIClients, s.apiClientCreate)
		s.handle(r, http.MethodPost, "/admin/api-clients/{clientID}/revoke", policy.ManageAPIClients, s.apiClientRevoke)
		s.handle(r, http.MethodGet, "/admin/trust", policy.ManageTrust, s.trustPage)
		s.handle(r, http.MethodPost, "/admin/trust", policy.ManageTrust, s.trustAdd)
		s.handle(r, http.MethodPost, "/admin/trust/{anchorID}/delete", policy.ManageTrust, s.trustRemove)

		s.handle(r, http.MethodGet, "/admin/accounts", policy.ViewAccounts, s.accountsPage)
		s.handle(r, http.MethodGet, "/admin/accounts/new", policy.ViewAccounts, s.accountNewPage)
		s.handle(r, http.MethodPost, "/admin/accounts", policy.ViewAccounts, s.accountCreate)
		s.handle(r, http.MethodGet, "/admin/accounts/{accountID}", policy.ManageAccount, s.accountPage)
		s.handle(r, http.MethodGet, "/admin/accounts/{accountID}/edit", policy.ManageAccount, s.accountEditPage)
		s.handle(r, http.MethodPost, "/admin/accounts/{accountID}", policy.ManageAccount, s.accountUpdate)
		s.handle(r, http.MethodPost, "/admin/accounts/{accountID}/lock", policy.ManageAccount, s.accountLock)
		s.handle(r, http.MethodPost, "/admin/accounts/{accountID}/unlock", policy.ManageAccount, s.accountUnlock)
		s.handle(r, http.MethodPost, "/admin/accounts/{accountID}/reset-password", policy.ManageAccount, s.accountResetPassword)
		s.handle(r, http.MethodPost, "/admin/accounts/{accountID}/reset-2fa", policy.ManageAccount, s.accountResetTwoFactor)
		s.handle(r, http.MethodPost, "/admin/accounts/{accountID}/disable", policy.ManageAccount, s.accountDisable)
		s.handle(r, http.MethodPost, "/admin/accounts/{accountID}/enable", policy.ManageAccount, s.accountEnable)
		s.handle(r, http.MethodGet, "/admin/accounts/{accountID}/certificate", policy.ManageAccount, s.certificatePage(accountCertificate))
		s.handle(r, http.MethodPost, "/admin/accounts/{accountID}/certificate", policy.ManageAccount, s.certificateUpload(accountCertificate))
		s.handle(r, http.MethodPost, "/admin/accounts/{accountID}/certificate/delete", policy.ManageAccount, s.certificateRemove(accountCertificate))

		s.handle(r, http.MethodGet, "/admin/audit", policy.ViewAudit, s.auditPage)
		s.handle(r, http.MethodGet, "/admin/audit/export", policy.ViewAudit, s.auditExport)
		s.handle(r, http.MethodGet, "/usage", policy.ViewUsage, s.usagePage)
		// The old units' reports an admin's subtree holds now (issue 17).
		s.handle(r, http.MethodGet, "/predecessors", policy.ViewPredecessorReports, s.predecessorsPage)

		s.catalogRoutes(r)

		s.handle(r, http.MethodGet, "/regimes", policy.ViewRegimes, s.regimesPage)
		s.handle(r, http.MethodGet, "/regimes/new", policy.ViewRegimes, s.regimeNewPage)
		s.handle(r, http.MethodPost, "/regimes", policy.ViewRegimes, s.regimeCreate)
		s.handle(r, http.MethodGet, "/regimes/{regimeID}", policy.ManageRegime, s.regimePage)
		s.handle(r, http.MethodGet, "/regimes/{regimeID}/edit", policy.ManageRegime, s.regimeEditPage)
		s.handle(r, http.MethodPost, "/regimes/{regimeID}", policy.ManageRegime, s.regimeUpdate)
		s.handle(r, http.MethodPost, "/regimes/{regimeID}/retire", policy.ManageRegime, s.regimeRetire)
		s.handle(r, http.MethodPost, "/regimes/{regimeID}/periods", policy.ManageRegime, s.periodOpen)
		s.handle(r, http.MethodGet, "/regimes/{regimeID}/template", policy.ManageRegime, s.templatePage)
		s.handle(r, http.MethodPost, "/regimes/{regimeID}/template/new-draft", policy.ManageRegime, s.templateNewDraft)
		s.handle(r, http.MethodPost, "/regimes/{regimeID}/template/publish", policy.ManageRegime, s.templatePublish)
		s.handle(r, http.MethodGet, "/regimes/{regimeID}/template/outline", policy.ManageRegime, s.outlinePage)
		s.handle(r, http.MethodPost, "/regimes/{regimeID}/template/outline", policy.ManageRegime, s.outlineSave)
		s.handle(r, http.MethodPost, "/regimes/{regimeID}/template/forms", policy.ManageRegime, s.formAdd)
		s.handle(r, http.MethodGet, "/regimes/{regimeID}/template/forms/{formKey}", policy.ManageRegime, s.formEditorPage)
		s.handle(r, http.MethodPost, "/regimes/{regimeID}/template/forms/{formKey}", policy.ManageRegime, s.formSave)
		s.handle(r, http.MethodPost, "/regimes/{regimeID}/template/forms/{formKey}/delete", policy.ManageRegime, s.formDelete)
		s.handle(r, http.MethodGet, "/regimes/{regimeID}/template/forms/{formKey}/rows", policy.ManageRegime, s.rowsPage)
		s.handle(r, http.MethodPost, "/regimes/{regimeID}/template/forms/{formKey}/rows", policy.ManageRegime, s.rowsSave)
		s.handle(r, http.MethodGet, "/regimes/{regimeID}/template/forms/{formKey}/preview", policy.ManageRegime, s.previewPage)
		s.handle(r, http.MethodGet, "/regimes/{regimeID}/template/forms/{formKey}/xlsx", policy.ManageRegime, s.formXLSX)
		s.handle(r, http.MethodPost, "/regimes/{regimeID}/template/import", policy.ManageRegime, s.formImport)
		s.handle(r, http.MethodGet, "/regimes/{regimeID}/assignments", policy.ManageRegime, s.assignmentsPage)
		s.handle(r, http.MethodPost, "/regimes/{regimeID}/assignments", policy.ManageRegime, s.assign)
		s.handle(r, http.MethodPost, "/regimes/{regimeID}/assignments/{assignmentID}/end", policy.ManageRegime, s.assignmentEnd)
		s.handle(r, http.MethodGet, "/reports/{reportID}", policy.ViewReport, s.reportPage)
		s.handle(r, http.MethodPost, "/reports/{reportID}", policy.EditReport, s.reportSave)
		s.handle(r, http.MethodGet, "/reports/{reportID}/forms/{formKey}/xlsx", policy.ViewReport, s.reportXLSX)
		s.handle(r, http.MethodGet, "/reports/{reportID}/forms/{formKey}/csv", policy.ViewReport, s.reportCSV)
		s.handle(r, http.MethodGet, "/reports/{reportID}/pdf", policy.ViewReport, s.reportPDF)
		s.handle(r, http.MethodPost, "/reports/{reportID}/import", policy.EditReport, s.reportImport)
		s.handle(r, http.MethodPost, "/reports/{reportID}/attachments", policy.EditReport, s.attach)
		s.handle(r, http.MethodGet, "/reports/{reportID}/attachments/{attachmentID}", policy.ViewReport, s.attachmentDownload)
		s.handle(r, http.MethodPost, "/reports/{reportID}/attachments/{attachmentID}/delete", policy.EditReport, s.detach)
		s.handle(r, http.MethodPost, "/reports/{reportID}/submit", policy.EditReport, s.reportMove(reports.Submit))
		s.handle(r, http.MethodPost, "/reports/{reportID}/approve", policy.ApproveReport, s.reportMove(reports.Approve))
		s.handle(r, http.MethodPost, "/reports/{reportID}/return-internal", policy.ApproveReport, s.reportMove(reports.ReturnInternal))
		for _, st := range signSteps {
			s.handle(r, http.MethodPost, "/reports/{reportID}/"+st.path, st.policy, s.signOnServer(st))
			s.handle(r, http.MethodPost, "/reports/{reportID}/"+st.path+"/tokens", st.policy, s.signTokens(st))
			s.handle(r, http.MethodPost, "/reports/{reportID}/"+st.path+"/pdf", st.policy, s.signPDF(st))
			s.handle(r, http.MethodPost, "/reports/{reportID}/"+st.path+"/upload", st.policy, s.signUpload(st))
		}
		s.handle(r, http.MethodPost, "/reports/{reportID}/send", policy.SendReport, s.reportMove(reports.Send))
		s.handle(r, http.MethodPost, "/reports/{reportID}/send-eoffice", policy.SendReport, s.reportSendEOffice)
		s.handle(r, http.MethodPost, "/reports/{reportID}/accept", policy.ReceiveReport, s.reportMove(reports.Accept))
		s.handle(r, http.MethodPost, "/reports/{reportID}/return", policy.ReceiveReport, s.reportMove(reports.Return))
		s.handle(r, http.MethodPost, "/reports/{reportID}/gov-retry", policy.ReceiveReport, s.govRetry)
		s.handle(r, http.MethodPost, "/reports/{reportID}/supplement", policy.EditReport, s.reportMove(reports.Supplement))
		// The narrative's drafted sentences: the report's draft of a section, the designer's rows and column roles.
		s.handle(r, http.MethodGet, "/reports/{reportID}/sections/{sectionKey}/draft", policy.EditReport, s.sectionDraft)
		s.handle(r, http.MethodGet, "/regimes/{regimeID}/template/drafts", policy.ManageRegime, s.draftsPage)
		s.handle(r, http.MethodPost, "/regimes/{regimeID}/template/drafts", policy.ManageRegime, s.draftsSave)
		// Figures a receiver can trust (issue 18): a cell's page, the unit's explanations.
		s.handle(r, http.MethodGet, "/reports/{reportID}/cell", policy.ViewReport, s.reportCell)
		s.handle(r, http.MethodPost, "/reports/{reportID}/note", policy.EditReport, s.reportNote)
		// Questions without a return (issue 18): the receiver asks and closes, the unit answers.
		s.handle(r, http.MethodPost, "/reports/{reportID}/questions", policy.ReceiveReport, s.reportAsk)
		s.handle(r, http.MethodPost, "/reports/{reportID}/questions/{questionID}/answer", policy.EditReport, s.reportAnswer)
		s.handle(r, http.MethodPost, "/reports/{reportID}/questions/{questionID}/close", policy.ReceiveReport, s.reportQuestionClose)
		s.handle(r, http.MethodGet, "/received", policy.ViewReceived, s.receivedPage)
		s.handle(r, http.MethodGet, "/received/{periodID}", policy.ViewReceived, s.receivedPeriodPage)
		s.handle(r, http.MethodGet, "/received/{periodID}/cell", policy.ViewReceived, s.drillDownPage)
		s.handle(r, http.MethodPost, "/received/{periodID}/prefill", policy.ViewReceived, s.prefill)
		s.handle(r, http.MethodGet, "/received/{periodID}/forms/{formKey}/xlsx", policy.ViewReceived, s.consolidatedXLSX)
		s.handle(r, http.MethodGet, "/received/{periodID}/forms/{formKey}/csv", policy.ViewReceived, s.consolidatedCSV)
		s.handle(r, http.MethodPost, "/received/{periodID}/archives", policy.ViewReceived, s.archiveRequest)
		s.handle(r, http.MethodGet, "/received/{periodID}/archives/{archiveID}", policy.ViewReceived, s.archivePage)
		s.handle(r, http.MethodGet, "/received/{periodID}/archives/{archiveID}/file", policy.ViewReceived, s.archiveFile)

		// The overviews; the activity's export and chart check ViewActivity too.
		s.handle(r, http.MethodGet, "/dashboards", policy.ViewDashboards, s.dashboardPage)
		s.handle(r, http.MethodGet, "/dashboards/trends", policy.ViewDashboards, s.trendsPage)
		s.handle(r, http.MethodGet, "/dashboards/activity", policy.ViewActivity, s.activityPage)
		s.handle(r, http.MethodGet, "/dashboards/export", policy.ViewDashboards, s.dashboardExport)
		s.handle(r, http.MethodGet, "/dashboards/chart", policy.ViewDashboards, s.dashboardChart)
		// The unit search pickers: the units the viewer may see whose name contains ?q=.
		s.handle(r, http.MethodGet, "/dashboards/units", policy.ViewDashboards, s.dashboardUnitSearch)
		s.handle(r, http.MethodGet, "/admin/units/search", policy.ViewAccounts, s.adminUnitSearch)
		s.handle(r, http.MethodGet, "/admin/outages", policy.ManageOutages, s.outagesPage)
		s.handle(r, http.MethodPost, "/admin/outages", policy.ManageOutages, s.outageCreate)
		// ND 30 documents: header lines, seal and signature images, signing capacities, the verification report.
		s.handle(r, http.MethodGet, "/admin/units/{unitID}/letterhead", policy.ManageSeal, s.letterheadPage)
		s.handle(r, http.MethodPost, "/admin/units/{unitID}/letterhead", policy.ManageSeal, s.letterheadSave)
		s.handle(r, http.MethodPost, "/admin/units/{unitID}/letterhead/reset", policy.ManageSeal, s.letterheadReset)
		s.handle(r, http.MethodGet, "/admin/units/{unitID}/letterhead/seal.png", policy.ManageSeal, s.sealImage)
		s.handle(r, http.MethodPost, "/admin/units/{unitID}/letterhead/seal/upload", policy.ManageSeal, s.sealImageUpload)
		s.handle(r, http.MethodPost, "/admin/units/{unitID}/letterhead/seal/delete", policy.ManageSeal, s.sealImageRemove)
		s.handle(r, http.MethodPost, "/admin/accounts/{accountID}/capacity", policy.ManageAccount, s.capacitySave)
		s.handle(r, http.MethodGet, "/account/signature", policy.ManageOwnSignature, s.signatureImagePage)
		s.handle(r, http.MethodGet, "/account/signature.png", policy.ManageOwnSignature, s.signatureImage)
		s.handle(r, http.MethodPost, "/account/signature/upload", policy.ManageOwnSignature, s.signatureImageUpload)
		s.handle(r, http.MethodPost, "/account/signature/delete", policy.ManageOwnSignature, s.signatureImageRemove)
		s.handle(r, http.MethodGet, "/reports/{reportID}/verification", policy.ViewReport, s.verificationReport)
		s.handle(r, http.MethodGet, "/admin/assignments", policy.ConfirmAssignments, s.pendingAssignmentsPage)
		s.handle(r, http.MethodPost, "/admin/assignments/{assignmentID}/confirm", policy.ConfirmAssignments, s.assignmentConfirm)
		s.handle(r, http.MethodPost, "/admin/assignments/{assignmentID}/reject", policy.ConfirmAssignments, s.assignmentReject)
	})
	return r
}
