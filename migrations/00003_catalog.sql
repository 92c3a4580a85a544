-- +goose Up

-- Which version of the embedded reference data (internal/seed) was last
-- loaded. Loading runs at every start; the checksum lets it skip data it
-- has already loaded, so that an indicator an administrator renamed or a
-- holiday the system admin deleted does not come back at the next start.
CREATE TABLE seed_loads (
    name      text PRIMARY KEY,
    checksum  text NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE seed_loads;
