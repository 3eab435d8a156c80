-- Organizations, their members, the slug index and API keys (api.md, Organizations and API keys).
CREATE TABLE organizations (
    id         text        PRIMARY KEY,
    version    bigint      NOT NULL,
    name       text        NOT NULL,
    slug       text        NOT NULL,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX organizations_slug_key ON organizations (slug);

CREATE TABLE organization_slugs (
    slug            text   PRIMARY KEY,
    version         bigint NOT NULL,
    organization_id text   NOT NULL
);

CREATE TABLE members (
    organization_id text        NOT NULL,
    user_id         text        NOT NULL,
    version         bigint      NOT NULL,
    role            text        NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX members_user_id ON members (user_id);

-- key_hash is SHA-256 of the key; the key itself is never stored.
CREATE TABLE api_keys (
    id                   text        PRIMARY KEY,
    version              bigint      NOT NULL,
    name                 text        NOT NULL,
    start                text        NOT NULL,
    user_id              text        NOT NULL,
    organization_id      text,
    organization_role    text,
    key_hash             bytea       NOT NULL,
    permissions          text,
    expires_at           timestamptz,
    rate_limit_max       integer,
    rate_limit_window_ms bigint,
    created_at           timestamptz NOT NULL
);
CREATE INDEX api_keys_user_id ON api_keys (user_id);
CREATE INDEX api_keys_organization_id ON api_keys (organization_id);
