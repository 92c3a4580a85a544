package regimes_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"baocao/internal/apperr"
	"baocao/internal/forms"
	"baocao/internal/regimes"
)

// goodTemplate is a small publishable template: a two-section outline and
// one form whose column (1) sums (2) and (3).
func goodTemplate() forms.Template {
	return forms.Template{
		Outline: []forms.Section{
			{Key: "s1", Number: "I", Heading: "Kết quả thực hiện", Required: true},
			{Key: "s2", Parent: "s1", Number: "1", Heading: "Về kinh tế"},
		},
		Forms: []forms.Form{{Key: "b1", Title: "Hồ sơ thủ tục hành chính",
			Columns: []forms.Column{
				{Code: "1", Label: "Tổng số", Type: forms.Number, Formula: "c2 + c3"},
				{Code: "2", Label: "Trực tuyến", Type: forms.Number},
				{Code: "3", Label: "Trực tiếp", Type: forms.Number},
			},
			Rows: []forms.Row{
				{Key: "r1", Label: "Tổng số", Kind: forms.Subtotal},
				{Key: "r2", Parent: "r1", STT: "1", Label: "Lĩnh vực tư pháp", Kind: forms.Indicator},
				{Key: "r3", Parent: "r1", STT: "2", Label: "Lĩnh vực đất đai", Kind: forms.Indicator},
			}}},
	}
}

func (f fixture) mustDraft(tb testing.TB, regimeID int64) *regimes.Version {
	tb.Helper()
	v, err := f.s.Draft(f.ctx, regimeID)
	if err != nil {
		tb.Fatalf("Draft(%d): %v", regimeID, err)
	}
	return v
}

func (f fixture) mustSave(tb testing.TB, v *regimes.Version, tpl forms.Template) *regimes.Version {
	tb.Helper()
	if err := f.s.SaveDraft(f.ctx, v, tpl, v.UpdatedAt); err != nil {
		tb.Fatalf("SaveDraft: %v %v", err, apperr.FieldErrors(err))
	}
	return f.mustDraft(tb, v.RegimeID)
}

func (f fixture) mustPublish(tb testing.TB, v *regimes.Version) {
	tb.Helper()
	if err := f.s.Publish(f.ctx, v); err != nil {
		tb.Fatalf("Publish: %v %v", err, apperr.FieldErrors(err))
	}
}

// stored is the JSON content of version id as the database holds it.
func (f fixture) stored(tb testing.TB, id int64) string {
	tb.Helper()
	var content string
	if err := f.db.QueryRow(f.ctx, `SELECT content::text FROM template_versions WHERE id = $1`, id).Scan(&content); err != nil {
		tb.Fatal(err)
	}
	return content
}

// backdate moves the draft's updated_at a minute back, as if it had been
// saved a minute ago.
func (f fixture) backdate(tb testing.TB, regimeID int64) {
	tb.Helper()
	if _, err := f.db.Exec(f.ctx, `UPDATE template_versions SET updated_at = updated_at - interval '1 minute'
		WHERE regime_id = $1 AND published_at IS NULL`, regimeID); err != nil {
		tb.Fatal(err)
	}
}

func (f fixture) newRegime(tb testing.TB) *regimes.Regime {
	tb.Helper()
	return f.mustCreate(tb, f.input(tb, "Báo cáo thủ tục hành chính", "so-y-te"))
}

func TestSaveDraftStaleSeenConflictsAndKeepsContent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.newRegime(t)
	f.backdate(t, r.ID) // so that the next save is surely later
	v := f.mustDraft(t, r.ID)
	seen := v.UpdatedAt
	saved := f.mustSave(t, v, goodTemplate()) // someone else saves first
	before := f.stored(t, v.ID)

	other := goodTemplate()
	other.Outline = other.Outline[:1]
	err := f.s.SaveDraft(f.ctx, v, other, seen)
	wantCode(t, err, apperr.Conflict)
	if !strings.Contains(apperr.Message(err), "vừa được người khác lưu") {
		t.Errorf("conflict message %q", apperr.Message(err))
	}
	if after := f.stored(t, v.ID); after != before {
		t.Errorf("a stale save changed the draft:\n%s\nwas\n%s", after, before)
	}
	if got := f.mustDraft(t, r.ID); !got.UpdatedAt.Equal(saved.UpdatedAt) {
		t.Errorf("updated_at moved from %v to %v", saved.UpdatedAt, got.UpdatedAt)
	}
	// A zero seen (the field missing from the form) is stale too.
	wantCode(t, f.s.SaveDraft(f.ctx, v, other, time.Time{}), apperr.Conflict)
	if n := f.audits(t, "template.save", v.ID); n != 1 {
		t.Errorf("%d template.save events, want 1", n)
	}
}

