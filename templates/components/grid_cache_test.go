package components

import (
	"bytes"
	"context"
	"io"
	"testing"

	"baocao/internal/forms"
	"baocao/internal/seed"
)

// gridCases are the 343-row form's grid in every state a cell can be in:
// empty, filled (values needing escaping), with problems, marks, changes,
// flags, explanations and locks, read-only, and with drill-down links.
func gridCases(tb testing.TB) map[string]Grid {
	f, err := seed.SocioEconomicForm()
	if err != nil {
		tb.Fatal(err)
	}
	vals := map[string]string{}
	n := 0
	for _, r := range f.Rows {
		for _, c := range f.Columns {
			if n++; n%3 != 0 {
				vals[r.Key+"|"+c.Code] = "1.234,5<&\"'" + r.Key
			}
		}
	}
	r0, r1, c0, c1 := f.Rows[3].Key, f.Rows[5].Key, f.Columns[0].Code, f.Columns[1].Code
	marked := Grid{Form: &f, Values: vals,
		Errors: map[string]string{r0 + "|" + c0: "Phải là một số", r1 + "|": "Dòng sai", r1 + "|" + c1: "Quá lớn"},
		Marked: map[string]bool{r1 + "|" + c0: true}, Changed: map[string]bool{r0 + "|" + c1: true},
		Notes: map[string]string{r1 + "|" + c1: "vì <lũ>"}, Flags: map[string]string{r1 + "|" + f.Columns[2].Code: "gấp 10 lần"},
		CellLink: "/reports/1/cell?key=b1|", Locked: map[string]bool{f.Rows[7].Key + "|" + c0: true}}
	asked := Grid{Form: &f, Values: vals, Questions: map[string]string{r0 + "|" + c1: "Vì sao <tăng>?"}}
	readOnly := marked
	readOnly.ReadOnly = true
	drill := readOnly
	drill.Drill = "/x?y=1"
	return map[string]Grid{"empty": {Form: &f}, "filled": {Form: &f, Values: vals}, "marked": marked,
		"read-only": readOnly, "drill-down": drill, "read-only filled": {Form: &f, Values: vals, ReadOnly: true}, "asked": asked,
		"drill-down filled": {Form: &f, Values: vals, ReadOnly: true, Drill: "/received/7/cell?form=b1&sent=0&x=<'\"&>"},
		"drill-down empty":  {Form: &f, ReadOnly: true, Drill: "/received/7/cell?form=b1"}}
}

func render(tb testing.TB, g Grid) string {
	var b bytes.Buffer
	if err := FormGrid(g).Render(context.Background(), &b); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

// TestGridSkeleton: the grid filled in its cached skeleton is byte for byte
// the grid rendered whole, on first use and after, and a form changed under
// the same key (a draft version) is cut again.
func TestGridSkeleton(t *testing.T) {
	cache := &GridCache{}
	for name, g := range gridCases(t) {
		want := render(t, g)
		g.Cache, g.Version = cache, 7
		for i := range 2 {
			if got := render(t, g); got != want {
				t.Errorf("%s (%d): the cached grid differs from the whole one at byte %d", name, i, firstDifference(got, want))
			}
		}
		if sk, err := cache.skeleton(context.Background(), g); sk == nil || err != nil {
			t.Errorf("%s: rendered whole, not from a skeleton (%v)", name, err)
		}
	}
	cases := gridCases(t)
	g := cases["filled"]
	changed := *g.Form
	changed.Rows = append([]forms.Row(nil), changed.Rows...)
	changed.Rows[4].Label = "Dòng đã sửa"
	g.Form = &changed
	want := render(t, g)
	g.Cache, g.Version = cache, 7
	if got := render(t, g); got != want {
		t.Errorf("a changed form is filled in the old skeleton (byte %d)", firstDifference(got, want))
	}
}

// TestGridSkeletonMarks: a form whose text holds the skeleton's marks is
// rendered whole, correctly.
func TestGridSkeletonMarks(t *testing.T) {
	g := gridCases(t)["filled"]
	f := *g.Form
	f.Rows = append([]forms.Row(nil), f.Rows...)
	f.Rows[2].Label = "a" + slotMark + valueMark
	g.Form = &f
	drill := gridCases(t)["drill-down filled"]
	df := *drill.Form
	df.Rows = append([]forms.Row(nil), df.Rows...)
	df.Rows[2].Label = "b" + drillMark
	drill.Form = &df
	for _, g := range []Grid{g, drill} {
		want := render(t, g)
		g.Cache, g.Version = &GridCache{}, 1
		if got := render(t, g); got != want {
			t.Errorf("differs at byte %d", firstDifference(got, want))
		}
		if sk, _ := g.Cache.skeleton(context.Background(), g); sk != nil {
			t.Errorf("a form holding the marks was cut")
		}
	}
}

func firstDifference(a, b string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// BenchmarkGrid renders the filled 343-row grid whole and from its skeleton:
//
//	go test -run '^$' -bench Grid -benchmem ./templates/components
func BenchmarkGrid(b *testing.B) {
	g := gridCases(b)["filled"]
	cached := g
	cached.Cache, cached.Version = &GridCache{}, 1
	for name, g := range map[string]Grid{"whole": g, "skeleton": cached} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if err := FormGrid(g).Render(context.Background(), io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
