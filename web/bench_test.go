package web

import (
	"context"
	"io"
	"net/http"
	"testing"

	"baocao/internal/accounts"
	"baocao/internal/seed"
	"baocao/templates/components"
)

// Benchmarks of the largest seeded form (SPEC §8: render ≤ 20 ms).
// Run: go test ./web -run XXX -bench . -benchmem

func BenchmarkDesignCheckSocioEconomicForm(b *testing.B) {
	f, err := seed.SocioEconomicForm()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, problems := f.Compile(); len(problems) > 0 {
			b.Fatal(problems)
		}
	}
}

func BenchmarkRenderGridSocioEconomicForm(b *testing.B) {
	f, err := seed.SocioEconomicForm()
	if err != nil {
		b.Fatal(err)
	}
	grid := components.FormGrid(components.Grid{Form: &f})
	for b.Loop() {
		if err := grid.Render(context.Background(), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPreviewPage serves the whole preview page of the seeded monthly
// form: session, policy, loading the version from PostgreSQL, rendering.
func BenchmarkPreviewPage(b *testing.B) {
	h := newHarness(b)
	if err := seed.DemoRegimes(h.ctx, h.db); err != nil {
		b.Fatal(err)
	}
	admin := h.account("qt.vpubnd", "vp-ubnd", accounts.UnitAdmin)
	cookie, _ := h.sessionFor(admin)
	var id int64
	if err := h.db.QueryRow(h.ctx, `SELECT id FROM regimes WHERE frequency = 'monthly'`).Scan(&id); err != nil {
		b.Fatal(err)
	}
	path := regimePath(id) + "/template/forms/b1/preview"
	for b.Loop() {
		if rec := h.do("GET", path, cookie, nil); rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
