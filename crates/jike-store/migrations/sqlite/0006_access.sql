-- Users, sessions and API tokens (issue 4, domain.md §10). SQLite dialect.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    -- lead_room: the room whose orders the user works.
    room TEXT,
    -- contractor: the company; customer: the customer of the portal user.
    contractor_id INTEGER REFERENCES contractors(id),
    customer_id INTEGER REFERENCES customers(id),
    -- account_manager: the name customers carry in their account_manager column.
    account_manager TEXT,
    -- argon2id, PHC string format; NULL for accounts that only use API tokens.
    password_hash TEXT,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A contractor user's regions, when narrower than its company's contract regions.
CREATE TABLE user_regions (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    PRIMARY KEY (user_id, region_id)
) WITHOUT ROWID;

-- Login sessions: the cookie's value is never stored, only its SHA-256.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

-- Bearer tokens for machines: stored as SHA-256 (they are random, 256 bits), with scopes.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT,
    last_used_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens(user_id, id);
