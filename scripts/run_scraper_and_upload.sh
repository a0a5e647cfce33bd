#!/usr/bin/env bash
# One cron tick: kzscrape, then kznotify when NOTIFY_CONFIG is set, then
# kzupload (each even when the stage before failed: a scrape_failed alert is
# still sent, a backlog still drains), under a lock so that runs never overlap.
#
#   */10 * * * * /opt/kzpool/scripts/run_scraper_and_upload.sh --env-file /etc/kzpool.env
#
# Settings (environment or --env-file): OBSERVER_URL or KZ_CONFIG, ACCOUNT_NAME,
# CLIENT_NAME, COMPANY, COUNTRY, SITE, DB_PATH, SUPABASE_URL, SUPABASE_SERVICE_KEY;
# optional LOG_FILE (default: stderr), LOCK_FILE (default: $DB_PATH.lock),
# KZ_BIN_DIR (where kzscrape and kzupload are), SCRAPE_TIME_LIMIT and
# UPLOAD_TIME_LIMIT in seconds (default 240 each), NOTIFY_CONFIG (a file with
# the "notify" object: the pools file or one of its own) and NOTIFY_TIME_LIMIT
# (default 60); the run fits in 10 minutes; TERM at the limit, KILL 10 s later.
# METRICS_FILE (optional): after every run, also one whose stages failed or
# reached their time limit, `kzreport metrics --db "$DB_PATH" --out
# "$METRICS_FILE"` writes the fleet's Prometheus metrics there (a temporary
# file, then rename: node_exporter's textfile collector never reads half a
# file), within METRICS_TIME_LIMIT seconds (default 30). Its failure, or
# kzreport missing, logs one line and leaves the exit code as it was.
#
# Each stage starts with only the variables it needs: PATH, HOME, TZ, LANG,
# LC_*, TMPDIR, the proxy and CA variables curl reads (http_proxy, https_proxy,
# HTTPS_PROXY, all_proxy, ALL_PROXY, no_proxy, NO_PROXY, SSL_CERT_FILE,
# SSL_CERT_DIR, CURL_CA_BUNDLE) and ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS;
# kzscrape also KZPOOL_API_KEY, kzupload also SUPABASE_URL and
# SUPABASE_SERVICE_KEY. SCRAPE_ENV_PASS, NOTIFY_ENV_PASS (e.g. the variables
# a destination's token_env or url_env names) and UPLOAD_ENV_PASS name more
# variables (space-separated) to pass to that stage.
#
# Exit codes: 0 both stages succeeded; 20 + kzscrape's code when only the
# scrape failed; 40 + kzupload's code when only the upload failed; 60 +
# kzupload's code when both failed; 80 + kznotify's code when only the notify
# stage failed (with another failure, that one's code, and the log names
# both); 20, 40, 60 or 80 alone when that stage did not
# end with a code of its own from 1 to 19: it reached its time limit, or died
# of a signal (the log says which: "killed by signal 9 (SIGKILL: out of
# memory?)"), or exited with another code (logged); 2 bad settings; 75 another
# run holds the lock; 130 or 143 when this script got SIGINT (Ctrl-C) or
# SIGTERM: the running stage gets it too and records its run, and kzupload
# does not start if it had not.
set -uo pipefail

