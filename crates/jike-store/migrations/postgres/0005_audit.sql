-- The audit log (issue 4), PostgreSQL dialect: every write and every unmasked read, append-only
-- and hash-chained (see crates/jike-store/src/audit.rs for the hash). Times are TEXT, RFC 3339
-- UTC with a Z and six fraction digits, in both databases, so that the hashed bytes are the
-- stored bytes; COLLATE "C" makes text order time order. before/after are TEXT, not JSONB, which
-- would rewrite the JSON and change the hashed bytes.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT COLLATE "C" NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    source TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    before TEXT,
    after TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log(actor, seq);
CREATE INDEX audit_log_action ON audit_log(action, seq);
CREATE INDEX audit_log_object ON audit_log(object, seq);
CREATE INDEX audit_log_at ON audit_log(at);

-- The newest entry's seq and hash: deleting entries from the end leaves the head ahead of the
-- log, which verification reports. One row, written only by the store's append, which locks it
-- (FOR UPDATE) so that concurrent appenders take turns.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Append-only: entries are never updated, deleted or truncated; each new one follows the head;
-- the head only advances, one entry at a time, to the entry just written.
CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();

CREATE FUNCTION audit_log_follows_head() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head_seq BIGINT;
    head_hash TEXT;
BEGIN
    SELECT seq, hash INTO head_seq, head_hash FROM audit_head WHERE id = 1;
    IF head_seq IS NULL OR NEW.seq <> head_seq + 1 OR NEW.prev_hash <> head_hash THEN
        RAISE EXCEPTION 'audit_log: a new entry must follow the newest one';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_log_follows BEFORE INSERT ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_follows_head();

CREATE FUNCTION audit_head_advances() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit_head cannot be deleted';
    END IF;
    IF NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1
       OR NEW.hash IS DISTINCT FROM (SELECT hash FROM audit_log WHERE seq = NEW.seq) THEN
        RAISE EXCEPTION 'audit_head only advances to the entry just appended';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_head_guard BEFORE UPDATE OR DELETE ON audit_head
FOR EACH ROW EXECUTE FUNCTION audit_head_advances();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();
