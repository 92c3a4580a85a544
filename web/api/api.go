// Package api is the JSON API (/api/v1): it serves sector software and
// the provincial operations centre. A client authenticates with its bearer
// token; the session policy does not apply (no account), so every route is
// Public to it and the client's scope (its unit subtrees, read or
// read-write) is checked here, on every object. Errors are JSON with a
// code and a Vietnamese message; every request is audited.
package api

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"

	"baocao/internal/apiclients"
	"baocao/internal/app"
	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/config"
	"baocao/internal/consolidation"
	"baocao/internal/database"
	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/indicators"
	"baocao/internal/policy"
	"baocao/internal/regimes"
	"baocao/internal/reports"
	"baocao/internal/richtext"
	"baocao/internal/vn"
	"baocao/web/request"
	"baocao/web/response"
)

//go:embed openapi.json
var openAPI []byte

// Server holds what the API's handlers need.
type Server struct {
	cfg        *config.Config
	db         *database.DB
	read       func(*http.Request) database.Querier // where a GET reads (the replica while it keeps up)
	apiClients *apiclients.Store
	regimes    *regimes.Store
	reports    *reports.Store
	indicators *indicators.Store
	log        *slog.Logger
}

// New builds the API on the stores of a; read says where a request reads.
func New(a *app.App, log *slog.Logger, read func(*http.Request) database.Querier) *Server {
	return &Server{cfg: a.Config, db: a.DB, read: read, apiClients: a.APIClients, regimes: a.Regimes, reports: a.Reports,
		indicators: a.Indicators, log: log}
}

// Handle registers a route with the action the policy must allow for it,
// as the HTML routes are, so that the authorization matrix sees every route.
type Handle func(r chi.Router, method, pattern string, act policy.Action, h http.HandlerFunc)

// Routes registers the API's routes on r.
func (s *Server) Routes(r chi.Router, handle Handle) {
	handle(r, http.MethodGet, "/api/v1/openapi.json", policy.Public, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(openAPI)
	})
	r.Group(func(r chi.Router) {
		r.Use(s.apiAuth, s.checkJSONBody, httprate.LimitBy(s.cfg.APIRate, time.Minute,
			func(r *http.Request) (string, error) { return strconv.FormatInt(apiClient(r).ID, 10), nil },
			httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
				Error(w, apperr.New(apperr.RateLimited, "Quá nhiều yêu cầu trong một phút. Hãy gửi chậm lại."))
			})))
		handle(r, http.MethodGet, "/api/v1/regimes", policy.Public, s.apiRegimes)
		handle(r, http.MethodGet, "/api/v1/regimes/{regime}/templates", policy.Public, s.apiTemplates)
		handle(r, http.MethodGet, "/api/v1/regimes/{regime}/periods", policy.Public, s.apiPeriods)
		handle(r, http.MethodGet, "/api/v1/units/{unit}/reports", policy.Public, s.apiUnitReports)
		handle(r, http.MethodGet, "/api/v1/reports/{report}", policy.Public, s.apiReport)
		handle(r, http.MethodPut, "/api/v1/reports/{report}/values", policy.Public, s.apiReportValues)
		handle(r, http.MethodGet, "/api/v1/indicators/{code}/values", policy.Public, s.apiIndicatorValues)
	})
}

type apiClientKey struct{}

func apiClient(r *http.Request) *apiclients.Client {
	return r.Context().Value(apiClientKey{}).(*apiclients.Client)
}

