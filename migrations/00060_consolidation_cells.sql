-- +goose Up

-- Consolidation maintained, not recomputed (package consolidation owns
-- this table). For every receiver × period × set of included reports
-- ('accepted', or 'sent' and not yet accepted) × cell: how many reports
-- have a number there (n), their exact sum (s), the minimum and maximum
-- with how many reports hold each (nlo, nhi), and for the columns that a
-- template weights by another column (weight_by) the pairs of value and
-- weight (wn, the sum of value × weight sw and of the weights sumw).
-- A consolidation view reads these few thousand rows, whatever the
-- number of reports.
--
-- The table follows report_values of the reports that count through the
-- statement triggers below, inside the statement (and so the transaction)
-- that accepts, returns, sends or changes figures: adding a report adds
-- its figures; removing one subtracts them, and recomputes the minimum or
-- maximum only of the cells where that report was the last to hold it.
-- `baocao check-consolidation` compares the table with a full
-- recomputation (consolidation.Check).
CREATE TABLE consolidation_cells (
    period_id        bigint NOT NULL,
    receiver_unit_id bigint NOT NULL,
    included         text NOT NULL CHECK (included IN ('accepted', 'sent')),
    form_key         text NOT NULL,
    row_key          text NOT NULL,
    col_code         text NOT NULL,
    n                int NOT NULL,
    s                numeric NOT NULL,
    lo               numeric,
    nlo              int,
    hi               numeric,
    nhi              int,
    wn               int NOT NULL DEFAULT 0,
    sw               numeric NOT NULL DEFAULT 0,
    sumw             numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (period_id, receiver_unit_id, included, form_key, row_key, col_code)
);

-- +goose StatementBegin
-- consolidation_contributions aggregates the figures of the reports ids
-- (with the period, receiver and set each counts in) per cell: of every
-- numeric value when c_report is NULL, else only of the cells listed
-- (c_report, c_form, c_row, c_col) and of the value × weight pairs that
-- involve one of them.
CREATE FUNCTION consolidation_contributions(
    p_ids bigint[], p_periods bigint[], p_receivers bigint[], p_included text[],
    c_report bigint[], c_form text[], c_row text[], c_col text[])
RETURNS TABLE (period_id bigint, receiver_unit_id bigint, included text, form_key text, row_key text, col_code text,
               n int, s numeric, lo numeric, nlo int, hi numeric, nhi int, wn int, sw numeric, sumw numeric)
