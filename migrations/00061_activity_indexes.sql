-- +goose Up

-- The activity dashboard counts the sign-ins and the reports sent per day
-- of a range: keyed by the action (the status reached) first, then the
-- time, each is a range read of the days asked for, whatever the size of
-- a year of logs. The sign-ins carry who signed in, for the distinct count
-- without touching the table.
CREATE INDEX audit_log_action_at ON audit_log (action, at) INCLUDE (actor_id);
CREATE INDEX report_events_to_status_at ON report_events (to_status, at);

-- +goose Down
DROP INDEX report_events_to_status_at;
DROP INDEX audit_log_action_at;
