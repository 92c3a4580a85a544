-- +goose Up

-- Certification authorities the system trusts for document signatures:
-- roots and intermediates, uploaded by the system admin.
CREATE TABLE trust_anchors (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cert_der    bytea NOT NULL,
    fingerprint text NOT NULL UNIQUE, -- SHA-256 of cert_der, hex
    subject     text NOT NULL,
    is_root     boolean NOT NULL,
    not_after   timestamptz NOT NULL,
    added_by    bigint REFERENCES accounts (id),
    added_at    timestamptz NOT NULL DEFAULT now(),
    removed_at  timestamptz
);

-- Signing certificates: a person's (owner_account_id) or an organisation's
-- seal (owner_unit_id). The private key, when the system signs with it, is
-- sealed with the configured secret key; a certificate registered only to
-- be matched against a token signature has none.
CREATE TABLE signing_certificates (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_account_id bigint REFERENCES accounts (id),
    owner_unit_id    bigint REFERENCES units (id),
    cert_der         bytea NOT NULL,
    chain_der        bytea[] NOT NULL DEFAULT '{}',
    sealed_key       bytea,
    subject          text NOT NULL,
    organization     text NOT NULL DEFAULT '',
    issuer           text NOT NULL,
    serial           text NOT NULL,
    not_before       timestamptz NOT NULL,
    not_after        timestamptz NOT NULL,
    added_by         bigint REFERENCES accounts (id),
    added_at         timestamptz NOT NULL DEFAULT now(),
    removed_at       timestamptz,
    CHECK ((owner_account_id IS NULL) <> (owner_unit_id IS NULL))
);
CREATE UNIQUE INDEX signing_certificates_account ON signing_certificates (owner_account_id) WHERE removed_at IS NULL;
CREATE UNIQUE INDEX signing_certificates_unit ON signing_certificates (owner_unit_id) WHERE removed_at IS NULL;
-- A certificate belongs to one account or one unit at a time.
CREATE UNIQUE INDEX signing_certificates_cert ON signing_certificates (sha256(cert_der)) WHERE removed_at IS NULL;

-- Document numbers per unit per calendar year ("Số: 12/BC-UBND"), never reused.
CREATE TABLE document_counters (
    unit_id bigint NOT NULL REFERENCES units (id),
    year    int NOT NULL,
    last    int NOT NULL,
    PRIMARY KEY (unit_id, year)
);

-- The document of one version of a report: rendered once with its number
-- when signing starts, then grown by incremental signatures. stage says
-- how far: issued (unsigned), personal (the leader signed), organisation
-- (the seal is on it: it can be sent).
CREATE TABLE report_documents (
    report_id  bigint NOT NULL REFERENCES reports (id),
    version    int NOT NULL,
    revision   int NOT NULL, -- the report's revision it was rendered from
    signer_id  bigint NOT NULL REFERENCES accounts (id), -- the leader named in the signature block
    unit_id    bigint NOT NULL REFERENCES units (id),
    year       int NOT NULL,
    number     int NOT NULL,
    symbol     text NOT NULL, -- "12/BC-UBND"
    stage      text NOT NULL CHECK (stage IN ('issued', 'personal', 'organisation')),
    pdf        bytea NOT NULL,
    -- Where the leader's signature goes (points, PDF user space).
    sig_page   int NOT NULL,
    sig_x      float8 NOT NULL,
    sig_y      float8 NOT NULL,
    sig_w      float8 NOT NULL,
    sig_h      float8 NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (report_id, version),
    UNIQUE (unit_id, year, number)
);

-- Single-use, short-lived tokens for the VGCA plugin: one to fetch the
-- bytes to sign, one to upload them signed. Only the hash is stored.
CREATE TABLE sign_tokens (
    token_hash bytea PRIMARY KEY,
    purpose    text NOT NULL CHECK (purpose IN ('download', 'upload')),
    stage      text NOT NULL CHECK (stage IN ('personal', 'organisation')),
    report_id  bigint NOT NULL REFERENCES reports (id),
    version    int NOT NULL,
    account_id bigint NOT NULL REFERENCES accounts (id),
    issued_sha bytea NOT NULL, -- SHA-256 of the bytes handed out to sign
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX sign_tokens_expiry ON sign_tokens (expires_at);

-- +goose Down
DROP TABLE sign_tokens;
DROP TABLE report_documents;
DROP TABLE document_counters;
DROP TABLE signing_certificates;
DROP TABLE trust_anchors;
