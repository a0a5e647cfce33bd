#!/usr/bin/env bash
# Installs the Debian packages kzpool needs to build, test and run (gnuplot-nox draws
# kzreport's charts; prometheus gives the tests promtool; help2man, lintian, man-db and
# bash-completion build and check the Debian package, scripts/package.sh)
# (clang-14 and its runtime libraries only for the fuzz target, scripts/fuzz.sh).
# Does nothing when every package is already installed.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libcurl4-openssl-dev libgumbo-dev libsqlitecpp-dev libsqlite3-dev sqlite3
  nlohmann-json3-dev libcli11-dev libspdlog-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcpp-httplib-dev libssl-dev zlib1g-dev
  libpq-dev postgresql postgresql-client
  ca-certificates curl util-linux procps
  chromium
  python3 python3-aiosmtpd
  gnuplot-nox prometheus
  help2man lintian man-db groff-base bash-completion fakeroot dpkg-dev systemd
  clang-14 libclang-rt-14-dev
)

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "bootstrap: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
