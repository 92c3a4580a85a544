-- +goose Up

-- The initial and reset passwords an admin hands out are kept in the
-- history too, marked temporary: they may never be chosen again, however
-- many changes later.
ALTER TABLE password_history ADD COLUMN temporary boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE password_history DROP COLUMN temporary;
