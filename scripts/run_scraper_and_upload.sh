#!/usr/bin/env bash
# One cron tick: kzscrape, then kzupload (even when the scrape failed, so a
# backlog still drains), under a lock so that runs never overlap.
#
#   */10 * * * * /opt/kzpool/scripts/run_scraper_and_upload.sh --env-file /etc/kzpool.env
#
# Settings (environment or --env-file): OBSERVER_URL or KZ_CONFIG, ACCOUNT_NAME,
# CLIENT_NAME, COMPANY, COUNTRY, SITE, DB_PATH, SUPABASE_URL, SUPABASE_SERVICE_KEY;
# optional LOG_FILE (default: stderr), LOCK_FILE (default: $DB_PATH.lock),
# KZ_BIN_DIR (where kzscrape and kzupload are), SCRAPE_TIME_LIMIT and
# UPLOAD_TIME_LIMIT in seconds (default 240 each: the run fits in 10 minutes).
#
# Exit codes: 0 both stages succeeded; 20 + kzscrape's code when only the
# scrape failed (20: it hit its time limit); 40 + kzupload's code when only the
# upload failed (40: time limit); 60 + kzupload's code when both failed;
# 2 bad settings; 75 another run holds the lock. (The programs' own codes are
# below 20, so the ranges never overlap.)
set -uo pipefail

env_file=""
while [ $# -gt 0 ]; do
  case "$1" in
    --env-file) env_file="${2:-}"; shift 2 ;;
    --env-file=*) env_file="${1#*=}"; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_scraper_and_upload: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

log() {
  local line
  line="$(date -u +%Y-%m-%dT%H:%M:%SZ) run_scraper_and_upload: $*"
  if [ -n "${LOG_FILE:-}" ]; then echo "$line" >>"$LOG_FILE"; else echo "$line" >&2; fi
}

if [ -n "$env_file" ]; then
  if [ ! -r "$env_file" ]; then
    echo "run_scraper_and_upload: cannot read env file $env_file" >&2
    exit 2
  fi
  set -a
  # shellcheck disable=SC1090
  . "$env_file"
  set +a
fi

DB_PATH="${DB_PATH:-btcpool_data.db}"
LOCK_FILE="${LOCK_FILE:-$DB_PATH.lock}"
SCRAPE_TIME_LIMIT="${SCRAPE_TIME_LIMIT:-240}"
UPLOAD_TIME_LIMIT="${UPLOAD_TIME_LIMIT:-240}"

here="$(cd "$(dirname "$0")" && pwd)"
# KZ_BIN_DIR first, then PATH, then this checkout's build folders.
find_binary() {
  local name="$1" dir
  if [ -n "${KZ_BIN_DIR:-}" ]; then
    [ -x "$KZ_BIN_DIR/$name" ] && echo "$KZ_BIN_DIR/$name"
    return
  fi
  if command -v "$name" >/dev/null; then command -v "$name"; return; fi
  for dir in "$here/../build/src/${name#kz}" "$here/../build-demo/src/${name#kz}"; do
    if [ -x "$dir/$name" ]; then echo "$dir/$name"; return; fi
  done
}
kzscrape="$(find_binary kzscrape)"
kzupload="$(find_binary kzupload)"
if [ -z "$kzscrape" ] || [ -z "$kzupload" ]; then
  log "error: kzscrape or kzupload not found (set KZ_BIN_DIR or run scripts/build.sh)"
  exit 2
fi
if [ -z "${OBSERVER_URL:-}" ] && [ -z "${KZ_CONFIG:-}" ]; then
  log "error: set OBSERVER_URL (one pool) or KZ_CONFIG (a pools file)"
  exit 2
fi
if [ -z "${KZ_CONFIG:-}" ] && [ -z "${ACCOUNT_NAME:-}" ]; then
  log "error: set ACCOUNT_NAME, the pool's account name in Supabase (e.g. KZPool_001)"
  exit 2
fi

exec 9>>"$LOCK_FILE" || { log "error: cannot open lock file $LOCK_FILE"; exit 2; }
if ! flock --nonblock 9; then
  log "skipped: another run holds $LOCK_FILE"
  exit 75
fi

common=(--db "$DB_PATH")
if [ -n "${KZ_CONFIG:-}" ]; then
  common+=(--config "$KZ_CONFIG")
  [ -n "${ACCOUNT_NAME:-}" ] && common+=(--account "$ACCOUNT_NAME")
  scrape_args=("${common[@]}")
  upload_args=("${common[@]}")
else
  scrape_args=("${common[@]}" --url "$OBSERVER_URL" --account "$ACCOUNT_NAME")
  upload_args=("${common[@]}" --account "$ACCOUNT_NAME")
  [ -n "${CLIENT_NAME:-}" ] && upload_args+=(--client "$CLIENT_NAME")
  [ -n "${COMPANY:-}" ] && upload_args+=(--company "$COMPANY")
  [ -n "${COUNTRY:-}" ] && upload_args+=(--country "$COUNTRY")
  [ -n "${SITE:-}" ] && upload_args+=(--site "$SITE")
fi

stage_errors="$(mktemp)"
trap 'rm -f "$stage_errors"' EXIT

# Runs one stage under its time limit. Its own warnings and errors (already
# one line each, never a key) are passed on with a timestamp, then one line
# says how the stage ended.
run_stage() {
  local name="$1" limit="$2"; shift 2
  local started code line
  started=$(date +%s)
  timeout --kill-after=10 "$limit" "$@" --quiet >/dev/null 2>"$stage_errors"
  code=$?
  while IFS= read -r line; do log "$line"; done <"$stage_errors"
  local took=$(( $(date +%s) - started ))
  case $code in
    0) log "$name: ok (${took}s)" ;;
    124|137) log "$name: failed: time limit of ${limit}s reached"; return 100 ;;
    *) log "$name: failed with exit code $code (${took}s)" ;;
  esac
  return $code
}

run_stage kzscrape "$SCRAPE_TIME_LIMIT" "$kzscrape" "${scrape_args[@]}"
scrape_code=$?
run_stage kzupload "$UPLOAD_TIME_LIMIT" "$kzupload" "${upload_args[@]}"
upload_code=$?

stage_code() { [ "$1" -eq 100 ] && echo 0 || echo "$1"; }
if [ $scrape_code -eq 0 ] && [ $upload_code -eq 0 ]; then
  exit 0
elif [ $upload_code -eq 0 ]; then
  exit $((20 + $(stage_code $scrape_code)))
elif [ $scrape_code -eq 0 ]; then
  exit $((40 + $(stage_code $upload_code)))
else
  exit $((60 + $(stage_code $upload_code)))
fi