// Two saves in the same millisecond: SaveDraft compares updated_at only to
// the millisecond, so a designer who loaded the draft before the other
// save overwrites it silently.
func TestSaveDraftDetectsASaveWithinTheSameMillisecond(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.newRegime(t)
	v := f.mustDraft(t, r.ID)
	set := func(at string) {
		t.Helper()
		if _, err := f.db.Exec(f.ctx, `UPDATE template_versions SET updated_at = $2 WHERE id = $1`, v.ID, at); err != nil {
			t.Fatal(err)
		}
	}
	set("2026-03-05 10:00:00.123100+07")
	seen := f.mustDraft(t, r.ID).UpdatedAt
	set("2026-03-05 10:00:00.123900+07") // another designer's save, 0.8 ms later
	err := f.s.SaveDraft(f.ctx, v, goodTemplate(), seen)
	if apperr.Code(err) != apperr.Conflict {
		t.Errorf("save from a draft seen before another save: %v, want Conflict", err)
	}
}

func TestSaveDraftInvalidTemplateChangesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.newRegime(t)
	v := f.mustSave(t, f.mustDraft(t, r.ID), goodTemplate())
	before := f.stored(t, v.ID)

	cases := map[string]struct {
		change func(*forms.Form)
		want   string
	}{
		"duplicate row keys": {func(b *forms.Form) { b.Rows[2].Key = "r2" }, "dòng 3: mã dòng trùng"},
		"formula cycle": {func(b *forms.Form) {
			b.Columns[0].Formula, b.Columns[1].Formula = "c2", "c1"
		}, "tham chiếu vòng"},
		"unknown column": {func(b *forms.Form) { b.Columns[0].Formula = "c2 + c9" }, "tham chiếu đến cột 9 không tồn tại"},
		"row formula on a missing column": {func(b *forms.Form) {
			b.Rows[1].Formulas = map[string]string{"7": "c2"}
		}, "công thức cho cột (7) không có trong biểu"},
	}
	for name, c := range cases {
		tpl := goodTemplate()
		c.change(&tpl.Forms[0])
		err := f.s.SaveDraft(f.ctx, v, tpl, v.UpdatedAt)
		if apperr.Code(err) != apperr.Invalid {
			t.Errorf("%s: error %v, want Invalid", name, err)
			continue
		}
		var all []string
		for _, msg := range apperr.FieldErrors(err) {
			all = append(all, msg)
		}
		if joined := strings.Join(all, " | "); !strings.Contains(joined, c.want) {
			t.Errorf("%s: messages %q do not mention %q", name, joined, c.want)
		}
	}
	if after := f.stored(t, v.ID); after != before {
		t.Errorf("an invalid template was stored:\n%s", after)
	}
	if got := f.mustDraft(t, r.ID); !got.UpdatedAt.Equal(v.UpdatedAt) {
		t.Error("an invalid save moved updated_at")
	}
}

// The designer declares a form's columns before its rows. A formula loop
// or a reference to a missing column must be refused then, not only once
// rows exist (forms.Form.Compile binds column formulas row by row, so a
// form without data rows checks none of them).
func TestSaveDraftRefusesBadColumnFormulasBeforeRowsExist(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.newRegime(t)
	v := f.mustDraft(t, r.ID)
	for name, columns := range map[string][]forms.Column{
		"formula cycle": {
			{Code: "1", Label: "Một", Type: forms.Number, Formula: "c2"},
			{Code: "2", Label: "Hai", Type: forms.Number, Formula: "c1"},
		},
		"unknown column": {
			{Code: "1", Label: "Một", Type: forms.Number, Formula: "c9 * 2"},
		},
	} {
		tpl := forms.Template{Forms: []forms.Form{{Key: "b1", Title: "Biểu chưa có dòng", Columns: columns}}}
		if err := f.s.SaveDraft(f.ctx, v, tpl, v.UpdatedAt); apperr.Code(err) != apperr.Invalid {
			t.Errorf("%s in a form without rows: error %v, want Invalid", name, err)
			v = f.mustDraft(t, r.ID)
		}
	}
}

