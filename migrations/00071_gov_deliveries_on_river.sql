-- +goose Up
-- Government deliveries are river jobs (govexport.Deliver), retried with
-- river's backoff: gov_deliveries keeps what the report page shows. The
-- deliveries waiting from before are queued as jobs, when river's tables
-- exist (they are created after ours: not yet on a new database, which has
-- no delivery).
DROP INDEX gov_deliveries_due;
-- +goose StatementBegin
DO $$
BEGIN
    IF to_regclass('river_job') IS NOT NULL THEN
        INSERT INTO river_job (args, kind, max_attempts, queue, state, scheduled_at)
        SELECT jsonb_build_object('report_id', report_id, 'version', version), 'gov_deliver', 12, 'default',
               'available', next_attempt_at
        FROM gov_deliveries WHERE status = 'pending';
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
CREATE INDEX gov_deliveries_due ON gov_deliveries (next_attempt_at) WHERE status = 'pending';
