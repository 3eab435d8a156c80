-- Where each grain's single activation lives. The first registration wins (primary key); entries of dead
-- silos are purged, and a lookup that finds one is not trusted.
CREATE TABLE grain_directory (
    grain_type      text        NOT NULL,
    grain_key       text        NOT NULL,
    silo_address    text        NOT NULL,
    silo_port       integer     NOT NULL,
    silo_generation bigint      NOT NULL,
    activation_id   bigint      NOT NULL,
    registered_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (grain_type, grain_key)
);

CREATE INDEX grain_directory_by_silo ON grain_directory (silo_address, silo_port, silo_generation);
