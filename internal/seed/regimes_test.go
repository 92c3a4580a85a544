package seed

import (
	"context"
	"testing"

	"baocao/internal/apperr"
	"baocao/internal/database/dbtest"
	"baocao/internal/forms"
)

func TestSocioEconomicFormIsLargeAndValid(t *testing.T) {
	t.Parallel()
	f, err := SocioEconomicForm()
	if err != nil {
		t.Fatal(err)
	}
	data := 0
	for _, r := range f.Rows {
		if r.Kind == forms.Indicator || r.Kind == forms.Subtotal {
			data++
		}
	}
	if data < 300 || len(f.Columns) != 7 {
		t.Fatalf("%d rows with values, %d columns; want ≥ 300 and 7", data, len(f.Columns))
	}
	for _, form := range []forms.Form{f, ProceduresForm(), UsageForm()} {
		tpl := forms.Template{Forms: []forms.Form{form}}
		if err := tpl.CheckPublishable(); err != nil {
			t.Fatalf("%s does not check: %v %v", form.Title, err, apperr.FieldErrors(err))
		}
	}
}

func TestDemoRegimesPublishAssignAndOpen(t *testing.T) {
	t.Parallel()
	db := dbtest.New(t)
	ctx := context.Background()
	if err := Reference(ctx, db); err != nil {
		t.Fatal(err)
	}
	for range 2 { // idempotent
		if err := DemoRegimes(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	count := func(sql string) int {
		var n int
		if err := db.QueryRow(ctx, sql).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM regimes`); n != 4 {
		t.Errorf("regimes %d, want 4", n)
	}
	if n := count(`SELECT count(*) FROM template_versions WHERE published_at IS NOT NULL`); n != 4 {
		t.Errorf("published versions %d, want 4", n)
	}
	// 65 communes + 13 open departments report the monthly socio-economic
	// one, 65 communes and Sở Y tế the health one; 65 the quarterly one.
	if n := count(`SELECT count(*) FROM reports r JOIN periods p ON p.id = r.period_id JOIN regimes g ON g.id = p.regime_id WHERE g.frequency = 'monthly'`); n != 65+13+65+1 {
		t.Errorf("monthly reports %d, want 144", n)
	}
	// The health regime has two levels: the communes to Sở Y tế, Sở Y tế
	// to the provincial People's Committee's office.
	if n := count(`SELECT count(*) FROM assignments a JOIN regimes g ON g.id = a.regime_id JOIN units r ON r.id = a.receiver_unit_id
		WHERE g.name = '` + HealthRegime + `' AND (a.level, r.key) IN ((1, 'so-y-te'), (2, 'vp-ubnd'))`); n != 66 {
		t.Errorf("health assignments %d, want 65 communes to Sở Y tế and Sở Y tế to vp-ubnd", n)
	}
	if n := count(`SELECT count(*) FROM reports r JOIN periods p ON p.id = r.period_id JOIN regimes g ON g.id = p.regime_id WHERE g.frequency = 'quarterly'`); n != 65 {
		t.Errorf("quarterly reports %d, want 65", n)
	}
	if n := count(`SELECT count(*) FROM reports WHERE deadline <= (SELECT end_date FROM periods WHERE id = period_id)`); n != 0 {
		t.Errorf("%d reports due on or before their cut-off", n)
	}
}
