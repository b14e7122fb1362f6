-- A hop names an element or a segment's contractor, rarely both: the indexes that find the
-- circuits crossing an element, or maintained by a contractor, need only the hops that have
-- one. Partial indexes hold about a third fewer entries, which an import of paths builds and
-- a delete of an element or contractor still finds (`element_id = ?` implies NOT NULL).
DROP INDEX circuit_hops_element;
DROP INDEX circuit_hops_contractor;
CREATE INDEX circuit_hops_element ON circuit_hops(element_id) WHERE element_id IS NOT NULL;
CREATE INDEX circuit_hops_contractor ON circuit_hops(contractor_id) WHERE contractor_id IS NOT NULL;
