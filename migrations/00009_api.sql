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

-- +goose Down
DROP TABLE api_clients;