// apiAuth finds the client of the bearer token and audits the request.
func (s *Server) apiAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		c, err := s.apiClients.Authenticate(r.Context(), strings.TrimSpace(token))
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="baocao"`)
			Error(w, err)
			return
		}
		ctx := audit.WithActor(context.WithValue(r.Context(), apiClientKey{}, c),
			audit.Actor{Name: "api:" + c.Name, IP: request.ClientIP(r), UserAgent: r.UserAgent()})
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r.WithContext(ctx))
		if err := audit.Record(ctx, s.db, audit.Event{Action: "api." + strings.ToLower(r.Method), ObjectType: "api_client", ObjectID: c.ID,
			Detail: map[string]any{"path": r.URL.Path, "status": ww.Status()}}); err != nil {
			s.log.ErrorContext(ctx, "audit of an API request failed", "error", err.Error())
		}
	})
}

// Error answers err as JSON: {"error": {"code", "message", "fields"}}.
func Error(w http.ResponseWriter, err error) {
	err = response.Outage(err)
	body := map[string]any{"code": apperr.Code(err), "message": apperr.Message(err)}
	if fields := apperr.FieldErrors(err); fields != nil {
		body["fields"] = fields
	}
	response.JSON(w, response.Status(err), map[string]any{"error": body})
}

var errAPINotFound = apperr.New(apperr.NotFound, "Không tìm thấy, hoặc phần mềm không được phép truy cập đối tượng này.")

// apiID reads a numeric path parameter.
func apiID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errAPINotFound
	}
	return id, nil
}

// apiReach refuses a unit outside the client's subtrees as not found, so
// IDs cannot be probed.
func (s *Server) apiReach(r *http.Request, unitID int64) error {
	ok, err := s.apiClients.Reaches(r.Context(), apiClient(r), unitID)
	if err != nil {
		return err
	}
	if !ok {
		return errAPINotFound
	}
	return nil
}

func apiDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func apiTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

type apiRegime struct {
	ID               int64  `json:"id"`
	Name             string `json:"name"`
	Frequency        string `json:"frequency"`
	ReceivingUnitID  int64  `json:"receiving_unit_id"`
	ReceivingUnit    string `json:"receiving_unit"`
	LegalBasis       string `json:"legal_basis"`
	PublishedVersion int    `json:"published_version"`
}

func (s *Server) apiRegimes(w http.ResponseWriter, r *http.Request) {
	list, err := s.regimes.Regimes(r.Context(), regimes.Filter{})
	if err != nil {
		Error(w, err)
		return
	}
	out := make([]apiRegime, 0, len(list))
	for _, g := range list {
		out = append(out, apiRegime{g.ID, g.Name, g.Frequency, g.ReceivingUnitID, g.ReceivingUnit, g.LegalNumber, g.PublishedVersion})
	}
	response.JSON(w, http.StatusOK, map[string]any{"regimes": out})
}

func (s *Server) apiRegime(r *http.Request) (*regimes.Regime, error) {
	id, err := apiID(r, "regime")
	if err != nil {
		return nil, err
	}
	g, err := s.regimes.Regime(r.Context(), id)
	if apperr.Code(err) == apperr.NotFound {
		return nil, errAPINotFound
	}
	return g, err
}

func (s *Server) apiTemplates(w http.ResponseWriter, r *http.Request) {
	g, err := s.apiRegime(r)
	if err != nil {
		Error(w, err)
		return
	}
	versions, err := s.regimes.PublishedVersions(r.Context(), g.ID)
	if err != nil {
		Error(w, err)
		return
	}
	type version struct {
		ID          int64          `json:"id"`
		Version     int            `json:"version"`
		PublishedAt string         `json:"published_at"`
		Template    forms.Template `json:"template"`
	}
	out := make([]version, 0, len(versions))
	for _, v := range versions {
		out = append(out, version{v.ID, v.Number, apiTime(v.PublishedAt), v.Template})
	}
	response.JSON(w, http.StatusOK, map[string]any{"regime_id": g.ID, "versions": out})
}

func (s *Server) apiPeriods(w http.ResponseWriter, r *http.Request) {
	g, err := s.apiRegime(r)
	if err != nil {
		Error(w, err)
		return
	}
	list, err := s.reports.Periods(r.Context(), g.ID)
	if err != nil {
		Error(w, err)
		return
	}
	type period struct {
		ID    int64  `json:"id"`
		Key   string `json:"key"`
		Label string `json:"label"`
		Start string `json:"start"`
		End   string `json:"end"`
	}
	out := make([]period, 0, len(list))
	for _, p := range list {
		out = append(out, period{p.ID, p.Key, p.Label, apiDate(p.Start), apiDate(p.End)})
	}
	response.JSON(w, http.StatusOK, map[string]any{"regime_id": g.ID, "periods": out})
}

func (s *Server) apiUnitReports(w http.ResponseWriter, r *http.Request) {
	id, err := apiID(r, "unit")
	if err == nil {
		err = s.apiReach(r, id)
	}
	if err != nil {
		Error(w, err)
		return
	}
	list, err := s.reports.Mine(r.Context(), id)
	if err != nil {
		Error(w, err)
		return
	}
	type summary struct {
		ID       int64          `json:"id"`
		RegimeID int64          `json:"regime_id"`
		Regime   string         `json:"regime"`
		Period   string         `json:"period"`
		Deadline string         `json:"deadline"`
		Status   reports.Status `json:"status"`
	}
	out := make([]summary, 0, len(list))
	for _, m := range list {
		out = append(out, summary{m.ID, m.RegimeID, m.Regime, m.PeriodLabel, apiDate(m.Deadline), m.Status})
	}
	response.JSON(w, http.StatusOK, map[string]any{"unit_id": id, "reports": out})
}

// apiTarget loads the report of the path, within the client's scope.
func (s *Server) apiTarget(r *http.Request) (*reports.Report, error) {
	id, err := apiID(r, "report")
	if err != nil {
		return nil, err
	}
	rep, err := s.reports.Report(r.Context(), id)
	if apperr.Code(err) == apperr.NotFound {
		return nil, errAPINotFound
	}
	if err != nil {
		return nil, err
	}
	if r.Method != http.MethodGet {
		return rep, s.apiReach(r, rep.UnitID) // writing acts on today's tree
	}
	// Reading follows time (issue 17): a report of a past period is
	// reached through the client's subtrees as they stood then, and the
	// old units their units hold now.
	ok, err := s.apiClients.ReachesDuring(r.Context(), apiClient(r), rep.UnitID, rep.Start, rep.End)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errAPINotFound
	}
	return rep, nil
}

// apiReportBody is a report as the API gives it: numbers as JSON numbers,
// text cells as strings, keyed "form|row|column".
type apiReportBody struct {
	ID       int64             `json:"id"`
	RegimeID int64             `json:"regime_id"`
	Regime   string            `json:"regime"`
	PeriodID int64             `json:"period_id"`
	Period   string            `json:"period"`
	UnitID   int64             `json:"unit_id"`
	Unit     string            `json:"unit"`
	Receiver string            `json:"receiver"`
	Status   reports.Status    `json:"status"`
	Version  int               `json:"version"`
	Revision int               `json:"revision"`
	Deadline string            `json:"deadline"`
	SentAt   string            `json:"sent_at,omitempty"`
	Late     bool              `json:"late"`
	Template int64             `json:"template_version_id"`
	Values   map[string]any    `json:"values"`
	Sections map[string]string `json:"sections"`
	// Figures are the live figures of the narrative, by section in
	// document order: each names its cell (narrative.go).
	Figures []apiFigure `json:"figures"`
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) {
	rep, err := s.apiTarget(r)
	if err != nil {
		Error(w, err)
		return
	}
	body, err := s.apiReportOf(r.Context(), rep)
	if err != nil {
		Error(w, err)
		return
	}
	response.JSON(w, http.StatusOK, body)
}

func (s *Server) apiReportOf(ctx context.Context, rep *reports.Report) (*apiReportBody, error) {
	c, err := s.reports.Content(ctx, rep)
	if err != nil {
		return nil, err
	}
	values := map[string]any{}
	for k, v := range c.Values {
		if x, ok := c.Numbers[k]; ok {
			values[k] = x
		} else {
			values[k] = v
		}
	}
	return &apiReportBody{ID: rep.ID, RegimeID: rep.RegimeID, Regime: rep.Regime, PeriodID: rep.PeriodID, Period: rep.PeriodLabel,
		UnitID: rep.UnitID, Unit: rep.Unit, Receiver: rep.Receiver, Status: rep.Status, Version: rep.Version, Revision: rep.Revision,
		Deadline: apiDate(rep.Deadline), SentAt: apiTime(rep.SentAt), Late: rep.Late, Template: rep.TemplateVersionID,
		Values: values, Sections: c.Sections, Figures: apiFigures(c.Sections)}, nil
}

// apiDraft is what a client may write into a draft.
type apiDraft struct {
	Revision *int                       `json:"revision"`
	Values   map[string]json.RawMessage `json:"values"`
	Sections map[string]string          `json:"sections"`
}

// apiReportValues writes the cells (and sections) sent into a draft,
// leaving the others as they are, as an official typing them would: the
// same checks, formulas computed on the server, and a conflict when the
// report was saved since the revision given.
func (s *Server) apiReportValues(w http.ResponseWriter, r *http.Request) {
	if apiClient(r).Access != apiclients.ReadWrite {
		Error(w, apperr.New(apperr.Forbidden, "Phần mềm này chỉ được cấp quyền đọc."))
		return
	}
	rep, err := s.apiTarget(r)
	if err != nil {
		Error(w, err)
		return
	}
	var in apiDraft
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || dec.Decode(new(json.RawMessage)) != io.EOF {
		Error(w, apperr.New(apperr.Invalid, "Nội dung gửi lên không phải JSON hợp lệ theo mô tả API (trường lạ, sai kiểu hoặc thừa dữ liệu): "+jsonProblem(err)))
		return
	}
	if in.Revision == nil {
		Error(w, apperr.InvalidFields(map[string]string{"revision": "Cần gửi revision của báo cáo đã đọc (để không ghi đè thay đổi của người khác)."}))
		return
	}
	// The cells sent change; the others keep what is stored (null clears a cell).
	current, err := s.reports.Content(r.Context(), rep)
	if err != nil {
		Error(w, err)
		return
	}
	d := reports.Draft{Values: map[string]string{}, Sections: map[string]string{}, Revision: *in.Revision, Source: reports.SourceAPI}
	for key, v := range current.Values {
		if !current.Computed[key] {
			d.Values[key] = v
		}
	}
	d.Numbers = map[string]decimal.Decimal{}
	for key, raw := range in.Values {
		if t := strings.TrimSpace(string(raw)); t != "" && t != "null" && t[0] != '"' {
			// A JSON number: exactly its digits, never read as typed text.
			var x decimal.Decimal
			if err := x.UnmarshalJSON([]byte(t)); err != nil {
				Error(w, apperr.InvalidFields(map[string]string{key: "Giá trị phải là số hoặc chuỗi."}))
				return
			}
			d.Numbers[key] = x
			delete(d.Values, key)
			continue
		}
		text, ok := apiCell(raw)
		if !ok {
			Error(w, apperr.InvalidFields(map[string]string{key: "Giá trị phải là số hoặc chuỗi."}))
			return
		}
		d.Values[key] = text
	}
	for key, html := range in.Sections {
		d.Sections[key] = richtext.Sanitize(html)
	}
	problems, revision, err := s.reports.Save(r.Context(), rep, d, 0)
	var conflict *reports.ConflictError
	switch {
	case errors.As(err, &conflict):
		Error(w, apperr.New(apperr.Conflict, "Báo cáo vừa được "+conflict.By+" lưu lúc "+vn.DateTime(conflict.At)+"; hãy đọc lại rồi gửi với revision mới."))
		return
	case err != nil:
		Error(w, err)
		return
	}
	type problem struct {
		Cell    string `json:"cell"`
		Message string `json:"message"`
	}
	out := make([]problem, 0, len(problems))
	for _, p := range problems {
		out = append(out, problem{p.Key, p.Message})
	}
	response.JSON(w, http.StatusOK, map[string]any{"revision": revision, "problems": out})
}

// apiCell reads a JSON string (text, or a number written as an official
// types it) or null (which clears the cell); JSON numbers are read exactly
// by the caller.
func apiCell(raw json.RawMessage) (string, bool) {
	if string(raw) == "null" {
		return "", true // clears the cell
	}
	var text string
	if err := json.Unmarshal(raw, &text); err == nil {
		return text, true
	}
	return "", false
}

func jsonProblem(err error) string {
	if err == nil {
		return "dữ liệu thừa sau đối tượng JSON"
	}
	return err.Error()
}

// apiIndicatorValues gives an indicator (by its catalogue code) of a
// period as consolidated for a unit over the reports it received.
func (s *Server) apiIndicatorValues(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	unitID, err1 := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	periodID, err2 := strconv.ParseInt(r.URL.Query().Get("period"), 10, 64)
	if err1 != nil || err2 != nil {
		Error(w, apperr.InvalidFields(map[string]string{"unit": "Cần tham số unit và period là số.", "period": "Cần tham số unit và period là số."}))
		return
	}
	if err := s.apiReach(r, unitID); err != nil {
		Error(w, err)
		return
	}
	found, err := s.indicators.ByCode(ctx, chi.URLParam(r, "code"))
	if err != nil {
		Error(w, err)
		return
	}
	if len(found) == 0 {
		Error(w, apperr.New(apperr.NotFound, "Không có chỉ tiêu mã "+chi.URLParam(r, "code")+" trong danh mục."))
		return
	}
	ids := make([]int64, 0, len(found))
	for _, in := range found {
		ids = append(ids, in.ID)
	}
	period, err := s.reports.ReceivedPeriod(ctx, unitID, periodID)
	if apperr.Code(err) == apperr.NotFound {
		Error(w, apperr.New(apperr.NotFound, "Đơn vị không nhận báo cáo nào trong kỳ này."))
		return
	}
	if err != nil {
		Error(w, err)
		return
	}
	tpl, _, err := s.reports.Template(ctx, period.TemplateVersionID)
	if err != nil {
		Error(w, err)
		return
	}
	includeSent := r.URL.Query().Get("include_sent") == "true"
	rows, err := consolidation.ByIndicator(ctx, s.read(r), tpl, ids, periodID, unitID, includeSent)
	if err != nil {
		Error(w, err)
		return
	}
	type column struct {
		Code    string           `json:"code"`
		Label   string           `json:"label"`
		Value   *decimal.Decimal `json:"value"`
		Rule    string           `json:"rule"`
		Reports int              `json:"reports"`
	}
	type row struct {
		Form    string   `json:"form"`
		Row     string   `json:"row"`
		STT     string   `json:"stt"`
		Label   string   `json:"label"`
		Columns []column `json:"columns"`
	}
	out := make([]row, 0, len(rows))
	for _, ir := range rows {
		o := row{Form: ir.FormKey, Row: ir.RowKey, STT: ir.STT, Label: ir.Label, Columns: []column{}}
		for _, c := range ir.Columns {
			col := column{Code: c.Code, Label: c.Label, Rule: c.Value.Rule, Reports: c.Value.Reports}
			if c.Value.OK {
				v := c.Value.Value
				col.Value = &v
			}
			o.Columns = append(o.Columns, col)
		}
		out = append(out, o)
	}
	response.JSON(w, http.StatusOK, map[string]any{"indicator": chi.URLParam(r, "code"), "unit_id": unitID, "period_id": periodID,
		"period": period.Label, "reports_total": period.Total, "reports_accepted": period.Accepted, "include_sent": includeSent, "rows": out})
}

// apiFigure is a live figure of a report's narrative in the JSON API.
type apiFigure struct {
	Section string `json:"section"`
	Cell    string `json:"cell"` // form|row|col, as the keys of values
	Text    string `json:"text"`
	Missing bool   `json:"missing,omitempty"`
}

func apiFigures(sections map[string]string) []apiFigure {
	out := []apiFigure{}
	keys := make([]string, 0, len(sections))
	for key := range sections {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		for _, f := range richtext.Figures(sections[key]) {
			text := f.Text
			if f.Missing {
				text = ""
			}
			out = append(out, apiFigure{Section: key, Cell: f.Ref, Text: text, Missing: f.Missing})
		}
	}
	return out
}
