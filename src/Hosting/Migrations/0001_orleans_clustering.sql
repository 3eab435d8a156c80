-- Orleans 10.4.2 ADO.NET clustering on PostgreSQL: the two membership tables and the OrleansQuery rows Orleans
-- loads at start-up. Written from the documented query contract (shared/reference/orleans-10.md §1.3), not from
-- Orleans' scripts.
--
-- How it runs:
-- * Our migrator applies this file once, inside its own transaction: no BEGIN/COMMIT here. It is also safe to
--   re-run (IF NOT EXISTS, ON CONFLICT), and a re-run brings the query texts up to date.
-- * Orleans runs every query below alone, in autocommit, with no transaction of its own. So each query is ONE
--   statement. Where a write has two parts (the table-version compare-and-swap and the member row), both parts sit
--   in one statement with data-modifying CTEs: either both happen or neither does. There is no plpgsql and no
--   ASSERT, so plpgsql.check_asserts = off changes nothing.
-- * Parameters are @PascalCase, as Orleans binds them. Strings arrive as text, ints as integer, and times as
--   timestamptz (Npgsql 10 sends DbType.DateTime as timestamptz), so every time column is timestamptz(3).
-- * Identifiers are unquoted, so PostgreSQL stores them in lower case. Orleans reads result columns by name, and
--   Npgsql's GetOrdinal falls back to a case-insensitive match.

-- Tables of the home-made runtime that Orleans replaced.
DROP TABLE IF EXISTS grain_directory, cluster_members, cluster_versions;

CREATE TABLE IF NOT EXISTS OrleansQuery (
    QueryKey  varchar(64)   NOT NULL PRIMARY KEY,
    QueryText varchar(8000) NOT NULL
);

-- One row per cluster (DeploymentId = ClusterOptions.ClusterId). Version is the compare-and-swap token for the
-- whole membership table, and it also orders membership snapshots, so it only ever goes up by 1.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable (
    DeploymentId varchar(150)   NOT NULL PRIMARY KEY,
    Timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    Version      integer        NOT NULL DEFAULT 0
);

