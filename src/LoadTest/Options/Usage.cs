namespace Tollgate.LoadTest.Options;

/// <summary>The text of <c>--help</c>.</summary>
public static class Usage
{
    public const string Text = """
        Tollgate load tester: drives a running Tollgate cluster over HTTP, then audits its PostgreSQL.

          dotnet run -c Release --project src/LoadTest -- --scenario consume --duration 60s --concurrency 64 --database "Host=…"

        Scenarios (--scenario):
          consume    agent services consume quota with their organization keys (--users × --agents subscriptions, --hot-share on one)
          sessions   signed-in users read their session (get-session), by cookie and by bearer token
          mixed      consumes and session reads, with admin role changes, session revocations and signed Stripe webhook bursts
          elastic    a steady consume load while --add-silos silos join the running cluster and leave it (1 → 3 → 1 by default)

        Target and cluster:
          --target URL[,URL…]      API hosts, requests spread round-robin (default http://127.0.0.1:5081,http://127.0.0.1:5082)
          --database CONNSTRING    the cluster's PostgreSQL, for the audit (default: $ConnectionStrings__Tollgate)
          --admin-email E          a bootstrap admin of the cluster (Auth__BootstrapAdmins__0; default loadtest-admin@example.com)
          --admin-password P       its password (default loadtest-admin-password); signed up if new
          --webhook-secret S       one of the API hosts' Stripe__WebhookSecrets (default whsec_tollgate_local)

        Load:
          --duration D             measured load (default 60s); D like 60s, 2m, 1m30s, 500ms
          --warmup D               load before it, reported apart (default 0s)
          --concurrency N          requests in flight (default 32); closed loop unless --rate
          --rate R                 open loop: R requests per second started on schedule, at most N in flight
          --users N                users, each subscribed to every agent (default 100)
          --agents N               agents, each with its publisher organization and key (default 4)
          --hot-share F            share of consumes on one hot subscription, 0..1 (default 0.1)
          --session-users N        signed-up users whose sessions are read (default 20)
          --timeout D              per request (default 10s); --max-attempts N per consume (default 20); --drain D (default 30s)
          --admin-rate R           mixed: admin operations per second (default 2)
          --webhook-burst N, --webhook-interval D   mixed: events per burst (default 20), time between bursts (default 2s)

        Elastic:
          --phase D                each steady phase (default duration/3); the moves between them last as long as they take
          --add-silos N            silos started, then stopped with SIGTERM (default 2)
          --silo-dll PATH          Tollgate.Silo.dll (default: src/Silo/bin/{Release|Debug}/net10.0 of this checkout)
          --silo-ports P[,P…]      their ports (default: free ports); --silo-env KEY=VALUE (repeatable) adds to their environment
          --cluster-id ID          default: the one cluster with active silos; --silo-logs DIR (default: a temporary folder)

        Output:
          --output table|json      what goes to stdout at the end (default table; with json the table goes to stderr)
          --json FILE              also write the JSON report to FILE

        Progress goes to stderr once a second. Exit code: 0 audit passed, 1 audit failed, 2 bad arguments or the cluster
        could not be tested as asked.
        """;
}
