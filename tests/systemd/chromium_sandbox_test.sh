#!/usr/bin/env bash
# Chromium under kzpool.service's sandbox: the real kzscrape --render always, run the way the
# unit runs it (its file system settings emulated by unit_sandbox.sh; a uid that is not root, so
# Chromium keeps its own sandbox on), reads JavaScript-only pages from 127.0.0.1 and writes the
# cache in the state directory; the cache must then hold each page's pool exactly.
#
#   chromium_sandbox_test.sh SOURCE_DIR KZSCRAPE SCRATCH_DIR [KZUPLOAD]
#
# With KZUPLOAD, also the unit's ExecStart: the cron wrapper with an env file, kzscrape
# --render auto finding the JavaScript shell, and kzupload failing against a closed local port
# (so the wrapper exits 40..59: only the upload failed); that pool must be in the cache too.
#
# Exit 0 pass, 1 fail, 77 skip (not root, or mount namespaces refused: the reason is printed).
set -euo pipefail

source_dir="$1" kzscrape="$2" scratch_parent="$3" kzupload="${4:-}"
unit="$source_dir/packaging/systemd/kzpool.service"
here="$source_dir/tests/systemd"
data="$source_dir/tests/data"
sandbox_uid=65534 sandbox_gid=65534 # nobody: the unit's kzpool user need not exist here

fail() { echo "FAIL: $*" >&2; exit 1; }

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: needs root to emulate the unit's mounts (unshare --mount) and switch user"
  exit 77
fi
if ! unshare --mount --fork true 2>/dev/null; then
  echo "SKIP: unshare --mount is refused here (no mount namespaces)"
  exit 77
fi
[ -x /usr/bin/chromium ] || fail "no /usr/bin/chromium (scripts/bootstrap.sh installs it)"

# The emulation applies what the unit says; the unit must say at least this much.
for line in ProtectSystem=strict ProtectHome=yes PrivateTmp=yes PrivateDevices=yes \
  NoNewPrivileges=yes StateDirectory=kzpool CapabilityBoundingSet= UMask=0027 User=kzpool \
  'Environment=DB_PATH=%S/kzpool/btcpool_data.db HOME=%S/kzpool' WorkingDirectory=%S/kzpool \
  SystemCallArchitectures=native; do
  grep -qxF -- "$line" "$unit" || fail "$unit lacks the line '$line'"
done
grep -qE '^RestrictAddressFamilies=AF_' "$unit" || fail "$unit has no RestrictAddressFamilies allow list"

mkdir -p "$scratch_parent"
scratch="$(mktemp -d "$scratch_parent/chromium_sandbox.XXXXXX")"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT
state="$scratch/state"
# A checkout or build in /tmp (a CI clone) stays reachable under the unit's PrivateTmp=.
export KZ_UNIT_SANDBOX_KEEP="$source_dir:$scratch:$(dirname "$kzscrape")${kzupload:+:$(dirname "$kzupload")}"
mkdir -m 0750 "$state"
chown "$sandbox_uid:$sandbox_gid" "$state"
chmod 0711 "$scratch" # the sandboxed user reaches nothing here but what the mounts give it

# Two generated shells, each hiding a sample page until its script ran.
pools=(KZPool_001:observer_en_60 KZPool_002:observer_ru_200)
wrapper_pool=KZPool_W:observer_en_60
specs=()
for pool in "${pools[@]}" "$wrapper_pool"; do specs+=("${pool%%:*}=$data/${pool#*:}.html"); done
python3 "$here/js_page_server.py" "$scratch/port" "${specs[@]}" 2>"$scratch/server.log" &
server_pid=$!
for _ in $(seq 100); do
  [ -s "$scratch/port" ] && break
  kill -0 "$server_pid" 2>/dev/null || fail "the page server did not start: $(cat "$scratch/server.log")"
  sleep 0.1
done
port="$(cat "$scratch/port")"

# The page alone holds no data: without a browser kzscrape refuses it (exit 4, no usable data).
set +e
"$kzscrape" --render never --dry-run --url "http://127.0.0.1:$port/KZPool_001" >/dev/null 2>&1
code=$?
set -e
[ "$code" -eq 4 ] || fail "kzscrape --render never on the shell page exited $code, not 4 (no data)"

for pool in "${pools[@]}"; do
  account="${pool%%:*}"
  set +e
  timeout 120 "$here/unit_sandbox.sh" "$unit" "$state" "$sandbox_uid" "$sandbox_gid" -- \
    /bin/sh -c 'exec "$0" --render always --timeout 60 --retries 0 --url "$1" --account "$2" --db "$DB_PATH"' \
    "$kzscrape" "http://127.0.0.1:$port/$account" "$account" >"$scratch/$account.log" 2>&1
  code=$?
  set -e
  cat "$scratch/$account.log"
  [ "$code" -eq 0 ] || fail "kzscrape under the unit's sandbox exited $code for $account"
