CREATE TABLE test_batched_counters (
    id      text   PRIMARY KEY,
    version bigint NOT NULL,
    value   bigint NOT NULL
);
