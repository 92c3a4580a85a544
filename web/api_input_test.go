package web

import (
	"net/http"
	"strings"
	"testing"

	"baocao/internal/apiclients"
)

// TestAPIRefusesUnreadableText: a JSON body that is not UTF-8, or holds a
// NUL character, is a 422 naming the field, and the draft is unchanged.
func TestAPIRefusesUnreadableText(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id := h.report("xa-22366", "so-y-te")
	_, token, err := h.s.apiClients.Create(h.ctx, "Phần mềm y tế phường", []int64{h.unit("xa-22366").ID}, apiclients.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	writer := apiCall{h, token}
	put := "/api/v1/reports/" + itoa64(id) + "/values"
	for name, c := range map[string]struct{ body, says string }{
		"a NUL character": {`{"revision": 0, "values": {"b1|r2|1": "12\u0000"}}`, "“values.b1|r2|1”"},
		"a NUL in a key":  {`{"revision": 0, "values": {"b1|r2\u0000|1": 12}}`, "NUL"},
		"bytes not UTF-8": {"{\"revision\": 0, \"values\": {\"b1|r2|1\": \"1\xff2\"}}", "UTF-8"},
	} {
		code, out := writer.do(t, http.MethodPut, put, c.body)
		e, _ := out["error"].(map[string]any)
		msg, _ := e["message"].(string)
		if code != http.StatusUnprocessableEntity || !strings.Contains(msg, c.says) {
			t.Errorf("%s: %d %v, want 422 saying %s", name, code, out, c.says)
		}
	}
	if n := h.count(`SELECT revision FROM reports WHERE id = $1`, id); n != 0 {
		t.Errorf("the draft was written (revision %d)", n)
	}
	// A clean body still goes through.
	if code, out := writer.do(t, http.MethodPut, put, `{"revision": 0, "values": {"b1|r2|1": 12}}`); code != http.StatusOK {
		t.Errorf("a clean write: %d %v", code, out)
	}
}