-- One row per silo incarnation: address, port and generation (a restart is a new row).
-- Status: 0 None, 1 Created, 2 Joining, 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead.
-- ProxyPort is NOT NULL because Orleans reads it with Convert.ToInt32; 0 means the silo has no gateway.
CREATE TABLE IF NOT EXISTS OrleansMembershipTable (
    DeploymentId varchar(150)   NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
    Address      varchar(45)    NOT NULL,
    Port         integer        NOT NULL,
    Generation   integer        NOT NULL,
    SiloName     varchar(150)   NOT NULL,
    HostName     varchar(150)   NOT NULL,
    Status       integer        NOT NULL,
    ProxyPort    integer        NOT NULL DEFAULT 0,
    SuspectTimes varchar(8000),
    StartTime    timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

-- What each query guarantees:
--
-- InsertMembershipVersionKey: creates the cluster's version row (Version 0) if it is missing. Returns one row:
--   1 if this call created it, 0 if it was already there. Concurrent callers cannot both get 1.
--
-- MembershipReadAllKey / MembershipReadRowKey: the version row LEFT JOINed with every member (or with the one
--   member). Always at least one row, because Orleans reads rows[0].Version. With no member, the member columns
--   are NULL (a NULL StartTime tells Orleans "no member on this row").
--
-- InsertMembershipKey: `bumped` moves the version from @Version to @Version + 1, but only while the member does
--   not exist yet. `inserted` writes the member only if `bumped` returned a row. Returns 1 only if both happened.
--   A stale version, a missing version row or an existing member give 0, and nothing changes.
--   Concurrency: the UPDATE locks the version row. A concurrent writer waits for that lock and then re-checks
--   Version = @Version against the committed row, so only one compare-and-swap on a given version can win.
--   Any caller that could pass @Version = v + 1 read it after the winner committed, so its snapshot already
--   includes the winner's member row. If a duplicate insert slipped through anyway, the primary key would fail
--   the whole statement: an error, and still nothing changed.
--
-- UpdateMembershipKey: `member` locks the member row (FOR UPDATE). Then it cannot be deleted between the
--   compare-and-swap and the write. `bumped` moves the version from @Version to @Version + 1 only if that row
--   exists, and `updated` writes Status, SuspectTimes and IAmAliveTime only if `bumped` returned a row. Returns 1
--   only if both happened. Otherwise it returns 0 and nothing changes. Locks are taken member row first, then
--   version row, the same order DeleteMembershipTableEntriesKey uses. The other queries lock only one of the two.
--
-- UpdateIAmAlivetimeKey: the heartbeat. Sets only IAmAliveTime, never moves it backwards (a late, delayed
--   heartbeat cannot undo a newer one), and never touches the version. Orleans ignores the result.
--
-- GatewaysQueryKey: Address, ProxyPort, Generation of the members with @Status (Orleans passes 3, Active) that
--   run a gateway (ProxyPort > 0).
--
-- CleanupDefunctSiloEntriesKey: the bulk clean-up. Deletes only Dead (6) members whose heartbeat and start are
--   both before the cutoff (@IAmAliveTime = now - DefunctSiloExpiration). Stricter than the stock script's
--   "Status <> 3": a silo that is still Joining or ShuttingDown is left for the membership protocol to declare
--   Dead first. 10.4.2 uses this only when CleanupDefunctSiloEntryKey is missing.
--
-- CleanupDefunctSiloEntryKey: (optional key; 10.4.2 prefers it when present) deletes one Dead member only if it
--   still holds exactly the StartTime, IAmAliveTime and SuspectTimes Orleans read. A vote or heartbeat since the
--   read keeps the row. The times round-trip exactly because Orleans reads them back from these
--   millisecond-precision columns.
--
-- DeleteMembershipTableEntriesKey: deletes the deployment's members and its version row, and nothing else.
--   Only Orleans' test infrastructure calls it.

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

('InsertMembershipVersionKey', $q$
WITH inserted AS (
    INSERT INTO OrleansMembershipVersionTable (DeploymentId, Timestamp, Version)
    VALUES (@DeploymentId, now(), 0)
    ON CONFLICT (DeploymentId) DO NOTHING
    RETURNING 1)
SELECT count(*)::integer AS Inserted FROM inserted
$q$),

('MembershipReadAllKey', $q$
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = @DeploymentId
$q$),

('MembershipReadRowKey', $q$
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m
       ON m.DeploymentId = v.DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
WHERE v.DeploymentId = @DeploymentId
$q$),

('InsertMembershipKey', $q$
WITH bumped AS (
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = now()
    WHERE DeploymentId = @DeploymentId AND Version = @Version
      AND NOT EXISTS (SELECT 1 FROM OrleansMembershipTable
                      WHERE DeploymentId = @DeploymentId AND Address = @Address
                        AND Port = @Port AND Generation = @Generation)
    RETURNING DeploymentId),
inserted AS (
    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, SuspectTimes, StartTime, IAmAliveTime)
    SELECT b.DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, coalesce(@ProxyPort, 0), NULL,
           @StartTime, @IAmAliveTime
    FROM bumped b
    RETURNING 1)
SELECT count(*)::integer AS Inserted FROM inserted
$q$),

('UpdateMembershipKey', $q$
WITH member AS (
    SELECT 1 FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
    FOR UPDATE),
bumped AS (
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = now()
    WHERE DeploymentId = @DeploymentId AND Version = @Version AND EXISTS (SELECT 1 FROM member)
    RETURNING 1),
updated AS (
    UPDATE OrleansMembershipTable
    SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
    WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
      AND EXISTS (SELECT 1 FROM bumped)
    RETURNING 1)
SELECT count(*)::integer AS Updated FROM updated
$q$),

('UpdateIAmAlivetimeKey', $q$
UPDATE OrleansMembershipTable
SET IAmAliveTime = greatest(IAmAliveTime, @IAmAliveTime)
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
$q$),

('GatewaysQueryKey', $q$
SELECT Address, ProxyPort, Generation
FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0
$q$),

('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = 6
  AND IAmAliveTime < @IAmAliveTime AND StartTime < @IAmAliveTime
$q$),

('CleanupDefunctSiloEntryKey', $q$
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
  AND Status = 6
  AND StartTime = @StartTime AND IAmAliveTime = @IAmAliveTime
  AND SuspectTimes IS NOT DISTINCT FROM @SuspectTimes
$q$),

('DeleteMembershipTableEntriesKey', $q$
WITH members AS (
    DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId)
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId
$q$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
