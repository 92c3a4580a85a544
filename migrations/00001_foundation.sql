-- +goose Up

-- Units: agencies in the administrative hierarchy. The tree is kept with
-- validity dates (unit_parents) so that a period is consolidated along the
-- tree as it stood then; a closed unit keeps its rows and its name.
CREATE TABLE unit_kinds (
    code text PRIMARY KEY,
    name text NOT NULL,
    sort int NOT NULL DEFAULT 0
);

INSERT INTO unit_kinds (code, name, sort) VALUES
    ('ubnd-tinh',  'Ủy ban nhân dân cấp tỉnh', 1),
    ('van-phong',  'Văn phòng Ủy ban nhân dân', 2),
    ('so',         'Sở, ngành', 3),
    ('ban',        'Ban quản lý', 4),
    ('su-nghiep',  'Đơn vị sự nghiệp công lập', 5),
    ('trung-uong', 'Cơ quan Trung ương trên địa bàn', 6),
    ('ubnd-xa',    'Ủy ban nhân dân cấp xã', 7),
    ('ubnd-huyen', 'Ủy ban nhân dân cấp huyện (trước 01/7/2025)', 8);

CREATE TABLE units (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key            text UNIQUE,
    name           text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 300),
    kind           text NOT NULL REFERENCES unit_kinds (code),
    agency_code    text UNIQUE CHECK (agency_code ~ '^[0-9A-Z]{3}(\.[0-9A-Z]{2}){2}\.[0-9A-Z]{3}$'),
    territory_code text UNIQUE,
    valid_from     date NOT NULL,
    valid_to       date CHECK (valid_to IS NULL OR valid_to >= valid_from),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- valid_to is the last day (inclusive) on which unit_id sat under parent_id.
CREATE TABLE unit_parents (
    unit_id    bigint NOT NULL REFERENCES units (id),
    parent_id  bigint NOT NULL REFERENCES units (id),
    valid_from date NOT NULL,
    valid_to   date CHECK (valid_to IS NULL OR valid_to >= valid_from),
    PRIMARY KEY (unit_id, valid_from),
    CHECK (unit_id <> parent_id)
);
CREATE UNIQUE INDEX unit_parents_current ON unit_parents (unit_id) WHERE valid_to IS NULL;
CREATE INDEX unit_parents_children ON unit_parents (parent_id) WHERE valid_to IS NULL;

-- subtree(root) lists root and every unit below it in the current tree.
-- +goose StatementBegin
CREATE FUNCTION subtree(root bigint) RETURNS TABLE (unit_id bigint)
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE t(unit_id) AS (
        SELECT root
        UNION
        SELECT p.unit_id FROM unit_parents p JOIN t ON p.parent_id = t.unit_id
        WHERE p.valid_to IS NULL
    )
    SELECT unit_id FROM t
$$;
-- +goose StatementEnd

CREATE TABLE unit_successors (
    unit_id      bigint NOT NULL REFERENCES units (id),
    successor_id bigint NOT NULL REFERENCES units (id),
    PRIMARY KEY (unit_id, successor_id),
    CHECK (unit_id <> successor_id)
);

-- Accounts of the three tiers of QĐ 2838 Điều 6.
CREATE TABLE accounts (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username             text NOT NULL CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
    full_name            text NOT NULL CHECK (length(btrim(full_name)) BETWEEN 1 AND 200),
    position             text NOT NULL DEFAULT '',
    email                text NOT NULL DEFAULT '',
    phone                text NOT NULL DEFAULT '',
    unit_id              bigint NOT NULL REFERENCES units (id),
    tier                 text NOT NULL CHECK (tier IN ('system_admin', 'unit_admin', 'user')),
    rights               text[] NOT NULL DEFAULT '{}'
                         CHECK (rights <@ ARRAY['enter', 'consolidate', 'approve', 'send']),
    password_hash        text NOT NULL,
    password_changed_at  timestamptz NOT NULL DEFAULT now(),
    must_change_password boolean NOT NULL DEFAULT true,
    totp_secret          bytea,
    totp_enabled_at      timestamptz,
    totp_last_step       bigint NOT NULL DEFAULT 0,
    failed_sign_ins      int NOT NULL DEFAULT 0,
    locked_until         timestamptz,
    disabled_at          timestamptz,
    disabled_reason      text NOT NULL DEFAULT '',
    last_sign_in_at      timestamptz,
    last_active_at       timestamptz NOT NULL DEFAULT now(), -- sign-in or re-enabling; 45 days without disables
    session_epoch        int NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_username ON accounts (username);
CREATE INDEX accounts_unit ON accounts (unit_id);
-- Exactly one active unit admin per unit (SPEC §2).
CREATE UNIQUE INDEX accounts_one_unit_admin ON accounts (unit_id)
    WHERE tier = 'unit_admin' AND disabled_at IS NULL;

CREATE TABLE password_history (
    account_id    bigint NOT NULL REFERENCES accounts (id),
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX password_history_account ON password_history (account_id, created_at DESC);

-- Sessions of alexedwards/scs (pgxstore).
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- Append-only audit log (SPEC §7).
CREATE TABLE audit_log (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    actor_id      bigint REFERENCES accounts (id),
    actor_name    text NOT NULL DEFAULT '',
    actor_unit_id bigint REFERENCES units (id),
    action        text NOT NULL,
    object_type   text NOT NULL DEFAULT '',
    object_id     bigint,
    unit_id       bigint REFERENCES units (id),
    ip            text NOT NULL DEFAULT '',
    user_agent    text NOT NULL DEFAULT '',
    detail        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
CREATE INDEX audit_log_unit_at ON audit_log (unit_id, at DESC);
CREATE INDEX audit_log_actor_at ON audit_log (actor_id, at DESC);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only;
DROP TABLE sessions;
DROP TABLE password_history;
DROP TABLE accounts;
DROP TABLE unit_successors;
DROP FUNCTION subtree;
DROP TABLE unit_parents;
DROP TABLE units;
DROP TABLE unit_kinds;
