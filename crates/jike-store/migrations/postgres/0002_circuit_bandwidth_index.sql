-- Sorting circuits by bandwidth (sort=bandwidth / -bandwidth) walks this index instead of sorting
-- every row.
CREATE INDEX circuits_bandwidth ON circuits(bandwidth_bps, id);
