-- +goose Up

-- The history of a unit's identity and territory (issue 17): former names
-- with the days they were used, the share of a predecessor's territory
-- that each successor took (100 for a whole unit, NULL for a split whose
-- share an administrator has still to give), and the legal basis of a
-- change. The successor takes over the day after the predecessor's last.
CREATE TABLE unit_names (
    unit_id    bigint NOT NULL REFERENCES units (id),
    name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 300),
    valid_from date NOT NULL,
    valid_to   date NOT NULL CHECK (valid_to >= valid_from),
    PRIMARY KEY (unit_id, valid_from)
);

ALTER TABLE unit_successors
    ADD COLUMN share numeric CHECK (share > 0 AND share <= 100),
    ADD COLUMN basis text NOT NULL DEFAULT '';
UPDATE unit_successors s SET share = 100
WHERE (SELECT count(*) FROM unit_successors o WHERE o.unit_id = s.unit_id) = 1;

-- An old commune's code was often given to the new commune formed around
-- it: a territory code is unique among the open units only.
ALTER TABLE units DROP CONSTRAINT units_territory_code_key;
CREATE UNIQUE INDEX units_territory_code_key ON units (territory_code) WHERE valid_to IS NULL;
CREATE INDEX unit_successors_successor ON unit_successors (successor_id);

-- +goose Down
DROP INDEX unit_successors_successor;
DROP INDEX units_territory_code_key;
ALTER TABLE units ADD CONSTRAINT units_territory_code_key UNIQUE (territory_code);
ALTER TABLE unit_successors DROP COLUMN basis, DROP COLUMN share;
DROP TABLE unit_names;
