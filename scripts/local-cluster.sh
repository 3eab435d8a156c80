#!/usr/bin/env bash
# A local Tollgate cluster on 127.0.0.1: one PostgreSQL server, 3 silos and 2 API hosts in cluster mode.
# Ctrl-C (or SIGTERM) stops everything gracefully. Data lives in ./.data/cluster-pg and survives restarts.
#
#   scripts/local-cluster.sh            # silos on 11111-11113 (gateways 30001-30003, probes 11211-11213), API hosts on 5081-5082
#   SILOS=5 HOSTS=3 scripts/local-cluster.sh
#   SILOS=1 scripts/local-cluster.sh    # for the load tester's elastic scenario (it adds 2 silos, then stops them)
#
# Ready for the load tester (src/LoadTest): ADMIN_EMAIL is a bootstrap admin, WEBHOOK_SECRET verifies Stripe webhooks,
# and sign-in/sign-up are limited to SIGNIN_LIMIT per 10 s per IP (the tester signs its users up from one IP).
# Once up, the script prints the load-test command for this cluster.
#
# Silos and API hosts speak mutual TLS on the silo and gateway ports (Cluster:Tls) with a self-signed development
# certificate made once by scripts/cluster-tls-cert.sh in ./.data/cluster-tls (delete that folder for a new one).
set -euo pipefail
cd "$(dirname "$0")/.."

SILOS=${SILOS:-3}
HOSTS=${HOSTS:-2}
PGPORT=${PGPORT:-55432}
CLUSTER=${CLUSTER:-local}
ADMIN_EMAIL=${ADMIN_EMAIL:-loadtest-admin@example.com}
WEBHOOK_SECRET=${WEBHOOK_SECRET:-whsec_tollgate_local}
SIGNIN_LIMIT=${SIGNIN_LIMIT:-100000}
DATA=$PWD/.data/cluster-pg
PIDS=()

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -x "$pgbin/initdb" ] || { echo "PostgreSQL server binaries not found: apt-get install -y postgresql" >&2; exit 1; }

echo "building (Release)…"
dotnet build Orleans.sln -c Release -v quiet -nologo >/dev/null

if [ ! -f "$DATA/PG_VERSION" ]; then
  echo "initialising PostgreSQL in $DATA"
  mkdir -p "$DATA"
  head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$DATA.password"
  chmod 600 "$DATA.password"
  pwfile=$(mktemp)
  cp "$DATA.password" "$pwfile"
  if [ "$(id -u)" = 0 ]; then chown postgres "$DATA" "$pwfile"; fi
  as_postgres "$pgbin/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C --auth=scram-sha-256 --pwfile="$pwfile" >/dev/null
  rm -f "$pwfile"
fi
PASSWORD=$(cat "$DATA.password")
as_postgres "$pgbin/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$PGPORT -c unix_socket_directories='' -c max_connections=300" start >/dev/null
PGPASSWORD=$PASSWORD psql -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'tollgate'" | grep -q 1 \
  || PGPASSWORD=$PASSWORD psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE tollgate"
export ConnectionStrings__Tollgate="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Password=$PASSWORD;Database=tollgate"
export Cluster__ClusterId=$CLUSTER
TLS=$PWD/.data/cluster-tls
scripts/cluster-tls-cert.sh "$TLS"
export Cluster__Tls__CertificatePath=$TLS/tls.crt Cluster__Tls__KeyPath=$TLS/tls.key Cluster__Tls__CaPaths__0=$TLS/ca.crt
# The DLLs run from the repository root: --contentRoot points each at its own folder, so it reads its appsettings.json
# (JSON logs, Information for Tollgate, Warning for ASP.NET Core and Orleans: a request writes no log line).

stop() {
  echo "stopping…"
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait "${PIDS[@]}" 2>/dev/null || true
  as_postgres "$pgbin/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM

wait_ready() { for _ in $(seq 1 120); do curl -fs "$1" >/dev/null && return 0; sleep 0.5; done; echo "not ready: $1" >&2; return 1; }

mkdir -p .data/logs
for i in $(seq 1 "$SILOS"); do
  Silo__Port=$((11110 + i)) Silo__GatewayPort=$((30000 + i)) Silo__HealthPort=$((11210 + i)) Silo__Name=silo-$i \
    Auth__BootstrapAdmins__0=$ADMIN_EMAIL \
    dotnet src/Silo/bin/Release/net10.0/Tollgate.Silo.dll --contentRoot "$PWD/src/Silo/bin/Release/net10.0" > ".data/logs/silo-$i.log" 2>&1 &
  PIDS+=($!)
  wait_ready "http://127.0.0.1:$((11210 + i))/readyz"
  echo "silo $i: 127.0.0.1:$((11110 + i)), probes http://127.0.0.1:$((11210 + i))/readyz"
done
for i in $(seq 1 "$HOSTS"); do
  ApiHost__Mode=Cluster Stripe__WebhookSecrets__0=$WEBHOOK_SECRET Auth__SignInMaxRequests=$SIGNIN_LIMIT \
    dotnet src/ApiHost/bin/Release/net10.0/Tollgate.ApiHost.dll --contentRoot "$PWD/src/ApiHost/bin/Release/net10.0" --urls "http://127.0.0.1:$((5080 + i))" \
    > ".data/logs/apihost-$i.log" 2>&1 &
  PIDS+=($!)
  wait_ready "http://127.0.0.1:$((5080 + i))/readyz"
  echo "API host $i: http://127.0.0.1:$((5080 + i))"
done
echo "cluster '$CLUSTER' is up (logs in .data/logs). Ctrl-C stops it."
targets=$(seq -s, -f "http://127.0.0.1:%g" 5081 $((5080 + HOSTS)))
echo "load test it (scenarios: consume, sessions, mixed, elastic; elastic wants SILOS=1):"
echo "  dotnet run -c Release --project src/LoadTest -- --target $targets --scenario consume --duration 60s --concurrency 64 \\"
echo "    --admin-email $ADMIN_EMAIL --webhook-secret $WEBHOOK_SECRET --database '$ConnectionStrings__Tollgate' \\"
echo "    --silo-env Cluster__Tls__CertificatePath=$Cluster__Tls__CertificatePath --silo-env Cluster__Tls__KeyPath=$Cluster__Tls__KeyPath \\"
echo "    --silo-env Cluster__Tls__CaPaths__0=$Cluster__Tls__CaPaths__0"
wait
