-- 代维人员: a contractor account may be the account of one of its company's staff (a technician),
-- and an order is assigned (指派) to a person of its contractor (issue 14).
ALTER TABLE users ADD COLUMN staff_id BIGINT REFERENCES staff(id);
-- The person working the order now; NULL when nobody is named.
ALTER TABLE orders ADD COLUMN assignee_id BIGINT REFERENCES staff(id);
CREATE INDEX orders_assignee ON orders (assignee_id) WHERE assignee_id IS NOT NULL;
-- Whom a dispatched, reassigned or assigned event named, for the timeline.
ALTER TABLE order_events ADD COLUMN assignee_id BIGINT REFERENCES staff(id);
