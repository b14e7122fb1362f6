-- outbox.timer_id refers to timers(id): without an index every timer deleted (a clock stopped,
-- a deadline moved) makes the database scan the whole outbox to check the reference.
CREATE INDEX outbox_timer ON outbox(timer_id);
