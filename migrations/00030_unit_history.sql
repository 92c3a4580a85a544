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

-- unit_lineage(unit, day) lists the units that, on day, held the
-- territory that unit holds now: the unit itself when it existed that
-- day, and its predecessors that still existed on day (recursively
-- through those formed after it), each with the fraction of its
-- territory that went to unit (weight 1 for a whole unit), and missing
-- when a share along the way has not been given. Only links between
-- units of one kind carry territory: a district's People's Committee
-- handed its work to the new communes, not its communes' figures.
-- +goose StatementBegin
CREATE FUNCTION unit_lineage(root bigint, day date)
RETURNS TABLE (unit_id bigint, weight numeric, missing boolean)
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE l(unit_id, weight, missing, depth) AS (
        SELECT root, 1::numeric, false, 0
        UNION ALL
        SELECT s.unit_id, l.weight * coalesce(s.share, 0) / 100, l.missing OR s.share IS NULL, l.depth + 1
        FROM l
        JOIN units x ON x.id = l.unit_id
        JOIN unit_successors s ON s.successor_id = l.unit_id
        JOIN units p ON p.id = s.unit_id AND p.valid_to >= day AND p.kind = x.kind
        WHERE l.depth < 8
    )
    SELECT l.unit_id, sum(l.weight), bool_or(l.missing)
    FROM l JOIN units x ON x.id = l.unit_id
    WHERE x.valid_from <= day AND (x.valid_to IS NULL OR x.valid_to >= day)
    GROUP BY l.unit_id
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION unit_lineage(bigint, date);
DROP INDEX unit_successors_successor;
DROP INDEX units_territory_code_key;
ALTER TABLE units ADD CONSTRAINT units_territory_code_key UNIQUE (territory_code);
ALTER TABLE unit_successors DROP COLUMN basis, DROP COLUMN share;
DROP TABLE unit_names;