done

if [ -n "$kzupload" ]; then
  mkdir -m 0755 "$scratch/bin"
  ln -s "$kzscrape" "$scratch/bin/kzscrape"
  ln -s "$kzupload" "$scratch/bin/kzupload"
  closed_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  cat >"$scratch/kzpool.env" <<ENV
OBSERVER_URL=http://127.0.0.1:$port/${wrapper_pool%%:*}
ACCOUNT_NAME=${wrapper_pool%%:*}
SUPABASE_URL=http://127.0.0.1:$closed_port
SUPABASE_SERVICE_KEY=fake-service-key-0123456789abcdef
KZ_BIN_DIR=$scratch/bin
UPLOAD_TIME_LIMIT=5
ENV
  chmod 0644 "$scratch/kzpool.env"
  set +e
  timeout 300 "$here/unit_sandbox.sh" "$unit" "$state" "$sandbox_uid" "$sandbox_gid" -- \
    "$source_dir/scripts/run_scraper_and_upload.sh" --env-file "$scratch/kzpool.env" \
    >"$scratch/wrapper.log" 2>&1
  code=$?
  set -e
  cat "$scratch/wrapper.log"
  [ "$code" -ge 40 ] && [ "$code" -le 59 ] ||
    fail "the wrapper under the unit's sandbox exited $code, not 40..59 (only kzupload failed)"
  [ -f "$state/btcpool_data.db.lock" ] || fail "the wrapper's lock is not beside the cache in the state directory"
  pools+=("$wrapper_pool")
fi

# Chromium's renderers really are sandboxed there: seccomp-bpf on, in a PID namespace of their own.
timeout 60 "$here/unit_sandbox.sh" "$unit" "$state" "$sandbox_uid" "$sandbox_gid" -- \
  /bin/bash "$here/chromium_renderer_probe.sh" >"$scratch/probe.log" 2>&1 ||
  { cat "$scratch/probe.log"; fail "no sandboxed Chromium renderer under the unit's sandbox"; }
cat "$scratch/probe.log"

# The cache in the state directory: owned by the unit's user, not world-readable (UMask=0027),
# holding each pool's data exactly as the sample's truth file says.
db="$state/btcpool_data.db"
[ -f "$db" ] || fail "no cache at $db"
[ "$(stat -c %u "$db")" = "$sandbox_uid" ] || fail "the cache is not owned by uid $sandbox_uid"
[ $((8#$(stat -c %a "$db") & 8#007)) -eq 0 ] || fail "the cache is readable by others: UMask not applied"
python3 - "$db" "$data" "${pools[@]}" <<'EOF'
import json, math, sqlite3, sys

db, data, pools = sys.argv[1], sys.argv[2], sys.argv[3:]
con = sqlite3.connect(db)
problems = []
for pool in pools:
    account, sample = pool.split(":")
    truth = json.load(open(f"{data}/{sample}.truth.json", encoding="utf-8"))
    row = con.execute(
        "SELECT hashrate_current_ths, hashrate_24h_ths, online_workers, offline_workers,"
        " balance_btc, last_income_btc FROM v_latest_summary WHERE account_name = ?",
        (account,)).fetchone()
    if row is None:
        problems.append(f"{account}: no snapshot in the cache")
        continue
    workers = con.execute(
        "SELECT count(*) FROM v_latest_workers w JOIN v_latest_summary s"
        " ON s.observer_url = w.observer_url WHERE s.account_name = ?", (account,)).fetchone()[0]
    expected = {
        "hashrate_current_ths": truth["current_hashrate_ths"],
        "hashrate_24h_ths": truth["avg_hashrate_24h_ths"],
        "online_workers": truth["online_workers"],
        "offline_workers": truth["offline_workers"],
        "balance_btc": truth["balance_sat"] / 1e8,
        "last_income_btc": truth["last_income_sat"] / 1e8,
        "workers": len(truth["workers"]),
    }
    got = dict(zip(list(expected)[:6], row), workers=workers)
    for key, want in expected.items():
        if got[key] is None or not math.isclose(float(got[key]), float(want), rel_tol=1e-9):
            problems.append(f"{account}: {key} is {got[key]}, the page says {want}")
    print(f"{account}: {got}")
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
EOF
echo "PASS: kzscrape rendered ${#pools[@]} pages with Chromium under kzpool.service's sandbox"
