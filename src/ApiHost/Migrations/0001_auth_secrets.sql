-- The cookie-signing secret generated when Auth:Secrets is not configured, shared by every API host.
CREATE TABLE auth_secrets (
    id         integer     PRIMARY KEY,
    secret     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
