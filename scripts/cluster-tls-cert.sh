#!/usr/bin/env bash
# A self-signed certificate for mutual TLS between Tollgate's silos and API hosts (Cluster:Tls), for development only:
# every process presents it and trusts exactly it (ca.crt is the same certificate). Production uses certificates of its
# own CA (see docs-tls-notes.md / the README's "Cluster TLS").
#
#   scripts/cluster-tls-cert.sh DIR     # writes DIR/tls.crt, DIR/tls.key, DIR/ca.crt unless a valid set is there
#
# Kept when present and valid for another day, so re-running changes nothing (and a kustomize Secret keeps its hash).
set -euo pipefail
dir=${1:?usage: $0 DIR}
command -v openssl >/dev/null || { echo "openssl is needed to generate the cluster's TLS certificate: apt-get install -y openssl" >&2; exit 1; }
mkdir -p "$dir"
if [ -s "$dir/tls.crt" ] && [ -s "$dir/tls.key" ] && [ -s "$dir/ca.crt" ] && openssl x509 -checkend 86400 -noout -in "$dir/tls.crt" >/dev/null 2>&1; then
  exit 0
fi
# Both extended key usages: each process accepts connections (server) and opens them (client) with this certificate.
(umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
  -subj "/CN=tollgate-cluster-dev" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,digitalSignature,keyCertSign" \
  -addext "extendedKeyUsage=serverAuth,clientAuth" \
  -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null)
cp "$dir/tls.crt" "$dir/ca.crt"
echo "generated a self-signed cluster TLS certificate in $dir (valid 365 days)" >&2
