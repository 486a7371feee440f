-- 010_notify: group-chat notifications through the webhook outbox, and its dead letters.
-- A notification channel (a DingTalk or WeCom group robot, or a generic JSON receiver) is a row
-- of webhooks with another kind; its outbox rows are written only for the events and places it
-- subscribes to, already rendered in the robot's format.
ALTER TABLE webhooks ADD COLUMN kind TEXT NOT NULL DEFAULT 'signed'; -- signed|dingtalk|wecom|json
ALTER TABLE webhooks ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE webhooks ADD COLUMN place_code TEXT;   -- events of cases under this place
ALTER TABLE webhooks ADD COLUMN department TEXT;   -- and, when set, of this department only
ALTER TABLE webhooks ADD COLUMN events TEXT NOT NULL DEFAULT ''; -- ",new_case,dispatched,"
CREATE INDEX webhooks_kind ON webhooks(kind, active);

-- A row that failed outbox_max_attempts times is a dead letter: no longer retried, and no
-- longer holding back later rows of its case, until an operator retries it.
ALTER TABLE outbox ADD COLUMN dead_at BIGINT;
CREATE INDEX outbox_dead ON outbox(dead_at);