func TestPublishEmptyTemplateIsInvalid(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.newRegime(t)
	v := f.mustDraft(t, r.ID)
	err := f.s.Publish(f.ctx, v)
	wantCode(t, err, apperr.Invalid)
	if !strings.Contains(apperr.Message(err), "chưa có đề cương hay biểu số liệu") {
		t.Errorf("message %q", apperr.Message(err))
	}
	// A form without rows cannot be published either.
	tpl := forms.Template{Forms: []forms.Form{{Key: "b1", Title: "Biểu trống", Columns: goodTemplate().Forms[0].Columns}}}
	v = f.mustSave(t, v, tpl)
	wantCode(t, f.s.Publish(f.ctx, v), apperr.Invalid)
	if got := f.mustRegime(t, r.ID); got.PublishedVersion != 0 || got.DraftVersion != 1 {
		t.Errorf("after refused publishing: published %d, draft %d", got.PublishedVersion, got.DraftVersion)
	}
}

func TestPublishFreezesTheVersion(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.newRegime(t)
	v := f.mustSave(t, f.mustDraft(t, r.ID), goodTemplate())
	f.mustPublish(t, v)

	published, err := f.s.Published(f.ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if published.ID != v.ID || published.Draft() || published.Number != 1 {
		t.Fatalf("published %+v", published)
	}
	if len(published.Template.Forms) != 1 || published.Template.Forms[0].Columns[0].Formula != "c2 + c3" {
		t.Errorf("published content %+v", published.Template)
	}
	if got := f.mustRegime(t, r.ID); got.PublishedVersion != 1 || got.DraftVersion != 0 {
		t.Errorf("regime: published %d, draft %d; want 1 and 0", got.PublishedVersion, got.DraftVersion)
	}
	if n := f.audits(t, "template.publish", v.ID); n != 1 {
		t.Errorf("%d template.publish events", n)
	}
	if _, err := f.s.Draft(f.ctx, r.ID); apperr.Code(err) != apperr.NotFound {
		t.Errorf("Draft after publishing: %v, want NotFound", err)
	}
	before := f.stored(t, v.ID)

	// Saving through the reloaded version and through the stale one.
	changed := goodTemplate()
	changed.Outline = changed.Outline[:1]
	wantCode(t, f.s.SaveDraft(f.ctx, published, changed, published.UpdatedAt), apperr.Conflict)
	wantCode(t, f.s.SaveDraft(f.ctx, v, changed, v.UpdatedAt), apperr.Conflict)
	wantCode(t, f.s.Publish(f.ctx, published), apperr.Conflict)

	// The database refuses too.
	if _, err := f.db.Exec(f.ctx, `UPDATE template_versions SET content = '{"outline":[],"forms":[]}' WHERE id = $1`, v.ID); err == nil ||
		!strings.Contains(err.Error(), "is published and cannot change") {
		t.Errorf("direct UPDATE of a published version: %v", err)
	}
	if _, err := f.db.Exec(f.ctx, `DELETE FROM template_versions WHERE id = $1`, v.ID); err == nil {
		t.Error("direct DELETE of a published version succeeded")
	}
	if after := f.stored(t, v.ID); after != before {
		t.Errorf("published content changed:\n%s", after)
	}
}

// Two designers press "Ban hành" at once: both load the draft, the first
// publishes it, the second must get a Conflict, not the trigger's error
// (which the web layer shows as a 500).
func TestPublishTwiceWithTheSameLoadedDraftConflicts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.newRegime(t)
	v := f.mustSave(t, f.mustDraft(t, r.ID), goodTemplate())
	f.mustPublish(t, v)
	err := f.s.Publish(f.ctx, v)
	if apperr.Code(err) != apperr.Conflict {
		t.Errorf("second Publish of the same loaded draft: %v (code %s), want Conflict", err, apperr.Code(err))
	}
	if n := f.audits(t, "template.publish", v.ID); n != 1 {
		t.Errorf("%d template.publish events, want 1", n)
	}
}

