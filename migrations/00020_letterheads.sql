-- +goose Up

-- How each leader signs documents (ND 30/2020/NĐ-CP Phụ lục I): the
-- signing capacity the unit admin set (empty: read from the position) and
-- the handwritten signature image the leader uploaded (a transparent PNG).
-- Owned by internal/documents.
CREATE TABLE signer_profiles (
    account_id    bigint PRIMARY KEY REFERENCES accounts (id),
    capacity      text NOT NULL DEFAULT '' CHECK (capacity IN ('', 'head', 'kt', 'q', 'tl', 'tuq')),
    signature_png bytea CHECK (signature_png IS NULL OR length(signature_png) <= 1048576),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- A unit's letterhead: the two header lines of its documents as its unit
-- admin corrected them (NULL: derived from the unit tree; "\n" separates
-- the lines of the issuing body's name), and the image of its seal (red,
-- transparent PNG, printed at its actual size). Owned by internal/documents.
CREATE TABLE unit_letterheads (
    unit_id     bigint PRIMARY KEY REFERENCES units (id),
    parent_line text CHECK (parent_line IS NULL OR length(parent_line) <= 200),
    body_line   text CHECK (body_line IS NULL OR length(btrim(body_line)) BETWEEN 1 AND 300),
    seal_png    bytea CHECK (seal_png IS NULL OR length(seal_png) <= 1048576),
    seal_dpi    float8 CHECK (seal_dpi IS NULL OR seal_dpi > 0),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE unit_letterheads;
DROP TABLE signer_profiles;
