-- +goose Up
-- +goose StatementBegin
-- consolidation_remove subtracts every figure of the reports ids from the
-- sets they counted in; a cell left without figures goes, and a cell whose
-- minimum or maximum no remaining report holds has it recomputed from the
-- reports that still count.
--
-- The cells to delete and those to recompute are told apart when the
-- subtraction returns them, and each statement after it joins its own
-- list to the table by the key alone. (00060 filtered the table by n = 0,
-- or nlo = 0 OR nhi = 0, as well: the statistics say no cell is so, the
-- planner took the table for one row and scanned the whole list for
-- each, 1.228 × 1.228 comparisons when an acceptance emptied the set of
-- the receiver's reports sent and not yet accepted: 0,7 s of every such
-- acceptance.)
CREATE OR REPLACE FUNCTION consolidation_remove(p_ids bigint[], p_periods bigint[], p_receivers bigint[], p_included text[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    z_period bigint[]; z_receiver bigint[]; z_included text[]; z_form text[]; z_row text[]; z_col text[];
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
    SELECT array_agg(u.period_id) FILTER (WHERE u.n = 0), array_agg(u.receiver_unit_id) FILTER (WHERE u.n = 0),
           array_agg(u.included) FILTER (WHERE u.n = 0), array_agg(u.form_key) FILTER (WHERE u.n = 0),
           array_agg(u.row_key) FILTER (WHERE u.n = 0), array_agg(u.col_code) FILTER (WHERE u.n = 0),
           array_agg(u.period_id) FILTER (WHERE u.n > 0), array_agg(u.receiver_unit_id) FILTER (WHERE u.n > 0),
           array_agg(u.included) FILTER (WHERE u.n > 0), array_agg(u.form_key) FILTER (WHERE u.n > 0),
           array_agg(u.row_key) FILTER (WHERE u.n > 0), array_agg(u.col_code) FILTER (WHERE u.n > 0)
    INTO z_period, z_receiver, z_included, z_form, z_row, z_col, d_period, d_receiver, d_included, d_form, d_row, d_col
    FROM u WHERE u.n = 0 OR u.nlo = 0 OR u.nhi = 0;
    IF z_period IS NOT NULL THEN
        DELETE FROM consolidation_cells c
        USING unnest(z_period, z_receiver, z_included, z_form, z_row, z_col) AS z (period_id, receiver_unit_id, included, form_key, row_key, col_code)
        WHERE c.period_id = z.period_id AND c.receiver_unit_id = z.receiver_unit_id AND c.included = z.included
          AND c.form_key = z.form_key AND c.row_key = z.row_key AND c.col_code = z.col_code;
    END IF;
    IF d_period IS NOT NULL THEN
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
          AND c.form_key = d.form_key AND c.row_key = d.row_key AND c.col_code = d.col_code;
    END IF;
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
-- consolidation_remove subtracts every figure of the reports ids from the
-- sets they counted in; a cell left without figures goes, and a cell whose
-- minimum or maximum no remaining report holds has it recomputed from the
-- reports that still count.
CREATE OR REPLACE FUNCTION consolidation_remove(p_ids bigint[], p_periods bigint[], p_receivers bigint[], p_included text[])
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
