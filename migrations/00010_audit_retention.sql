-- +goose Up

-- The audit log stays append-only, except for the retention job, which
-- deletes entries older than the retention period through this function
-- only (the trigger lets a DELETE through while it runs).
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('baocao.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;

CREATE FUNCTION audit_log_purge(before timestamptz) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    n int;
BEGIN
    -- Never less than a year, whatever the caller asks (SPEC §7).
    PERFORM set_config('baocao.audit_purge', 'on', true);
    DELETE FROM audit_log WHERE at < least(before, now() - interval '12 months');
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('baocao.audit_purge', '', true);
    RETURN n;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION audit_log_purge;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
-- +goose StatementEnd
