CREATE TABLE test_counters (
    id      text   PRIMARY KEY,
    version bigint NOT NULL,
    value   bigint NOT NULL,
    label   text
);

CREATE TABLE test_pairs (
    owner_id text   NOT NULL,
    item_id  text   NOT NULL,
    version  bigint NOT NULL,
    amount   integer NOT NULL,
    PRIMARY KEY (owner_id, item_id)
);
