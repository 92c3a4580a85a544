package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"baocao/internal/apiclients"
	"baocao/internal/reports"
)

// TestOpenAPIMatchesRoutes: the served document describes exactly the
// routes under /api/v1, with the same path parameters.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rec := serve(h, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &doc) != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi.json: %d %.200s", rec.Code, rec.Body.String())
	}
	var documented, routed []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	err := chi.Walk(h.s.Router(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasPrefix(route, "/api/v1/") {
			routed = append(routed, method+" "+route)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(documented)
	slices.Sort(routed)
	if !slices.Equal(documented, routed) {
		t.Fatalf("openapi.json paths differ from the routes:\ndocumented %v\nrouted     %v", documented, routed)
	}
	// Every path parameter is declared.
	param := regexp.MustCompile(`\{(\w+)\}`)
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			for _, m := range param.FindAllStringSubmatch(path, -1) {
				if !strings.Contains(string(raw), `"name": "`+m[1]+`"`) && !strings.Contains(string(raw), `"name":"`+m[1]+`"`) {
					t.Errorf("%s %s does not declare the path parameter %s", method, path, m[1])
				}
			}
		}
	}
}

type apiCall struct {
	h     *harness
	token string
}

func (c apiCall) do(t *testing.T, method, path, body string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("Content-Type", "application/json")
	rec := serve(c.h, req)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s: not JSON: %d %.300s", method, path, rec.Code, rec.Body.String())
	}
	return rec.Code, out
}

