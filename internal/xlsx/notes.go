package xlsx

import "github.com/xuri/excelize/v2"

// noteAuthor signs the comments holding the unit's explanations.
const noteAuthor = "Giải trình của đơn vị"

// note writes the unit's explanation of a cell as the cell's comment
// (issue 18), so that a receiver reading the workbook sees it on the cell.
func (e *exporter) note(col, row int, rowKey, colCode string) {
	if e.err != nil || e.opts.Note == nil {
		return
	}
	text, ok := e.opts.Note(rowKey, colCode)
	if !ok || text == "" {
		return
	}
	e.err = e.x.AddComment(e.sheet, excelize.Comment{Author: noteAuthor, Cell: cellName(col, row), Width: 260, Height: 90,
		Paragraph: []excelize.RichTextRun{{Text: "Giải trình: ", Font: &excelize.Font{Bold: true}}, {Text: text}}})
}
