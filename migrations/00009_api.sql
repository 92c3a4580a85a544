-- +goose Up

-- Clients of the JSON API (sector software, the provincial operations
-- centre): created by a system admin, scoped to unit subtrees, read or
-- read-write; the bearer token is shown once and stored hashed.
CREATE TABLE api_clients (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    unit_ids     bigint[] NOT NULL CHECK (cardinality(unit_ids) > 0), -- roots of the subtrees it may reach
    access       text NOT NULL CHECK (access IN ('read', 'read_write')),
    token_hash   bytea NOT NULL UNIQUE,
    token_prefix text NOT NULL, -- the first characters, to recognise a token
    created_by   bigint REFERENCES accounts (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

-- Reports of the regimes marked gov_export go on, once accepted, to the
-- Government Reporting Information System: one delivery per report
-- version, retried with backoff by whichever instance picks it up.
ALTER TABLE regimes ADD COLUMN gov_export boolean NOT NULL DEFAULT false;

CREATE TABLE gov_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id       bigint NOT NULL REFERENCES reports (id),
    version         int NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text NOT NULL DEFAULT '',
    receipt         text NOT NULL DEFAULT '', -- what the receiver answered
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (report_id, version)
);
CREATE INDEX gov_deliveries_due ON gov_deliveries (next_attempt_at) WHERE status = 'pending';

-- +goose Down
DROP TABLE gov_deliveries;
ALTER TABLE regimes DROP COLUMN gov_export;
DROP TABLE api_clients;
