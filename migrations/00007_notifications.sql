-- +goose Up

-- Notifications shown in the application (the bell) and, unless the
-- account turned that kind off, sent by e-mail. The dedupe key makes a
-- notification happen once per account however often a job or a scan runs:
-- "overdue/report/12/2026-03-17", "returned/job/345".
CREATE TABLE notifications (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    kind       text NOT NULL CHECK (kind IN ('period_opened', 'deadline_soon', 'overdue', 'returned', 'accepted',
                                             'awaiting_approval', 'awaiting_sending', 'account_locked')),
    dedupe_key text NOT NULL,
    title      text NOT NULL,
    body       text NOT NULL,
    link       text NOT NULL DEFAULT '', -- a path of the application, e.g. /reports/12
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz,
    emailed_at timestamptz,
    UNIQUE (account_id, dedupe_key)
);
CREATE INDEX notifications_account ON notifications (account_id, created_at DESC);
CREATE INDEX notifications_unread ON notifications (account_id) WHERE read_at IS NULL;

-- The kinds an account does not want by e-mail (in-app always stays on).
CREATE TABLE notification_email_off (
    account_id bigint NOT NULL REFERENCES accounts (id),
    kind       text NOT NULL,
    PRIMARY KEY (account_id, kind)
);

-- +goose Down
DROP TABLE notification_email_off;
DROP TABLE notifications;
