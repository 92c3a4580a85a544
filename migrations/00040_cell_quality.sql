-- +goose Up

-- Figures a receiver can trust (issue 18): every change of every input
-- cell, and the reporting unit's explanations of its figures.

-- Who changed which cell from what to what, and when: written by every
-- save (autosave, full save, Excel import, API, prefill) in the same
-- transaction as the values, so no change goes unrecorded. before/after
-- hold the stored text (numeric canonical text, or the text typed), NULL
-- for a blank cell.
CREATE TABLE report_cell_changes (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id  bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    form_key   text NOT NULL,
    row_key    text NOT NULL,
    col_code   text NOT NULL,
    before     text,
    after      text,
    source     text NOT NULL,  -- autosave, save, import, api, prefill
    version    int NOT NULL,
    actor_id   bigint REFERENCES accounts (id),
    actor_name text NOT NULL DEFAULT '',
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX report_cell_changes_cell ON report_cell_changes (report_id, form_key, row_key, col_code, id);

-- An explanation (giải trình) of an input cell by the reporting unit; it
-- travels with the version sent (report_snapshots.content->'notes').
CREATE TABLE report_notes (
    report_id  bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    form_key   text NOT NULL,
    row_key    text NOT NULL,
    col_code   text NOT NULL,
    body       text NOT NULL CHECK (body <> ''),
    written_by bigint REFERENCES accounts (id),
    written_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (report_id, form_key, row_key, col_code)
);

-- +goose Down
DROP TABLE report_notes;
DROP TABLE report_cell_changes;