// Publish checks v.Template, what the caller loaded, but publishes the row
// as stored. When the draft was saved since, it must not publish content
// that nobody checked (here: an empty template).
func TestPublishStaleDraftDoesNotPublishUncheckedContent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.newRegime(t)
	v := f.mustSave(t, f.mustDraft(t, r.ID), goodTemplate())
	f.mustSave(t, v, forms.Template{}) // another designer empties the draft
	err := f.s.Publish(f.ctx, v)       // v still holds the good template
	if err == nil {
		p, _ := f.s.Published(f.ctx, r.ID)
		t.Errorf("published a version the caller did not see: %d sections, %d forms", len(p.Template.Outline), len(p.Template.Forms))
	} else if code := apperr.Code(err); code != apperr.Conflict && code != apperr.Invalid {
		t.Errorf("error %v, want Conflict or Invalid", err)
	}
}

func TestNewDraftCopiesPublishedContent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.newRegime(t)

	// Nothing published yet: nothing to copy, and the draft stays alone.
	if _, err := f.s.NewDraft(f.ctx, r.ID, 0); apperr.Code(err) != apperr.NotFound {
		t.Fatalf("NewDraft without a published version: %v, want NotFound", err)
	}
	v1 := f.mustSave(t, f.mustDraft(t, r.ID), goodTemplate())
	f.mustPublish(t, v1)

	v2, err := f.s.NewDraft(f.ctx, r.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if v2.Number != 2 || !v2.Draft() || v2.ID == v1.ID {
		t.Errorf("new draft %+v, want version 2", v2)
	}
	a, _ := json.Marshal(v1.Template)
	b, _ := json.Marshal(v2.Template)
	if string(a) != string(b) {
		t.Errorf("draft content differs from the published one:\n%s\n%s", b, a)
	}
	if n := f.audits(t, "template.new_draft", v2.ID); n != 1 {
		t.Errorf("%d template.new_draft events", n)
	}
	_, err = f.s.NewDraft(f.ctx, r.ID, 0)
	wantCode(t, err, apperr.Conflict)
	var count int
	if err := f.db.QueryRow(f.ctx, `SELECT count(*) FROM template_versions WHERE regime_id = $1`, r.ID).Scan(&count); err != nil {
		t.Fatal(err)
	}
	if count != 2 {
		t.Errorf("%d versions, want 2", count)
	}

	// Editing the new draft leaves version 1 alone.
	changed := goodTemplate()
	changed.Outline = append(changed.Outline, forms.Section{Key: "s3", Number: "II", Heading: "Kiến nghị"})
	f.mustSave(t, v2, changed)
	if p, err := f.s.Published(f.ctx, r.ID); err != nil || len(p.Template.Outline) != 2 {
		t.Errorf("published version after editing the draft: %v, %+v", err, p)
	}
}

func TestCurrentPrefersTheDraft(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.newRegime(t)
	current := func() *regimes.Version {
		t.Helper()
		v, err := f.s.Current(f.ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := current(); v.Number != 1 || !v.Draft() {
		t.Errorf("before publishing: version %d draft=%v", v.Number, v.Draft())
	}
	v1 := f.mustSave(t, f.mustDraft(t, r.ID), goodTemplate())
	f.mustPublish(t, v1)
	if v := current(); v.Number != 1 || v.Draft() {
		t.Errorf("after publishing: version %d draft=%v", v.Number, v.Draft())
	}
	v2, err := f.s.NewDraft(f.ctx, r.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if v := current(); v.ID != v2.ID || !v.Draft() {
		t.Errorf("with a new draft: version %d draft=%v", v.Number, v.Draft())
	}
	f.mustPublish(t, v2)
	if v := current(); v.Number != 2 || v.Draft() {
		t.Errorf("after publishing version 2: version %d draft=%v", v.Number, v.Draft())
	}
	if _, err := f.s.Current(f.ctx, r.ID+1000); apperr.Code(err) != apperr.NotFound {
		t.Errorf("Current of an unknown regime: %v", err)
	}
	if _, err := f.s.Version(f.ctx, 987654); apperr.Code(err) != apperr.NotFound {
		t.Errorf("Version of an unknown id: %v", err)
	}
}
