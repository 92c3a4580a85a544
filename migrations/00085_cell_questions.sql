-- +goose Up

-- Questions without a return (issue 18, "Đề nghị giải trình"): the
-- receiving unit asks about a cell of a report sent to it; the reporting
-- unit answers on the cell. Neither changes the report's figures or status.
CREATE TABLE report_questions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id     bigint NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    form_key      text NOT NULL,
    row_key       text NOT NULL,
    col_code      text NOT NULL,
    body          text NOT NULL CHECK (body <> ''),
    asked_by      bigint REFERENCES accounts (id),
    asked_by_name text NOT NULL DEFAULT '',
    asked_at      timestamptz NOT NULL DEFAULT now(),
    answer        text CHECK (answer <> ''),
    answered_by   bigint REFERENCES accounts (id),
    answered_by_name text NOT NULL DEFAULT '',
    answered_at   timestamptz,
    closed_by     bigint REFERENCES accounts (id),
    closed_at     timestamptz
);
CREATE INDEX report_questions_report ON report_questions (report_id, id);
CREATE INDEX report_questions_open ON report_questions (report_id) WHERE closed_at IS NULL;

-- Asking and answering notify the other side.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('period_opened', 'deadline_soon', 'overdue',
    'returned', 'accepted', 'awaiting_approval', 'awaiting_sending', 'account_locked', 'question_asked', 'question_answered'));

-- +goose Down
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
DELETE FROM notifications WHERE kind IN ('question_asked', 'question_answered');
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN ('period_opened', 'deadline_soon', 'overdue',
    'returned', 'accepted', 'awaiting_approval', 'awaiting_sending', 'account_locked'));
DROP TABLE report_questions;
