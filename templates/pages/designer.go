package pages

import (
	"baocao/internal/forms"
	"baocao/internal/outliers"
	"baocao/internal/regimes"
	"baocao/templates/components"
)

// TemplateView is the overview of a regime's template.
type TemplateView struct {
	Regime  *regimes.Regime
	Version *regimes.Version
	Errors  map[string]string
}

// OutlineView is the outline editor.
type OutlineView struct {
	Regime  *regimes.Regime
	Version *regimes.Version
	Seen    string // the version's UpdatedAt, for conflicts
	Lines   []forms.SectionLine
	Errors  map[string]string
}

// FormEditorView edits a form's header, columns and rules.
type FormEditorView struct {
	Regime   *regimes.Regime
	Version  *regimes.Version
	Seen     string
	FormKey  string
	Code     string
	Title    string
	IssuedBy string
	Unit     string
	Columns  []forms.ColumnLine
	Rules    string
	Errors   map[string]string
}

// RowsView edits a form's rows.
type RowsView struct {
	Regime  *regimes.Regime
	Version *regimes.Version
	Seen    string
	Form    *forms.Form
	Lines   []forms.RowLine
	Paste   string
	Errors  map[string]string
}

// PreviewView shows a form as officials will fill it.
type PreviewView struct {
	Regime  *regimes.Regime
	Version *regimes.Version
	Form    *forms.Form
	Grid    components.Grid
}

func valueTypeOptions(selected string) []components.Option {
	return components.ChoiceOptions(forms.ValueTypes, selected)
}

func aggregationOptions(selected string) []components.Option {
	return components.ChoiceOptions(forms.Aggregations, selected)
}

func rowKindOptions(selected string) []components.Option {
	return components.ChoiceOptions(forms.RowKinds, selected)
}

func prefillOptions(selected string) []components.Option {
	return optionList(selected, [][2]string{{"", "Không"}, {"previous", "Lấy từ kỳ trước"}, {"usage", "Số liệu sử dụng hệ thống"}})
}

// outlierOptions are the ways a column's figures are checked against the
// unit's own history (issue 18).
func outlierOptions(selected string) []components.Option {
	var pairs [][2]string
	for _, k := range outliers.Kinds {
		pairs = append(pairs, [2]string{string(k.Kind), k.Label})
	}
	return optionList(selected, pairs)
}

func optionList(selected string, pairs [][2]string) []components.Option {
	out := make([]components.Option, 0, len(pairs))
	for _, p := range pairs {
		out = append(out, components.Option{Value: p[0], Label: p[1], Selected: p[0] == selected})
	}
	return out
}

func templatePath(r *regimes.Regime) string { return "/regimes/" + itoa(r.ID) + "/template" }

func formPath(r *regimes.Regime, key string) string { return templatePath(r) + "/forms/" + key }

func idx(prefix string, i int) string { return prefix + "_" + itoa(int64(i)) }
