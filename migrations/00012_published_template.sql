-- +goose Up

-- The template version a regime's new periods are bound to, and its
-- dashboards read: the latest published one. The regimes package owns
-- template_versions; the others ask this function instead of repeating the
-- query.
-- +goose StatementBegin
CREATE FUNCTION published_template(regime bigint) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT id FROM template_versions WHERE regime_id = regime AND published_at IS NOT NULL
    ORDER BY version DESC LIMIT 1
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION published_template(bigint);
