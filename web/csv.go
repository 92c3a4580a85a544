package web

import (
	"encoding/csv"
	"net/http"

	"baocao/internal/xlsx"
)

// sendCSV streams a table as CSV in UTF-8 with a byte-order mark, so that
// Excel shows Vietnamese correctly; rows calls write once per row. Tables
// that fit in memory go through sendTable (xlsx.WriteCSV) instead; this is
// for the long ones, like the audit log. Every cell goes through
// xlsx.CSVCell, so a name such as =HYPERLINK(…) is not run as a formula.
func sendCSV(w http.ResponseWriter, name string, header []string, rows func(write func([]string) error) error) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+asciiName(name)+`"`)
	if _, err := w.Write([]byte("\ufeff")); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	write := func(cells []string) error {
		safe := make([]string, len(cells))
		for i, c := range cells {
			safe[i] = xlsx.CSVCell(c)
		}
		return cw.Write(safe)
	}
	if err := write(header); err != nil {
		return err
	}
	if err := rows(write); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
