#!/usr/bin/env bash
# Installs what Vigil needs from Debian when it is missing: the Postgres 15 server and client,
# libpq-dev, libcurl4-openssl-dev, zlib1g-dev, OpenBLAS with LAPACKE (the drift maths),
# prometheus-alertmanager (with amtool, for the end-to-end alerting test) and chromium (the web view's
# end-to-end test drives it headless). Needs root (or sudo) only when something is missing.
set -euo pipefail
packages=(postgresql postgresql-client libpq-dev libcurl4-openssl-dev zlib1g-dev libopenblas-dev liblapacke-dev time prometheus-alertmanager chromium)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Debian's postgresql package starts a cluster of its own on 5432; Vigil never uses it. Likewise
# prometheus-alertmanager's service on 9093: the test starts an Alertmanager of its own.
command -v swift >/dev/null || { echo "swift is not on PATH (expected Swift 6.2 or newer)" >&2; exit 1; }
