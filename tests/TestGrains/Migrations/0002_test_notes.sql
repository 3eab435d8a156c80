CREATE TABLE test_notes (
    counter_id text NOT NULL,
    note       text NOT NULL UNIQUE
);
