package components

// UnitPick is a unit search picker: a text box that finds units by name
// instead of a list of every unit (5,000 options made a page 400 KB). With
// JavaScript it offers the matches as the official types (Search answers
// them, limited to the units the official may see); without, the form is
// submitted with the text and the server chooses the one matching unit, or
// shows the matches to choose from.
type UnitPick struct {
	Name     string // the field of the unit's id, e.g. "unit"; the text is Name+"_q"
	Label    string
	Blank    string // what no unit means, e.g. "Tất cả đơn vị"
	Search   string // the route answering ?q= with the matching units (JSON)
	Query    string // the text in the box
	ID       string // the chosen unit's id, "" for none
	Matches  []Option
	Error    string
	Required bool // a unit must be chosen (no Blank)
}

// QueryName is the field of the typed text.
func (p UnitPick) QueryName() string { return p.Name + "_q" }

// UnitMatchLimit is how many units a search offers at most.
const UnitMatchLimit = 20

func (p UnitPick) hint() string {
	h := "Gõ vài chữ của tên đơn vị (có dấu hoặc không) rồi chọn đơn vị."
	if p.Blank != "" {
		h += " Để trống: " + p.Blank + "."
	}
	return h
}

func (p UnitPick) describedBy() string {
	ids := p.QueryName() + "-hint"
	if p.Error != "" {
		ids += " " + p.QueryName() + "-error"
	}
	return ids
}
