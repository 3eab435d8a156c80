-- One row per cluster: its version is the only compare-and-swap token of membership. Every status change or
-- vote commits together with version + 1, and only if the version is still the one the writer read.
CREATE TABLE cluster_versions (
    cluster_id text        PRIMARY KEY,
    version    bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per silo process: address + port + generation (its start time), so a restart is a new member.
CREATE TABLE cluster_members (
    cluster_id  text        NOT NULL,
    address     text        NOT NULL,
    port        integer     NOT NULL,
    generation  bigint      NOT NULL,
    status      smallint    NOT NULL,            -- 1 Joining, 2 Active, 3 ShuttingDown, 4 Dead (terminal)
    suspicions  text        NOT NULL DEFAULT '[]', -- JSON: [{"by": "host:port@generation", "at": "…"}]
    i_am_alive  timestamptz NOT NULL,
    started_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cluster_id, address, port, generation)
);
