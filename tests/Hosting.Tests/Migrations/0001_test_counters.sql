-- A test grain's typed table, a companion table, and a switch that makes a chosen row's writes fail.
CREATE TABLE test_counters (
    id      text   PRIMARY KEY,
    version bigint NOT NULL,
    value   bigint NOT NULL
);

CREATE TABLE test_counter_notes (
    counter_id text NOT NULL,
    note       text NOT NULL CHECK (note <> 'refuse')
);

-- A row here makes every insert or update of (table, id) fail, as a dropped connection or a full disk would.
CREATE TABLE test_write_faults (
    table_name text NOT NULL,
    key        text NOT NULL,
    PRIMARY KEY (table_name, key)
);

CREATE FUNCTION test_refuse_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM test_write_faults WHERE table_name = TG_TABLE_NAME AND key = NEW.id) THEN
        RAISE EXCEPTION 'injected write failure on %/%', TG_TABLE_NAME, NEW.id;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER test_counters_faults BEFORE INSERT OR UPDATE ON test_counters FOR EACH ROW EXECUTE FUNCTION test_refuse_write();
CREATE TRIGGER users_faults BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION test_refuse_write();
