-- +goose Up
-- Archives are built by river jobs (archives.Build) queued with the
-- request: no lease, no polling index. An archive waiting from before has
-- no job: it is marked failed so that the receiver asks again.
UPDATE period_archives SET status = 'failed', finished_at = now(),
    error = 'Hệ thống đã được nâng cấp trong khi tạo tệp. Vui lòng yêu cầu tải lại.'
WHERE status IN ('queued', 'running');
DROP INDEX period_archives_waiting;
ALTER TABLE period_archives DROP COLUMN lease_until;

-- +goose Down
ALTER TABLE period_archives ADD COLUMN lease_until timestamptz;
CREATE INDEX period_archives_waiting ON period_archives (id) WHERE status IN ('queued', 'running');
