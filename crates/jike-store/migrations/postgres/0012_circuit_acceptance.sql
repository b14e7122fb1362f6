-- 验收状态: a line not finally accepted (未终验) has its faults handled by the engineering
-- department through its builder (seed 6.4.1, R-W1); existing lines are finally accepted.
ALTER TABLE circuits ADD COLUMN acceptance TEXT NOT NULL DEFAULT 'final_accepted';
ALTER TABLE circuits ADD COLUMN builder_name TEXT NOT NULL DEFAULT '';
ALTER TABLE circuits ADD COLUMN builder_phone TEXT NOT NULL DEFAULT '';
-- The builder a fault order on such a line was routed to (contractor_basis = 'engineering').
ALTER TABLE orders ADD COLUMN builder_name TEXT;
ALTER TABLE orders ADD COLUMN builder_phone TEXT;
