-- +goose Up

-- The dashboards follow one cell (an indicator in a column) across many
-- reports: over the periods of a regime and across the units of one
-- period. Keyed by the cell first, with the value included, the cell of
-- every report is one index range read without touching the table,
-- instead of a lookup per report or a scan of every value.
CREATE INDEX report_values_cell ON report_values (form_key, row_key, col_code, report_id) INCLUDE (num);

-- +goose Down
DROP INDEX report_values_cell;
