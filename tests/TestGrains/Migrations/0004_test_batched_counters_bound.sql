-- A bound the database enforces, so a test can make one write of a group fail in the database itself.
ALTER TABLE test_batched_counters ADD CONSTRAINT test_batched_counters_value_bound CHECK (value < 1000000);
