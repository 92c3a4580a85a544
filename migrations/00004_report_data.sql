-- +goose Up

-- What a report holds, and its history (SPEC §4).
ALTER TABLE reports
    ADD COLUMN revision       int NOT NULL DEFAULT 0,  -- every save: two editors see a conflict, not an overwrite
    ADD COLUMN version        int NOT NULL DEFAULT 1,  -- a new version after each return, and "gửi bổ sung"
    ADD COLUMN supplementary  boolean NOT NULL DEFAULT false,
    ADD COLUMN sent_at        timestamptz,
    ADD COLUMN late           boolean NOT NULL DEFAULT false,
    ADD COLUMN via_eoffice    boolean NOT NULL DEFAULT false,
    ADD COLUMN eoffice_number text NOT NULL DEFAULT '',
    ADD COLUMN eoffice_date   date,
    ADD COLUMN saved_at       timestamptz,
    ADD COLUMN saved_by       bigint REFERENCES accounts (id);

-- One value per cell. num holds numbers (typed, or computed by the
-- server for formula cells), txt the text of text columns.
CREATE TABLE report_values (
    report_id bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    form_key  text NOT NULL,
    row_key   text NOT NULL,
    col_code  text NOT NULL,
    num       numeric,
    txt       text,
    computed  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (report_id, form_key, row_key, col_code),
    CHECK ((num IS NULL) <> (txt IS NULL))
);

-- The narrative: one sanitised HTML text per outline section.
CREATE TABLE report_sections (
    report_id   bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    section_key text NOT NULL,
    html        text NOT NULL,
    PRIMARY KEY (report_id, section_key)
);

-- A frozen copy of each version that left the unit, for the diff after a
-- return and for the record.
CREATE TABLE report_snapshots (
    report_id  bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    version    int NOT NULL,
    content    jsonb NOT NULL,  -- {"values": {...}, "sections": {...}}
    marks      jsonb NOT NULL DEFAULT '{}',  -- cells and sections a return pointed at
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (report_id, version)
);

-- Every transition: who, when, from where, why.
CREATE TABLE report_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id   bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES accounts (id),
    actor_name  text NOT NULL DEFAULT '',
    action      text NOT NULL,
    from_status text NOT NULL,
    to_status   text NOT NULL,
    version     int NOT NULL,
    reason      text NOT NULL DEFAULT '',
    ip          text NOT NULL DEFAULT '',
    detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX report_events_report ON report_events (report_id, at);

-- Outages of the system (QĐ 2838 Điều 7.4): reports due during one count
-- as on time when sent by the end of its grace period.
CREATE TABLE outages (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at  timestamptz NOT NULL,
    ended_at    timestamptz NOT NULL CHECK (ended_at > started_at),
    grace_until timestamptz NOT NULL CHECK (grace_until >= ended_at),
    description text NOT NULL DEFAULT '',
    created_by  bigint REFERENCES accounts (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE outages;
DROP TABLE report_events;
DROP TABLE report_snapshots;
DROP TABLE report_sections;
DROP TABLE report_values;
ALTER TABLE reports DROP COLUMN revision, DROP COLUMN version, DROP COLUMN supplementary, DROP COLUMN sent_at,
    DROP COLUMN late, DROP COLUMN via_eoffice, DROP COLUMN eoffice_number, DROP COLUMN eoffice_date,
    DROP COLUMN saved_at, DROP COLUMN saved_by;
