-- +goose Up
-- A unit's accepted figures of the two years before a report, which judge
-- the report's figures on every autosave and report page
-- (reports.pastFigures): read from this index alone, without visiting the
-- rows of each past report that hold text, formula results or nothing.
CREATE INDEX report_values_typed ON report_values (report_id)
    INCLUDE (form_key, row_key, col_code, num) WHERE NOT computed AND num IS NOT NULL;

-- +goose Down
DROP INDEX report_values_typed;
