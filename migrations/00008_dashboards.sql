-- +goose Up

-- The dashboards follow one cell (an indicator in a column) across many
-- reports: over the periods of a regime and across the units of one
-- period. Keyed by the cell first, with the value included, the cell of
-- every report is one index range read without touching the table,
-- instead of a lookup per report or a scan of every value.
CREATE INDEX report_values_cell ON report_values (form_key, row_key, col_code, report_id) INCLUDE (num);

-- Archives of a whole period for its receiver (the reports' PDFs and the
-- workbooks, zipped), built in the background by whichever server
-- instance claims the row first; the lease lets another instance take
-- over the work of one that stopped.
CREATE TABLE period_archives (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    period_id        bigint NOT NULL REFERENCES periods (id),
    receiver_unit_id bigint NOT NULL REFERENCES units (id),
    requested_by     bigint REFERENCES accounts (id),
    status           text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    total            int NOT NULL DEFAULT 0,  -- reports to include
    done             int NOT NULL DEFAULT 0,  -- reports included so far
    error            text NOT NULL DEFAULT '',
    file_name        text NOT NULL DEFAULT '',
    file             bytea,
    lease_until      timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz
);
CREATE INDEX period_archives_waiting ON period_archives (id) WHERE status IN ('queued', 'running');
CREATE INDEX period_archives_period ON period_archives (period_id, receiver_unit_id, id DESC);

-- +goose Down
DROP TABLE period_archives;
DROP INDEX report_values_cell;
