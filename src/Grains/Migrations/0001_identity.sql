-- Users, their sessions, the email index and the audit trail (api.md, Database).
CREATE TABLE users (
    id             text        PRIMARY KEY,
    version        bigint      NOT NULL,
    name           text        NOT NULL,
    email          text        NOT NULL,
    email_verified boolean     NOT NULL,
    role           text        NOT NULL,
    banned         boolean     NOT NULL,
    ban_reason     text,
    ban_expires    timestamptz,
    password_hash  text        NOT NULL,
    session_ids    text[]      NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE user_emails (
    email   text   PRIMARY KEY,
    version bigint NOT NULL,
    user_id text   NOT NULL
);

-- token_hash is SHA-256 of the session token; the token itself is never stored.
CREATE TABLE sessions (
    id                     text        PRIMARY KEY,
    version                bigint      NOT NULL,
    user_id                text        NOT NULL,
    token_hash             bytea       NOT NULL,
    expires_at             timestamptz NOT NULL,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    ip_address             text,
    user_agent             text,
    active_organization_id text,
    remember_me            boolean     NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE interactions (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    text,
    agent_id   text,
    kind       text        NOT NULL,
    data       jsonb       NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX interactions_user_id ON interactions (user_id, created_at);
CREATE INDEX interactions_kind ON interactions (kind, created_at);
