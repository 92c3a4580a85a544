-- +goose Up

-- Holiday calendar for counting working days (SPEC §3); working = true
-- marks a compensatory working day (làm bù) on a weekend.
CREATE TABLE holidays (
    day        date PRIMARY KEY,
    name       text NOT NULL,
    working    boolean NOT NULL DEFAULT false,
    status     text NOT NULL DEFAULT 'announced',
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The indicator catalogue (bộ chỉ tiêu).
CREATE TABLE indicators (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source              text NOT NULL DEFAULT '',
    code                text NOT NULL DEFAULT '',
    name                text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 500),
    unit_of_measure     text NOT NULL DEFAULT '',
    value_type          text NOT NULL DEFAULT 'number' CHECK (value_type IN ('number', 'integer', 'percent', 'text')),
    aggregation         text NOT NULL DEFAULT 'sum' CHECK (aggregation IN ('sum', 'avg', 'weighted_avg', 'min', 'max', 'none')),
    group_name          text NOT NULL DEFAULT '',
    period_note         text NOT NULL DEFAULT '',
    description         text NOT NULL DEFAULT '',
    responsible_unit_id bigint REFERENCES units (id),
    retired_at          timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX indicators_source_code ON indicators (source, code) WHERE code <> '';
CREATE INDEX indicators_name ON indicators USING gin (to_tsvector('simple', name));

-- Reporting regimes (chế độ báo cáo) with the nine elements of ND 09 Điều 7.
CREATE TABLE regimes (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name              text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 500),
    content           text NOT NULL DEFAULT '',  -- nội dung yêu cầu báo cáo
    reporting_units   text NOT NULL DEFAULT '',  -- đối tượng thực hiện, as written in the decision
    receiving_unit_id bigint NOT NULL REFERENCES units (id),
    send_method       text NOT NULL DEFAULT 'Hệ thống thông tin báo cáo tỉnh',
    frequency         text NOT NULL CHECK (frequency IN ('monthly', 'quarterly', 'half_year', 'nine_months', 'annual', 'ad_hoc')),
    calendar_periods  boolean NOT NULL DEFAULT false, -- calendar months instead of the ND 09 cut-off windows
    legal_number      text NOT NULL DEFAULT '',  -- số văn bản, e.g. 2838/QĐ-UBND
    legal_date        date,
    owner_unit_id     bigint NOT NULL REFERENCES units (id),
    remind_days       int NOT NULL DEFAULT 3 CHECK (remind_days BETWEEN 0 AND 30),
    retired_at        timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Deadline per level: level 1 is the first step up (e.g. commune → department).
CREATE TABLE regime_deadlines (
    regime_id    bigint NOT NULL REFERENCES regimes (id) ON DELETE CASCADE,
    level        int NOT NULL CHECK (level BETWEEN 1 AND 5),
    working_days int CHECK (working_days BETWEEN 1 AND 60),
    fixed_day    int CHECK (fixed_day BETWEEN 1 AND 31),
    PRIMARY KEY (regime_id, level),
    CHECK ((working_days IS NULL) <> (fixed_day IS NULL))
);

-- Template versions: the content is one JSON document (internal/forms);
-- a published version never changes.
CREATE TABLE template_versions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    regime_id    bigint NOT NULL REFERENCES regimes (id),
    version      int NOT NULL,
    content      jsonb NOT NULL,
    published_at timestamptz,
    created_by   bigint REFERENCES accounts (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (regime_id, version)
);
CREATE UNIQUE INDEX template_versions_one_draft ON template_versions (regime_id) WHERE published_at IS NULL;

-- +goose StatementBegin
CREATE FUNCTION template_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.published_at IS NOT NULL THEN
        RAISE EXCEPTION 'template version % is published and cannot change', OLD.id;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER template_versions_immutable BEFORE UPDATE OR DELETE ON template_versions
    FOR EACH ROW EXECUTE FUNCTION template_versions_immutable();

-- Assignments (giao báo cáo): regime × reporting unit × receiving unit.
CREATE TABLE assignments (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    regime_id        bigint NOT NULL REFERENCES regimes (id),
    unit_id          bigint NOT NULL REFERENCES units (id),
    receiver_unit_id bigint NOT NULL REFERENCES units (id),
    level            int NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 5),
    valid_from       date NOT NULL,
    valid_to         date CHECK (valid_to IS NULL OR valid_to >= valid_from),
    confirmed_at     timestamptz,  -- NULL: waits for a system admin (outside the assigner's subtree)
    created_by       bigint REFERENCES accounts (id),
    confirmed_by     bigint REFERENCES accounts (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (unit_id <> receiver_unit_id)
);
CREATE INDEX assignments_regime ON assignments (regime_id);
CREATE INDEX assignments_unit ON assignments (unit_id);
CREATE UNIQUE INDEX assignments_open ON assignments (regime_id, unit_id) WHERE valid_to IS NULL;

-- Periods of a regime, bound to the template version in force when opened.
CREATE TABLE periods (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    regime_id           bigint NOT NULL REFERENCES regimes (id),
    key                 text NOT NULL,   -- periods.Period.Key(), e.g. 2026-M03
    label               text NOT NULL,
    start_date          date NOT NULL,
    end_date            date NOT NULL CHECK (end_date >= start_date),
    template_version_id bigint NOT NULL REFERENCES template_versions (id),
    opened_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (regime_id, key)
);

-- Reports: one unit's report for one period. The lifecycle comes later;
-- a report starts as a draft when its period opens.
CREATE TABLE reports (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    period_id        bigint NOT NULL REFERENCES periods (id),
    unit_id          bigint NOT NULL REFERENCES units (id),
    receiver_unit_id bigint NOT NULL REFERENCES units (id),
    assignment_id    bigint NOT NULL REFERENCES assignments (id),
    level            int NOT NULL,
    deadline         date NOT NULL,
    status           text NOT NULL DEFAULT 'draft'
                     CHECK (status IN ('draft', 'awaiting_approval', 'approved', 'signed', 'sent', 'returned', 'accepted')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (period_id, unit_id)
);
CREATE INDEX reports_unit ON reports (unit_id, period_id);
CREATE INDEX reports_receiver ON reports (receiver_unit_id, period_id);

-- +goose Down
DROP TABLE reports;
DROP TABLE periods;
DROP TABLE assignments;
DROP TABLE template_versions;
DROP FUNCTION template_versions_immutable;
DROP TABLE regime_deadlines;
DROP TABLE regimes;
DROP TABLE indicators;
DROP TABLE holidays;
