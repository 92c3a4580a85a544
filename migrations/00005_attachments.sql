-- +goose Up

-- Files attached to a report, kept in PostgreSQL so every server instance
-- serves them and backups include them.
CREATE TABLE report_attachments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id    bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    filename     text NOT NULL,
    content_type text NOT NULL,
    size         int NOT NULL CHECK (size > 0),
    sha256       text NOT NULL,
    data         bytea NOT NULL,
    uploaded_by  bigint REFERENCES accounts (id),
    uploaded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX report_attachments_report ON report_attachments (report_id);

-- +goose Down
DROP TABLE report_attachments;
