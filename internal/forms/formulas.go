package forms

// checkFormulas compiles the form's formulas and rules; it is filled in
// with the formula engine.
func (f *Form) checkFormulas() []string { return nil }
