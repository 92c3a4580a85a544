package pages

import (
	"baocao/internal/forms"
	"baocao/internal/regimes"
	"baocao/templates/components"
)

// DraftsView is the designer's page of the outline's drafted sentences
// ("Gợi ý nội dung"): per section the rows its draft speaks of, per form
// the columns' roles, and the sentences on sample figures.
type DraftsView struct {
	Regime   *regimes.Regime
	Version  *regimes.Version
	Seen     string
	Sections []DraftSection
	Forms    []DraftForm
	Errors   map[string]string
}

// DraftSection is an outline section with its rows and sample sentences.
type DraftSection struct {
	Section forms.Section
	Rows    []components.Option
	Preview []string
}

// DraftForm is a form with the role of each column.
type DraftForm struct {
	Key, Title string
	Columns    []DraftColumn
}

// DraftColumn is a column and its role in drafted sentences.
type DraftColumn struct {
	Code, Label, Role string
}

func roleOptions() []struct{ Role, Label string } { return forms.RoleLabels }