LANGUAGE sql STABLE AS $$
WITH rp AS (
    SELECT * FROM unnest(p_ids, p_periods, p_receivers, p_included) AS rp (id, period_id, receiver_unit_id, included)
), cells AS (
    SELECT * FROM unnest(c_report, c_form, c_row, c_col) AS c (report_id, form_key, row_key, col_code)
), v AS (
    SELECT rp.period_id, rp.receiver_unit_id, rp.included, x.report_id, x.form_key, x.row_key, x.col_code, x.num
    FROM rp JOIN report_values x ON x.report_id = rp.id
    WHERE c_report IS NULL AND x.num IS NOT NULL
    UNION ALL
    SELECT rp.period_id, rp.receiver_unit_id, rp.included, x.report_id, x.form_key, x.row_key, x.col_code, x.num
    FROM cells c
    JOIN rp ON rp.id = c.report_id
    JOIN report_values x ON x.report_id = c.report_id AND x.form_key = c.form_key AND x.row_key = c.row_key AND x.col_code = c.col_code
    WHERE c_report IS NOT NULL AND x.num IS NOT NULL
), plain AS (
    SELECT y.period_id, y.receiver_unit_id, y.included, y.form_key, y.row_key, y.col_code,
           count(*)::int AS n, sum(y.num) AS s,
           min(y.mn) AS lo, (count(*) FILTER (WHERE y.num = y.mn))::int AS nlo,
           max(y.mx) AS hi, (count(*) FILTER (WHERE y.num = y.mx))::int AS nhi
    FROM (SELECT v.*, min(v.num) OVER w AS mn, max(v.num) OVER w AS mx
          FROM v WINDOW w AS (PARTITION BY v.period_id, v.receiver_unit_id, v.included, v.form_key, v.row_key, v.col_code)) y
    GROUP BY 1, 2, 3, 4, 5, 6
), weights AS (
    SELECT DISTINCT p.id AS period_id, f->>'key' AS form_key, c->>'code' AS col_code, c->>'weight_by' AS weight_col
    FROM periods p
    JOIN template_versions t ON t.id = p.template_version_id
    CROSS JOIN LATERAL jsonb_array_elements(t.content->'forms') f
    CROSS JOIN LATERAL jsonb_array_elements(f->'columns') c
    WHERE p.id IN (SELECT rp.period_id FROM rp)
      AND coalesce(c->>'weight_by', '') <> '' AND c->>'weight_by' <> c->>'code'
), candidates AS (
    -- (report, form, row, weighted column, weight column) whose pair counts
    SELECT DISTINCT rp.period_id, rp.receiver_unit_id, rp.included, x.report_id, x.form_key, x.row_key, k.col_code, k.weight_col
    FROM rp
    JOIN report_values x ON x.report_id = rp.id
    JOIN weights k ON k.period_id = rp.period_id AND k.form_key = x.form_key AND k.col_code = x.col_code
    WHERE c_report IS NULL
    UNION
    SELECT rp.period_id, rp.receiver_unit_id, rp.included, c.report_id, c.form_key, c.row_key, k.col_code, k.weight_col
    FROM cells c
    JOIN rp ON rp.id = c.report_id
    JOIN weights k ON k.period_id = rp.period_id AND k.form_key = c.form_key AND c.col_code IN (k.col_code, k.weight_col)
    WHERE c_report IS NOT NULL
), pairs AS (
    SELECT k.period_id, k.receiver_unit_id, k.included, k.form_key, k.row_key, k.col_code,
           count(*)::int AS wn, sum(v.num * w.num) AS sw, sum(w.num) AS sumw
    FROM candidates k
    JOIN report_values v ON v.report_id = k.report_id AND v.form_key = k.form_key AND v.row_key = k.row_key AND v.col_code = k.col_code
                        AND v.num IS NOT NULL
    JOIN report_values w ON w.report_id = k.report_id AND w.form_key = k.form_key AND w.row_key = k.row_key AND w.col_code = k.weight_col
                        AND w.num IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5, 6
)
SELECT period_id, receiver_unit_id, included, form_key, row_key, col_code,
       coalesce(p.n, 0), coalesce(p.s, 0), p.lo, p.nlo, p.hi, p.nhi,
       coalesce(q.wn, 0), coalesce(q.sw, 0), coalesce(q.sumw, 0)
FROM plain p FULL JOIN pairs q USING (period_id, receiver_unit_id, included, form_key, row_key, col_code)
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- consolidation_add adds contributions (see consolidation_contributions).
CREATE FUNCTION consolidation_add(
    p_ids bigint[], p_periods bigint[], p_receivers bigint[], p_included text[],
    c_report bigint[], c_form text[], c_row text[], c_col text[])
