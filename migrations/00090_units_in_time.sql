-- +goose Up

-- Scopes and completeness that follow time (issue 17); the units package
-- owns these, as it owns the tables they read.

-- unit_owes_report: whether a unit (closed on the day closed, NULL while
-- open) owes a report of the period [period_start, period_end]: it had not
-- been closed before the period began, and it was not closed during the
-- period into successors, which report the whole period for its
-- territory. A unit dissolved during a period without successors still
-- owes it. The expression is inlined where it is used; the successors are
-- looked up only for a unit closed during the period.
-- +goose StatementBegin
CREATE FUNCTION unit_has_successors(unit bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM unit_successors WHERE unit_id = unit)
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION unit_owes_report(unit bigint, closed date, period_start date, period_end date) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT closed IS NULL OR (closed >= period_start AND (closed >= period_end OR NOT unit_has_successors(unit)))
$$;
-- +goose StatementEnd

-- subtree_during: root and the units below it at some day of [from_day,
-- to_day] (through the parent links in force then), plus the predecessors
-- of those units that existed in those days (through mergers and splits
-- between units of one kind, recursively): the subtree "as it stood then"
-- with the old units whose territory it holds now.
-- +goose StatementBegin
CREATE FUNCTION subtree_during(root bigint, from_day date, to_day date) RETURNS TABLE (unit_id bigint)
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE edges(parent, child) AS (
        SELECT p.parent_id, p.unit_id FROM unit_parents p
        WHERE p.valid_from <= to_day AND (p.valid_to IS NULL OR p.valid_to >= from_day)
        UNION ALL
        SELECT s.successor_id, s.unit_id FROM unit_successors s
        JOIN units a ON a.id = s.unit_id JOIN units b ON b.id = s.successor_id AND b.kind = a.kind
        WHERE a.valid_from <= to_day AND (a.valid_to IS NULL OR a.valid_to >= from_day)
    ), t(unit_id) AS (
        SELECT root
        UNION
        SELECT e.child FROM edges e JOIN t ON e.parent = t.unit_id
    )
    SELECT unit_id FROM t
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION subtree_during(bigint, date, date);
DROP FUNCTION unit_owes_report(bigint, date, date, date);
DROP FUNCTION unit_has_successors(bigint);