env_file=""
while [ $# -gt 0 ]; do
  case "$1" in
    --env-file)
      if [ $# -lt 2 ] || [ -z "$2" ]; then
        echo "run_scraper_and_upload: --env-file needs a path" >&2
        exit 2
      fi
      env_file="$2"; shift 2 ;;
    --env-file=*) env_file="${1#*=}"; shift ;;
    -h|--help) sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
  # `.` looks a name without a slash up on PATH first.
  case "$env_file" in */*) ;; *) env_file="./$env_file" ;; esac
  # Not exported: each stage gets the names it needs (stage_environment).
  # shellcheck disable=SC1090
  . "$env_file"
fi

DB_PATH="${DB_PATH:-btcpool_data.db}"
LOCK_FILE="${LOCK_FILE:-$DB_PATH.lock}"
SCRAPE_TIME_LIMIT="${SCRAPE_TIME_LIMIT:-240}"
UPLOAD_TIME_LIMIT="${UPLOAD_TIME_LIMIT:-240}"
NOTIFY_TIME_LIMIT="${NOTIFY_TIME_LIMIT:-60}"
METRICS_TIME_LIMIT="${METRICS_TIME_LIMIT:-30}"
for limit_name in SCRAPE_TIME_LIMIT UPLOAD_TIME_LIMIT NOTIFY_TIME_LIMIT METRICS_TIME_LIMIT; do
  # timeout(1) takes 0 as "no limit".
  if ! [[ ${!limit_name} =~ ^[1-9][0-9]*$ ]]; then
    log "error: $limit_name must be a whole number of seconds above 0, not '${!limit_name}'"
    exit 2
  fi
done

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
kznotify=""
if [ -n "${NOTIFY_CONFIG:-}" ]; then
  kznotify="$(find_binary kznotify)"
  if [ -z "$kznotify" ]; then
    log "error: NOTIFY_CONFIG is set but kznotify is not found (set KZ_BIN_DIR or run scripts/build.sh)"
    exit 2
  fi
  if [ ! -r "$NOTIFY_CONFIG" ]; then
    log "error: cannot read NOTIFY_CONFIG $NOTIFY_CONFIG"
    exit 2
  fi
fi
kzreport=""
[ -n "${METRICS_FILE:-}" ] && kzreport="$(find_binary kzreport)"
if [ -z "${OBSERVER_URL:-}" ] && [ -z "${KZ_CONFIG:-}" ]; then
  log "error: set OBSERVER_URL (one pool) or KZ_CONFIG (a pools file)"
  exit 2
fi
if [ -z "${KZ_CONFIG:-}" ] && [ -z "${ACCOUNT_NAME:-}" ]; then
  log "error: set ACCOUNT_NAME, the pool's account name in Supabase (e.g. KZPool_001)"
  exit 2
fi

if ! { exec 9>>"$LOCK_FILE"; } 2>/dev/null; then
  log "error: cannot open lock file $LOCK_FILE: does its folder exist, writable by $(id -un)? (LOCK_FILE sets another place)"
  exit 2
fi
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
  # The link reaches kzscrape in its environment, not on its command line, which
  # every local user can read (ps).
  scrape_args=("${common[@]}" --account "$ACCOUNT_NAME")
  upload_args=("${common[@]}" --account "$ACCOUNT_NAME")
  [ -n "${CLIENT_NAME:-}" ] && upload_args+=(--client "$CLIENT_NAME")
  [ -n "${COMPANY:-}" ] && upload_args+=(--company "$COMPANY")
  [ -n "${COUNTRY:-}" ] && upload_args+=(--country "$COUNTRY")
  [ -n "${SITE:-}" ] && upload_args+=(--site "$SITE")
fi

# The environment of a stage: `env -i` plus these names when they are set.
common_names=(PATH HOME TZ LANG TMPDIR http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY
  no_proxy NO_PROXY SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE ASAN_OPTIONS UBSAN_OPTIONS
  LSAN_OPTIONS)
mapfile -t locale_names < <(compgen -v LC_)
scrape_names=("${common_names[@]}" "${locale_names[@]}" KZPOOL_API_KEY)
[ -z "${KZ_CONFIG:-}" ] && scrape_names+=(OBSERVER_URL)
upload_names=("${common_names[@]}" "${locale_names[@]}" SUPABASE_URL SUPABASE_SERVICE_KEY)
notify_names=("${common_names[@]}" "${locale_names[@]}")
metrics_names=("${common_names[@]}" "${locale_names[@]}")
for name in ${SCRAPE_ENV_PASS:-} ${UPLOAD_ENV_PASS:-} ${NOTIFY_ENV_PASS:-}; do
  if ! [[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
    log "error: '$name' in SCRAPE_ENV_PASS, NOTIFY_ENV_PASS or UPLOAD_ENV_PASS is not a variable name"
    exit 2
  fi
done
for name in ${NOTIFY_ENV_PASS:-}; do
  if [ "$name" = SUPABASE_SERVICE_KEY ] || [ "$name" = KZPOOL_API_KEY ]; then
    log "error: NOTIFY_ENV_PASS names $name; kznotify never needs it"
    exit 2
  fi
  notify_names+=("$name")
done
for name in ${SCRAPE_ENV_PASS:-}; do
  if [ "$name" = SUPABASE_SERVICE_KEY ]; then
    log "error: SCRAPE_ENV_PASS names SUPABASE_SERVICE_KEY; only kzupload gets it"
    exit 2
  fi
  scrape_names+=("$name")
done
for name in ${UPLOAD_ENV_PASS:-}; do upload_names+=("$name"); done

# Fills the array named by $1 with NAME=value for each following name that is set.
stage_environment() {
  local -n out="$1"
  shift
  out=()
  local name
  for name in "$@"; do
    if [ -n "${!name+x}" ]; then out+=("$name=${!name}"); fi
  done
}
stage_environment scrape_env "${scrape_names[@]}"
stage_environment upload_env "${upload_names[@]}"
stage_environment notify_env "${notify_names[@]}"
metrics_env=()
stage_environment metrics_env "${metrics_names[@]}"

stage_errors="$(mktemp)"
trap 'rm -f "$stage_errors"' EXIT

# SIGINT (Ctrl-C) and SIGTERM to this script go to the running stage (timeout
# passes them on), which records its run; then the script stops.
stage_pid=""
interrupted=""
on_signal() {
  interrupted="$1"
  if [ -n "$stage_pid" ]; then kill -s "$1" "$stage_pid" 2>/dev/null; fi
}
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM

# Runs one stage under its time limit with its own environment. Its own
# warnings and errors (already one line each, never a key) are passed on with a
# timestamp, then one line says how the stage ended. Returns the stage's code
# when it is one of its own (0..19), else 100 (it did not finish: time limit,
# signal, or a code outside that range).
run_stage() {
  local name="$1" limit="$2" env_name="$3"; shift 3
  local -n stage_env="$env_name"
  local started code line timed_out=0
  started=$(date +%s)
  # timeout runs in C locale so that its "sending signal" line can be
  # recognised. It runs in the background so that a trapped signal reaches it;
  # `wait 2>/dev/null` keeps bash's "Killed" notice for a stage that died of a
  # signal out of the log.
  LC_ALL=C timeout --verbose --kill-after=10 "$limit" \
    env -i "${stage_env[@]}" "$@" --quiet >/dev/null 2>"$stage_errors" &
  stage_pid=$!
  # A trapped signal ends `wait` early: wait again until the stage is gone.
  while :; do
    wait "$stage_pid" 2>/dev/null
    code=$?
    kill -0 "$stage_pid" 2>/dev/null || break
  done
  stage_pid=""
  while IFS= read -r line; do
    if [[ $line == "timeout: sending signal "* ]]; then
      timed_out=1
    else
      log "$line"
    fi
  done <"$stage_errors"
  local took=$(( $(date +%s) - started ))
  if [ -n "$interrupted" ]; then
    log "$name: interrupted by SIG$interrupted after ${took}s; stopping"
    exit $((128 + $(kill -l "$interrupted")))
  fi
  if [ $timed_out -eq 1 ]; then
    log "$name: failed: time limit of ${limit}s reached"
    return 100
  fi
  if [ "$code" -eq 0 ]; then
    log "$name: ok (${took}s)"
    return 0
  fi
  if [ "$code" -gt 128 ] && [ "$code" -le 192 ]; then
    local signal=$((code - 128)) signal_name
    signal_name="SIG$(kill -l "$signal" 2>/dev/null || echo "$signal")"
    [ "$signal" -eq 9 ] && signal_name="$signal_name: out of memory?"
    log "$name: failed: killed by signal $signal ($signal_name) after ${took}s"
    return 100
  fi
  log "$name: failed with exit code $code (${took}s)"
  [ "$code" -lt 20 ] && return "$code"
  return 100
}

run_stage kzscrape "$SCRAPE_TIME_LIMIT" scrape_env "$kzscrape" "${scrape_args[@]}"
scrape_code=$?
notify_code=0
if [ -n "$kznotify" ]; then
  run_stage kznotify "$NOTIFY_TIME_LIMIT" notify_env "$kznotify" --db "$DB_PATH" --config "$NOTIFY_CONFIG"
  notify_code=$?
fi
run_stage kzupload "$UPLOAD_TIME_LIMIT" upload_env "$kzupload" "${upload_args[@]}"
upload_code=$?

# The metrics file, whatever the stages did: one line when it could not be written, and the
# exit code stays the stages'.
write_metrics() {
  [ -n "${METRICS_FILE:-}" ] || return 0
  if [ -z "$kzreport" ]; then
    log "kzreport metrics: failed: kzreport not found (set KZ_BIN_DIR or run scripts/build.sh); $METRICS_FILE not written"
    return 0
  fi
  local code error
  LC_ALL=C timeout --kill-after=10 "$METRICS_TIME_LIMIT" \
    env -i "${metrics_env[@]}" "$kzreport" metrics --db "$DB_PATH" --out "$METRICS_FILE" \
    >/dev/null 2>"$stage_errors" &
  stage_pid=$!
  while :; do
    wait "$stage_pid" 2>/dev/null
    code=$?
    kill -0 "$stage_pid" 2>/dev/null || break
  done
  stage_pid=""
  if [ -n "$interrupted" ]; then
    log "kzreport metrics: interrupted by SIG$interrupted; stopping"
    exit $((128 + $(kill -l "$interrupted")))
  fi
  [ "$code" -eq 0 ] && return 0
  error="$(grep -v '^timeout: ' "$stage_errors" | tail -n 1)"
  if [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; then
    error="time limit of ${METRICS_TIME_LIMIT}s reached"
  fi
  log "kzreport metrics: failed with exit code $code${error:+: $error}; $METRICS_FILE not updated"
}
write_metrics

# A stage that did not finish (100) counts as failed and adds nothing to the band.
stage_code() { [ "$1" -eq 100 ] && echo 0 || echo "$1"; }
if [ $scrape_code -eq 0 ] && [ $upload_code -eq 0 ] && [ $notify_code -eq 0 ]; then
  exit 0
elif [ $scrape_code -eq 0 ] && [ $upload_code -eq 0 ]; then
  exit $((80 + $(stage_code $notify_code)))
elif [ $upload_code -eq 0 ]; then
  exit $((20 + $(stage_code $scrape_code)))
elif [ $scrape_code -eq 0 ]; then
  exit $((40 + $(stage_code $upload_code)))
else
  exit $((60 + $(stage_code $upload_code)))
fi