RETURNS void LANGUAGE sql AS $$
INSERT INTO consolidation_cells AS c
SELECT * FROM consolidation_contributions(p_ids, p_periods, p_receivers, p_included, c_report, c_form, c_row, c_col)
ON CONFLICT (period_id, receiver_unit_id, included, form_key, row_key, col_code) DO UPDATE SET
    n = c.n + excluded.n,
    s = c.s + excluded.s,
    lo = CASE WHEN c.lo IS NULL OR excluded.lo < c.lo THEN excluded.lo ELSE c.lo END,
    nlo = CASE WHEN c.lo IS NULL OR excluded.lo < c.lo THEN excluded.nlo
               WHEN excluded.lo = c.lo THEN c.nlo + excluded.nlo ELSE c.nlo END,
    hi = CASE WHEN c.hi IS NULL OR excluded.hi > c.hi THEN excluded.hi ELSE c.hi END,
    nhi = CASE WHEN c.hi IS NULL OR excluded.hi > c.hi THEN excluded.nhi
               WHEN excluded.hi = c.hi THEN c.nhi + excluded.nhi ELSE c.nhi END,
    wn = c.wn + excluded.wn,
    sw = c.sw + excluded.sw,
    sumw = c.sumw + excluded.sumw
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- consolidation_remove subtracts every figure of the reports ids from the
-- sets they counted in; a cell left without figures goes, and a cell whose
-- minimum or maximum no remaining report holds has it recomputed from the
-- reports that still count.
CREATE FUNCTION consolidation_remove(p_ids bigint[], p_periods bigint[], p_receivers bigint[], p_included text[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d_period bigint[]; d_receiver bigint[]; d_included text[]; d_form text[]; d_row text[]; d_col text[];
BEGIN
    WITH u AS (
        UPDATE consolidation_cells c SET
            n = c.n - d.n,
            s = c.s - d.s,
            nlo = CASE WHEN d.lo = c.lo THEN c.nlo - d.nlo ELSE c.nlo END,
            nhi = CASE WHEN d.hi = c.hi THEN c.nhi - d.nhi ELSE c.nhi END,
            wn = c.wn - d.wn,
            sw = c.sw - d.sw,
            sumw = c.sumw - d.sumw
        FROM consolidation_contributions(p_ids, p_periods, p_receivers, p_included, NULL, NULL, NULL, NULL) d
        WHERE c.period_id = d.period_id AND c.receiver_unit_id = d.receiver_unit_id AND c.included = d.included
          AND c.form_key = d.form_key AND c.row_key = d.row_key AND c.col_code = d.col_code
        RETURNING c.period_id, c.receiver_unit_id, c.included, c.form_key, c.row_key, c.col_code, c.n, c.nlo, c.nhi
    )
    SELECT array_agg(u.period_id), array_agg(u.receiver_unit_id), array_agg(u.included),
           array_agg(u.form_key), array_agg(u.row_key), array_agg(u.col_code)
    INTO d_period, d_receiver, d_included, d_form, d_row, d_col
    FROM u WHERE u.n = 0 OR u.nlo = 0 OR u.nhi = 0;
    IF d_period IS NULL THEN
        RETURN;
    END IF;
    DELETE FROM consolidation_cells c
    USING unnest(d_period, d_receiver, d_included, d_form, d_row, d_col) AS d (period_id, receiver_unit_id, included, form_key, row_key, col_code)
    WHERE c.period_id = d.period_id AND c.receiver_unit_id = d.receiver_unit_id AND c.included = d.included
      AND c.form_key = d.form_key AND c.row_key = d.row_key AND c.col_code = d.col_code AND c.n = 0;
    UPDATE consolidation_cells c SET lo = m.lo, nlo = m.nlo, hi = m.hi, nhi = m.nhi
    FROM unnest(d_period, d_receiver, d_included, d_form, d_row, d_col) AS d (period_id, receiver_unit_id, included, form_key, row_key, col_code)
    CROSS JOIN LATERAL (
        SELECT min(y.mn) AS lo, (count(*) FILTER (WHERE y.num = y.mn))::int AS nlo,
               max(y.mx) AS hi, (count(*) FILTER (WHERE y.num = y.mx))::int AS nhi
        FROM (SELECT x.num, min(x.num) OVER () AS mn, max(x.num) OVER () AS mx
              FROM reports r
              JOIN report_values x ON x.report_id = r.id AND x.form_key = d.form_key AND x.row_key = d.row_key AND x.col_code = d.col_code
              WHERE r.period_id = d.period_id AND r.receiver_unit_id = d.receiver_unit_id AND r.status = d.included
                AND x.num IS NOT NULL) y
    ) m
    WHERE c.period_id = d.period_id AND c.receiver_unit_id = d.receiver_unit_id AND c.included = d.included
      AND c.form_key = d.form_key AND c.row_key = d.row_key AND c.col_code = d.col_code
      AND (c.nlo = 0 OR c.nhi = 0);
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- consolidation_recompute computes again, from every report that counts,
-- the cells of the rows (r_form, r_row) of the sets (g_period, g_receiver,
-- g_included), or every cell of the sets when r_form is NULL.
CREATE FUNCTION consolidation_recompute(g_period bigint[], g_receiver bigint[], g_included text[], r_form text[], r_row text[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    a_ids bigint[]; a_period bigint[]; a_receiver bigint[]; a_included text[];
    c_report bigint[]; c_form text[]; c_row text[]; c_col text[];
BEGIN
    DELETE FROM consolidation_cells c
    USING unnest(g_period, g_receiver, g_included) AS g (period_id, receiver_unit_id, included)
    WHERE c.period_id = g.period_id AND c.receiver_unit_id = g.receiver_unit_id AND c.included = g.included
      AND (r_form IS NULL OR (c.form_key, c.row_key) IN (SELECT * FROM unnest(r_form, r_row)));
    SELECT array_agg(r.id), array_agg(r.period_id), array_agg(r.receiver_unit_id), array_agg(r.status)
    INTO a_ids, a_period, a_receiver, a_included
    FROM reports r
    JOIN (SELECT DISTINCT * FROM unnest(g_period, g_receiver, g_included)) AS g (period_id, receiver_unit_id, included)
      ON r.period_id = g.period_id AND r.receiver_unit_id = g.receiver_unit_id AND r.status = g.included;
    IF a_ids IS NULL THEN
        RETURN;
    END IF;
    IF r_form IS NULL THEN
        PERFORM consolidation_add(a_ids, a_period, a_receiver, a_included, NULL, NULL, NULL, NULL);
        RETURN;
    END IF;
    SELECT array_agg(x.report_id), array_agg(x.form_key), array_agg(x.row_key), array_agg(x.col_code)
    INTO c_report, c_form, c_row, c_col
    FROM report_values x
    WHERE x.report_id = ANY (a_ids) AND (x.form_key, x.row_key) IN (SELECT * FROM unnest(r_form, r_row));
    IF c_report IS NOT NULL THEN
        PERFORM consolidation_add(a_ids, a_period, a_receiver, a_included, c_report, c_form, c_row, c_col);
    END IF;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- A report enters or leaves a set when its status, period or receiver
-- changes: the reports entering are added first, then those leaving are
-- subtracted (a minimum recomputed then reads the final state).
CREATE FUNCTION consolidation_reports_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    a_ids bigint[]; a_period bigint[]; a_receiver bigint[]; a_included text[];
    r_ids bigint[]; r_period bigint[]; r_receiver bigint[]; r_included text[];
BEGIN
    SELECT array_agg(n.id), array_agg(n.period_id), array_agg(n.receiver_unit_id), array_agg(n.status)
    INTO a_ids, a_period, a_receiver, a_included
    FROM new_reports n JOIN old_reports o ON o.id = n.id
    WHERE n.status IN ('accepted', 'sent')
      AND (o.status, o.period_id, o.receiver_unit_id) IS DISTINCT FROM (n.status, n.period_id, n.receiver_unit_id);
    SELECT array_agg(o.id), array_agg(o.period_id), array_agg(o.receiver_unit_id), array_agg(o.status)
    INTO r_ids, r_period, r_receiver, r_included
    FROM old_reports o JOIN new_reports n ON n.id = o.id
    WHERE o.status IN ('accepted', 'sent')
      AND (o.status, o.period_id, o.receiver_unit_id) IS DISTINCT FROM (n.status, n.period_id, n.receiver_unit_id);
    IF a_ids IS NOT NULL THEN
        PERFORM consolidation_add(a_ids, a_period, a_receiver, a_included, NULL, NULL, NULL, NULL);
    END IF;
    IF r_ids IS NOT NULL THEN
        PERFORM consolidation_remove(r_ids, r_period, r_receiver, r_included);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER consolidation_reports_updated AFTER UPDATE ON reports
    REFERENCING OLD TABLE AS old_reports NEW TABLE AS new_reports
    FOR EACH STATEMENT EXECUTE FUNCTION consolidation_reports_updated();

-- +goose StatementBegin
-- A deleted report that counted (its figures already gone with it):
-- its sets are computed again.
CREATE FUNCTION consolidation_reports_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    g_period bigint[]; g_receiver bigint[]; g_included text[];
BEGIN
    SELECT array_agg(o.period_id), array_agg(o.receiver_unit_id), array_agg(o.status)
    INTO g_period, g_receiver, g_included
    FROM (SELECT DISTINCT period_id, receiver_unit_id, status FROM old_reports WHERE status IN ('accepted', 'sent')) o;
    IF g_period IS NOT NULL THEN
        PERFORM consolidation_recompute(g_period, g_receiver, g_included, NULL, NULL);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER consolidation_reports_deleted AFTER DELETE ON reports
    REFERENCING OLD TABLE AS old_reports
    FOR EACH STATEMENT EXECUTE FUNCTION consolidation_reports_deleted();

-- +goose StatementBegin
-- Figures added to a report that counts (a fixture, a correction, a bulk
-- load) are added with the pairs they complete; a report whose figures
-- all came in this statement is added whole, without listing its cells.
CREATE FUNCTION consolidation_values_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    a_ids bigint[]; a_period bigint[]; a_receiver bigint[]; a_included text[];
    p_ids bigint[]; p_period bigint[]; p_receiver bigint[]; p_included text[];
    c_report bigint[]; c_form text[]; c_row text[]; c_col text[];
BEGIN
    SELECT array_agg(r.id) FILTER (WHERE r.whole), array_agg(r.period_id) FILTER (WHERE r.whole),
           array_agg(r.receiver_unit_id) FILTER (WHERE r.whole), array_agg(r.status) FILTER (WHERE r.whole),
           array_agg(r.id) FILTER (WHERE NOT r.whole), array_agg(r.period_id) FILTER (WHERE NOT r.whole),
           array_agg(r.receiver_unit_id) FILTER (WHERE NOT r.whole), array_agg(r.status) FILTER (WHERE NOT r.whole)
    INTO a_ids, a_period, a_receiver, a_included, p_ids, p_period, p_receiver, p_included
    FROM (SELECT r.id, r.period_id, r.receiver_unit_id, r.status,
                 k.n = (SELECT count(*) FROM report_values x WHERE x.report_id = r.id) AS whole
          FROM (SELECT report_id, count(*) AS n FROM new_values GROUP BY report_id) k
          JOIN reports r ON r.id = k.report_id
          WHERE r.status IN ('accepted', 'sent')) r;
    IF a_ids IS NOT NULL THEN
        PERFORM consolidation_add(a_ids, a_period, a_receiver, a_included, NULL, NULL, NULL, NULL);
    END IF;
    IF p_ids IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT array_agg(x.report_id), array_agg(x.form_key), array_agg(x.row_key), array_agg(x.col_code)
    INTO c_report, c_form, c_row, c_col
    FROM new_values x WHERE x.report_id = ANY (p_ids);
    PERFORM consolidation_add(p_ids, p_period, p_receiver, p_included, c_report, c_form, c_row, c_col);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER consolidation_values_inserted AFTER INSERT ON report_values
    REFERENCING NEW TABLE AS new_values
    FOR EACH STATEMENT EXECUTE FUNCTION consolidation_values_inserted();

-- +goose StatementBegin
-- Figures changed or deleted in a report that counts: the rows they sit
-- in are computed again over the reports of their set.
CREATE FUNCTION consolidation_values_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    g_period bigint[]; g_receiver bigint[]; g_included text[]; r_form text[]; r_row text[];
BEGIN
    SELECT array_agg(g.period_id), array_agg(g.receiver_unit_id), array_agg(g.status)
    INTO g_period, g_receiver, g_included
    FROM (SELECT DISTINCT r.period_id, r.receiver_unit_id, r.status
          FROM old_values x JOIN reports r ON r.id = x.report_id
          WHERE r.status IN ('accepted', 'sent')) g;
    IF g_period IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT array_agg(k.form_key), array_agg(k.row_key) INTO r_form, r_row
    FROM (SELECT DISTINCT x.form_key, x.row_key
          FROM old_values x JOIN reports r ON r.id = x.report_id
          WHERE r.status IN ('accepted', 'sent')) k;
    PERFORM consolidation_recompute(g_period, g_receiver, g_included, r_form, r_row);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER consolidation_values_updated AFTER UPDATE ON report_values
    REFERENCING OLD TABLE AS old_values
    FOR EACH STATEMENT EXECUTE FUNCTION consolidation_values_changed();
CREATE TRIGGER consolidation_values_deleted AFTER DELETE ON report_values
    REFERENCING OLD TABLE AS old_values
    FOR EACH STATEMENT EXECUTE FUNCTION consolidation_values_changed();

-- What already counts.
SELECT consolidation_recompute(array_agg(period_id), array_agg(receiver_unit_id), array_agg(status), NULL, NULL)
FROM (SELECT DISTINCT period_id, receiver_unit_id, status FROM reports WHERE status IN ('accepted', 'sent')) g
HAVING count(*) > 0;

-- +goose Down
DROP TRIGGER consolidation_values_deleted ON report_values;
DROP TRIGGER consolidation_values_updated ON report_values;
DROP TRIGGER consolidation_values_inserted ON report_values;
DROP TRIGGER consolidation_reports_deleted ON reports;
DROP TRIGGER consolidation_reports_updated ON reports;
DROP FUNCTION consolidation_values_changed;
DROP FUNCTION consolidation_values_inserted;
DROP FUNCTION consolidation_reports_deleted;
DROP FUNCTION consolidation_reports_updated;
DROP FUNCTION consolidation_recompute;
DROP FUNCTION consolidation_remove;
DROP FUNCTION consolidation_add;
DROP FUNCTION consolidation_contributions;
DROP TABLE consolidation_cells;
