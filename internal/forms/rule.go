package forms

// RuleFor is how the cell of row r in column c is combined over several
// reports (consolidation) or several old units (re-basing): the row's own
// rule for the column, else the column's, else sum.
func (r Row) RuleFor(c Column) string {
	if rule := r.Aggregation[c.Code]; rule != "" {
		return rule
	}
	if c.Aggregation != "" {
		return c.Aggregation
	}
	return Sum
}