func errCode(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func TestAPIReadWriteAndScope(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	own := h.report("xa-22366", "so-y-te")
	other := h.report("xa-22453", "so-y-te")
	newClient := func(name string, access apiclients.Access, keys ...string) string {
		var ids []int64
		for _, k := range keys {
			ids = append(ids, h.unit(k).ID)
		}
		_, token, err := h.s.apiClients.Create(h.ctx, name, ids, access)
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	reader := apiCall{h, newClient("Phần mềm đọc", apiclients.Read, "xa-22366")}
	writer := apiCall{h, newClient("Phần mềm y tế phường", apiclients.ReadWrite, "xa-22366")}
	ownPath, otherPath := "/api/v1/reports/"+itoa64(own), "/api/v1/reports/"+itoa64(other)

	// Without a token, or with a wrong or revoked one: 401, JSON.
	for _, c := range []apiCall{{h, ""}, {h, "bcapi_sai"}, {h, "Basic abc"}} {
		if code, out := c.do(t, http.MethodGet, "/api/v1/regimes", ""); code != http.StatusUnauthorized || errCode(out) != "unauthorized" {
			t.Errorf("token %q: %d %v", c.token, code, out)
		}
	}
	// Reading.
	if code, out := reader.do(t, http.MethodGet, "/api/v1/regimes", ""); code != http.StatusOK || len(out["regimes"].([]any)) == 0 {
		t.Fatalf("regimes: %d %v", code, out)
	}
	code, out := reader.do(t, http.MethodGet, ownPath, "")
	if code != http.StatusOK || out["status"] != "draft" || out["unit"] != "Ủy ban nhân dân phường Nha Trang" {
		t.Fatalf("own report: %d %v", code, out)
	}
	regime := itoa64(int64(out["regime_id"].(float64)))
	for _, p := range []string{"/api/v1/regimes/" + regime + "/templates", "/api/v1/regimes/" + regime + "/periods",
		"/api/v1/units/" + itoa64(h.unit("xa-22366").ID) + "/reports"} {
		if code, out := reader.do(t, http.MethodGet, p, ""); code != http.StatusOK {
			t.Errorf("%s: %d %v", p, code, out)
		}
	}
	// An unknown API path answers in JSON too.
	if code, out := reader.do(t, http.MethodGet, "/api/v1/khong-co", ""); code != http.StatusNotFound || errCode(out) != "not_found" {
		t.Errorf("unknown API path: %d %v", code, out)
	}
	// Outside the client's units: not found, whatever the ID.
	for _, p := range []string{otherPath, "/api/v1/units/" + itoa64(h.unit("xa-22453").ID) + "/reports", "/api/v1/reports/999999", "/api/v1/reports/abc"} {
		if code, out := reader.do(t, http.MethodGet, p, ""); code != http.StatusNotFound || errCode(out) != "not_found" {
			t.Errorf("%s: %d %v", p, code, out)
		}
	}

	// Writing: refused for a read client, bad input and stale revisions;
	// none of them changes the report.
	revision := func() int {
		r, err := h.s.reports.Report(h.ctx, own)
		if err != nil {
			t.Fatal(err)
		}
		return r.Revision
	}
	put := ownPath + "/values"
	for _, c := range []struct {
		name   string
		client apiCall
		path   string
		body   string
		code   int
	}{
		{"read-only client", reader, put, `{"revision": 0, "values": {"b1|r2|1": 1000}}`, http.StatusForbidden},
		{"unknown field", writer, put, `{"revision": 0, "values": {"b1|r2|1": 1000}, "status": "accepted"}`, http.StatusUnprocessableEntity},
		{"wrong type", writer, put, `{"revision": 0, "values": {"b1|r2|1": true}}`, http.StatusUnprocessableEntity},
		{"revision missing", writer, put, `{"values": {"b1|r2|1": 1000}}`, http.StatusUnprocessableEntity},
		{"two objects", writer, put, `{"revision": 0} {"revision": 0}`, http.StatusUnprocessableEntity},
		{"formula cell", writer, put, `{"revision": 0, "values": {"b1|r2|3": 50}}`, http.StatusUnprocessableEntity},
		{"cell of no form", writer, put, `{"revision": 0, "values": {"b9|r2|1": 50}}`, http.StatusUnprocessableEntity},
		{"another unit's report", writer, otherPath + "/values", `{"revision": 0, "values": {"b1|r2|1": 1000}}`, http.StatusNotFound},
	} {
		if code, out := c.client.do(t, http.MethodPut, c.path, c.body); code != c.code || errCode(out) == "" {
			t.Errorf("%s: %d %v, want %d", c.name, code, out, c.code)
		}
		if revision() != 0 {
			t.Fatalf("%s changed the report", c.name)
		}
	}
	code, out = writer.do(t, http.MethodPut, put, `{"revision": 0, "values": {"b1|r2|1": 1000.5, "b1|r2|2": 250, "b1|r3|1": "200"}, "sections": {"s1": "<p>Từ phần mềm <script>x()</script></p>"}}`)
	if code != http.StatusOK || out["revision"].(float64) != 1 {
		t.Fatalf("write: %d %v", code, out)
	}
	if code, out := writer.do(t, http.MethodPut, put, `{"revision": 0, "values": {"b1|r2|1": 1}}`); code != http.StatusConflict {
		t.Fatalf("stale revision: %d %v", code, out)
	}
	// A second write of one cell leaves the others; null clears one.
	if code, out := writer.do(t, http.MethodPut, put, `{"revision": 1, "values": {"b1|r3|2": 7, "b1|r3|1": null}}`); code != http.StatusOK {
		t.Fatalf("second write: %d %v", code, out)
	}
	if _, out := reader.do(t, http.MethodGet, ownPath, ""); out["values"].(map[string]any)["b1|r2|1"] != 1000.5 ||
		out["values"].(map[string]any)["b1|r3|2"] != 7.0 || out["values"].(map[string]any)["b1|r3|1"] != nil {
		t.Fatalf("after the second write: %v", out["values"])
	}
	_, out = reader.do(t, http.MethodGet, ownPath, "")
	values := out["values"].(map[string]any)
	if values["b1|r2|1"] != 1000.5 || values["b1|r1|2"] != 257.0 || values["b1|r2|3"] == nil || strings.Contains(out["sections"].(map[string]any)["s1"].(string), "script") {
		t.Fatalf("after the write: %v %v", values, out["sections"])
	}
	// Figures cross the API digit for digit, beyond what a float64 prints.
	if code, out := writer.do(t, http.MethodPut, put, `{"revision": 2, "values": {"b1|r3|2": 123456789012.345}}`); code != http.StatusOK {
		t.Fatalf("exact write: %d %v", code, out)
	}
	get := httptest.NewRequest(http.MethodGet, ownPath, nil)
	get.Header.Set("Authorization", "Bearer "+reader.token)
	if body := serve(h, get).Body.String(); !strings.Contains(body, `"b1|r3|2":123456789012.345`) {
		t.Fatalf("exact read: %.500s", body)
	}
	// A sent report no longer takes values.
	if _, err := h.db.Exec(h.ctx, `UPDATE reports SET status = 'sent', sent_at = now() WHERE id = $1`, own); err != nil {
		t.Fatal(err)
	}
	if code, _ := writer.do(t, http.MethodPut, put, `{"revision": 2, "values": {"b1|r2|1": 1}}`); code != http.StatusConflict {
		t.Fatalf("writing a sent report: %d", code)
	}
	// Revoked: refused at once.
	clients, _ := h.s.apiClients.List(h.ctx)
	for _, c := range clients {
		if c.Name == "Phần mềm đọc" {
			if err := h.s.apiClients.Revoke(h.ctx, c.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	if code, _ := reader.do(t, http.MethodGet, "/api/v1/regimes", ""); code != http.StatusUnauthorized {
		t.Fatalf("revoked client: %d", code)
	}
	// Every request was audited.
	var n int
	if err := h.db.QueryRow(h.ctx, `SELECT count(*) FROM audit_log WHERE action LIKE 'api.%'`).Scan(&n); err != nil || n < 15 {
		t.Fatalf("audited API requests: %d %v", n, err)
	}
}

func TestAPIIndicatorValues(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var indicator int64
	if err := h.db.QueryRow(h.ctx, `INSERT INTO indicators (source, code, name) VALUES ('Thử', 'YT-01', 'Số lượt khám bệnh') RETURNING id`).Scan(&indicator); err != nil {
		t.Fatal(err)
	}
	tpl := smallTemplate()
	tpl.Forms[0].Rows[1].IndicatorID = indicator
	id := h.reportWith("xa-22366", "so-y-te", tpl)
	rep, err := h.s.reports.Report(h.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.s.reports.Save(h.ctx, rep, reports.Draft{Values: map[string]string{"b1|r2|1": "1.000", "b1|r2|2": "260"}}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.Exec(h.ctx, `UPDATE reports SET status = 'accepted', sent_at = now() WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	_, token, err := h.s.apiClients.Create(h.ctx, "Trung tâm điều hành", []int64{h.unit("so-y-te").ID}, apiclients.Read)
	if err != nil {
		t.Fatal(err)
	}
	c := apiCall{h, token}
	path := "/api/v1/indicators/YT-01/values?unit=" + itoa64(h.unit("so-y-te").ID) + "&period=" + itoa64(rep.PeriodID)
	code, out := c.do(t, http.MethodGet, path, "")
	if code != http.StatusOK {
		t.Fatalf("%d %v", code, out)
	}
	rows := out["rows"].([]any)
	if len(rows) != 1 {
		t.Fatalf("rows: %v", out)
	}
	cols := rows[0].(map[string]any)["columns"].([]any)
	got := map[string]any{}
	for _, col := range cols {
		m := col.(map[string]any)
		got[m["code"].(string)] = m["value"]
	}
	if got["1"] != 1000.0 || got["2"] != 260.0 || got["3"] != 26.0 {
		t.Fatalf("consolidated values %v", got)
	}
	for p, want := range map[string]int{
		"/api/v1/indicators/KHONG-CO/values?unit=" + itoa64(h.unit("so-y-te").ID) + "&period=" + itoa64(rep.PeriodID): http.StatusNotFound,
		"/api/v1/indicators/YT-01/values?unit=" + itoa64(h.unit("xa-22453").ID) + "&period=" + itoa64(rep.PeriodID):   http.StatusNotFound,
		"/api/v1/indicators/YT-01/values?unit=abc": http.StatusUnprocessableEntity,
	} {
		if code, out := c.do(t, http.MethodGet, p, ""); code != want {
			t.Errorf("%s: %d %v, want %d", p, code, out, want)
		}
	}
}
