-- Every state write takes its version from this sequence, so versions only grow, even across a delete and a
-- new insert of the same key: an old activation can never match a version written after it read.
CREATE SEQUENCE IF NOT EXISTS grain_state_version;
