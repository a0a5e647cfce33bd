#!/usr/bin/env bash
# One cron tick: kzscrape, then kznotify when NOTIFY_CONFIG is set, then
# kzupload (each even when the stage before failed: a scrape_failed alert is
# still sent, a backlog still drains), under a lock so that runs never overlap.
#
#   */10 * * * * /usr/lib/kzpool/run_scraper_and_upload.sh --env-file /etc/kzpool/kzpool.env
#
# Settings (environment or --env-file; a setting in the env file wins over the
# same name in the environment): OBSERVER_URL or KZ_CONFIG, ACCOUNT_NAME,
# CLIENT_NAME, COMPANY, COUNTRY, SITE, DB_PATH, SUPABASE_URL, SUPABASE_SERVICE_KEY;
# optional LOG_FILE (default: stderr; lines to the systemd journal carry no time
# of their own, the journal has it), LOCK_FILE (default: $DB_PATH.lock),
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
# LOG_FORMAT (plain or json, default plain): json makes each of the script's
# own lines one JSON object {"time","level","program":"run_scraper_and_upload",
# "pool":null,"message"}, runs the stages with --log-format json and passes
# their lines on unchanged (a stage line that is not JSON is wrapped).
#
# HEALTHCHECK_URL (optional, healthchecks.io convention: an http(s) link
# without query, e.g. https://hc-ping.com/<uuid>): after taking the lock the
# script requests $HEALTHCHECK_URL/start, and at its end it POSTs the run's
# log (its last 10 KB) to $HEALTHCHECK_URL/<exit code>, both with ?rid=<run
# id> so that they pair up; signals (130, 143) and bad settings (2, when the
# link is known) included. A run that finds the lock held (75) pings nothing:
# the run holding it pings for both. curl gets the link on its standard input
# (never on a command line) within HEALTHCHECK_TIME_LIMIT seconds (default 10)
# per ping, retries included, TLS verified; a failed ping logs one line
# ("health ping failed: ...", the host at most) and never changes the code.
#
# Under systemd (LoadCredential=NAME:/etc/kzpool/NAME), every regular file in
# $CREDENTIALS_DIRECTORY whose name is a variable name (SUPABASE_SERVICE_KEY,
# KZPOOL_API_KEY, TELEGRAM_TOKEN, ...) sets that variable to its content (one
# trailing newline removed), as if the env file had set it; a name also set by
# the environment or the env file is bad settings (exit 2, naming it).
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
# Exit codes (final; nothing in 64..78, the sysexits range other tools read,
# but 75):
#   0       every stage succeeded
#   2       bad settings (nothing ran)
#   20 + N  only kzscrape failed, with its code N (1..19)
#   40 + N  only kzupload failed, with its code N
#   80 + N  only kznotify failed, with its code N (with another failure, that
#           one's code is the exit, and the log names both)
#   100 + N kzscrape and kzupload both failed; N is kzupload's code
#           (kzscrape's is in the log)
#   20, 40, 80, 100 alone: that stage did not end with a code of its own from
#           1 to 19: it reached its time limit, or died of a signal (the log
#           says which: "killed by signal 9 (SIGKILL: out of memory?)"), or
#           exited with another code (logged)
#   75      another run holds the lock (EX_TEMPFAIL; nothing ran)
#   130, 143 this script got SIGINT (Ctrl-C) or SIGTERM: the running stage
#           gets it too and records its run, and the stages after it do not
#           start
set -uo pipefail

# --- logging -------------------------------------------------------------------------------

log_format=plain
run_log=""  # every line logged, for the end ping's body
# JSON string escapes for the C0 controls (quoted replacements: bash 5.2's patsub_replacement
# reads & and \ in an unquoted one).
json_controls=()
json_escapes=()
for ((i = 1; i < 32; i++)); do
  printf -v code '%03o' "$i"
  printf -v char '%b' "\\0$code"
  json_controls+=("$char")
  case $i in
    8) json_escapes+=('\b') ;; 9) json_escapes+=('\t') ;; 10) json_escapes+=('\n') ;;
    12) json_escapes+=('\f') ;; 13) json_escapes+=('\r') ;;
    *) printf -v code '\\u%04x' "$i"; json_escapes+=("$code") ;;
  esac
done
unset i code char

# Prints $1 as a JSON string with its quotes. Bytes that are not UTF-8 are dropped.
json_string() {
  local s="$1" i LC_ALL=C
  if [[ $s == *[$'\x80'-$'\xff']* ]]; then
    s="$(printf '%s' "$s" | iconv -c -f UTF-8 -t UTF-8 2>/dev/null; printf .)"
    s="${s%.}"
  fi
  # shellcheck disable=SC1003 # a backslash, quoted
  s="${s//'\'/'\\'}"
  s="${s//'"'/'\"'}"
  if [[ $s == *[$'\x01'-$'\x1f']* ]]; then
    for i in "${!json_controls[@]}"; do s="${s//"${json_controls[$i]}"/"${json_escapes[$i]}"}"; done
  fi
  printf '"%s"' "$s"
}

# Writes one line to LOG_FILE (else stderr) and keeps it for the end ping.
write_log_line() {
  if [ -n "${LOG_FILE:-}" ]; then echo "$1" >>"$LOG_FILE"; else echo "$1" >&2; fi
  run_log+="$1"$'\n'
}

# One line of this script at level $1 (info, warn, error): plain "<time> run_scraper_and_upload:
# <message>", or with LOG_FORMAT=json one JSON object.
# The time is printf's (no fork per line); EPOCHREALTIME's separator follows the locale.
log_at() {
  local level="$1" now time; shift
  now="${EPOCHREALTIME//[!0-9]/}"
  if [ "$log_format" = json ]; then
    TZ=UTC0 printf -v time '%(%Y-%m-%dT%H:%M:%S)T.%sZ' "${now:0:${#now}-6}" "${now: -6:3}"
    write_log_line "{\"time\":\"$time\",\"level\":\"$level\",\"program\":\"run_scraper_and_upload\",\"pool\":null,\"message\":$(json_string "$*")}"
  elif [ -n "${JOURNAL_STREAM:-}" ] && [ -z "${LOG_FILE:-}" ]; then
    # Under systemd the journal stamps every line itself.
    write_log_line "run_scraper_and_upload: $*"
  else
    TZ=UTC0 printf -v time '%(%Y-%m-%dT%H:%M:%SZ)T' "${now:0:${#now}-6}"
    write_log_line "$time run_scraper_and_upload: $*"
  fi
}
log() { log_at info "$@"; }

# A line a stage wrote: JSON lines as they are (LOG_FORMAT=json), others as one of ours.
log_stage_line() {
  if [ "$log_format" = json ] && [[ $1 == '{'*'}' ]]; then write_log_line "$1"; else log_at warn "$1"; fi
}

# --- health pings --------------------------------------------------------------------------

# The variables every child may get (stage_environment), curl's among them.
common_names=(PATH HOME TZ LANG TMPDIR http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY
  no_proxy NO_PROXY SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE ASAN_OPTIONS UBSAN_OPTIONS
  LSAN_OPTIONS)
health_url=""  # set once HEALTHCHECK_URL is known to be usable
health_limit=10
run_id="$(cat /proc/sys/kernel/random/uuid 2>/dev/null)"

# Requests $health_url/$1 (start, or an exit code: then a POST of the run's log, its last
# 10 KB). curl reads the link from its standard input, so `ps` never shows it, and neither
# does the log (it holds the check's secret): a failure names the host only.
health_ping() {
  [ -n "$health_url" ] || return 0
  local what="$1" config body="" name error code environment=()
  for name in "${common_names[@]}"; do
    if [ -n "${!name+x}" ]; then environment+=("$name=${!name}"); fi
  done
  config="url = \"$health_url/$what${run_id:+?rid=$run_id}\""
  if [ "$what" != start ]; then
    body="$(mktemp)" || return 0
    printf '%s' "$run_log" | tail -c 10240 >"$body"
    config+=$'\n'"data-binary = \"@$body\""$'\n'"header = \"Content-Type: text/plain\""
  fi
  error="$(printf '%s\n' "$config" |
    LC_ALL=C timeout --kill-after=1 "$health_limit" env -i "${environment[@]}" \
      curl --disable --config - --silent --show-error --fail --output /dev/null \
      --max-time "$health_limit" --retry 2 --retry-connrefused --retry-delay 1 \
      --retry-max-time "$health_limit" 2>&1)"
  code=$?
  [ -n "$body" ] && rm -f "$body"
  [ $code -eq 0 ] && return 0
  if [ $code -eq 124 ] || [ $code -eq 137 ]; then error="time limit of ${health_limit}s reached"; fi
  error="${error##*$'\n'}"
  error="${error//"$health_url"/"$health_host"}"
  [ -n "$health_path" ] && error="${error//"$health_path"/...}"
  log_at warn "health ping failed: /$what to $health_host: ${error#curl: }"
}

# Pings the end with the exit code and exits with it.
finish() {
  health_ping "$1"
  exit "$1"
}

# Bad settings: one line, the /2 ping when the link is known, exit 2.
settings_error() {
  log_at error "error: $*"
  finish 2
}

# Takes HEALTHCHECK_URL and HEALTHCHECK_TIME_LIMIT once they are known: they must be an http(s)
# link without query, space, quote or backslash (curl's config quoting) and whole seconds.
take_health_settings() {
  health_url=""
  [ -n "${HEALTHCHECK_URL:-}" ] || return 0
  local limit="${HEALTHCHECK_TIME_LIMIT:-10}" url="${HEALTHCHECK_URL%/}"
  if ! [[ $url =~ ^https?://[^/?#[:space:][:cntrl:]\"\\]+(/[^?#[:space:][:cntrl:]\"\\]*)?$ ]]; then
    settings_error "HEALTHCHECK_URL must be an http:// or https:// link without query or spaces (e.g. https://hc-ping.com/<uuid>)"
  fi
  health_host="${url#*://}"
  health_host="${health_host%%/*}"
  health_host="${health_host##*@}"
  health_path="${url#*://*/}"
  [ "$health_path" = "$url" ] && health_path=""
  health_url="$url"
  if ! [[ $limit =~ ^[1-9][0-9]*$ ]]; then
    settings_error "HEALTHCHECK_TIME_LIMIT must be a whole number of seconds above 0, not '$limit'"
  fi
  health_limit="$limit"
}

# --- settings ------------------------------------------------------------------------------

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

# systemd credentials: the names first, so that one the environment or the env file also sets
# is found (it is named, its value never).
credential_names=()
declare -A in_environment=()
setting_errors=()
credentials_dir="${CREDENTIALS_DIRECTORY:-}"
if [ -n "$credentials_dir" ] && { [ ! -d "$credentials_dir" ] || [ ! -x "$credentials_dir" ]; }; then
  setting_errors+=("CREDENTIALS_DIRECTORY $credentials_dir is not a folder this user can read")
elif [ -n "$credentials_dir" ]; then
  for credential in "$credentials_dir"/*; do
    name="${credential##*/}"
    if [ ! -f "$credential" ] || ! [[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then continue; fi
    credential_names+=("$name")
    if [ -n "${!name+x}" ]; then
      in_environment[$name]=1
      setting_errors+=("$name is set both by the environment and by the credential $name")
    fi
  done
fi

if [ -n "$env_file" ]; then
  [ -r "$env_file" ] || settings_error "cannot read env file $env_file"
  # `.` looks a name without a slash up on PATH first.
  case "$env_file" in */*) ;; *) env_file="./$env_file" ;; esac
  # Not exported: each stage gets the names it needs (stage_environment).
  # shellcheck disable=SC1090
  . "$env_file"
fi

for name in "${credential_names[@]}"; do
  if [ -n "${!name+x}" ]; then
    [ -n "${in_environment[$name]:-}" ] ||
      setting_errors+=("$name is set both by $env_file and by the credential $name")
    continue
  fi
  if ! value="$(cat -- "$credentials_dir/$name" 2>/dev/null && printf .)"; then
    setting_errors+=("cannot read the credential $credentials_dir/$name")
    continue
  fi
  value="${value%.}"
  printf -v "$name" '%s' "${value%$'\n'}"
done
unset credential name value

case "${LOG_FORMAT:-plain}" in
  plain | json) log_format="${LOG_FORMAT:-plain}" ;;
  *) setting_errors+=("LOG_FORMAT must be plain or json, not '$LOG_FORMAT'") ;;
esac
take_health_settings
[ ${#setting_errors[@]} -eq 0 ] || settings_error "${setting_errors[0]}"

DB_PATH="${DB_PATH:-btcpool_data.db}"
LOCK_FILE="${LOCK_FILE:-$DB_PATH.lock}"
SCRAPE_TIME_LIMIT="${SCRAPE_TIME_LIMIT:-240}"
UPLOAD_TIME_LIMIT="${UPLOAD_TIME_LIMIT:-240}"
NOTIFY_TIME_LIMIT="${NOTIFY_TIME_LIMIT:-60}"
METRICS_TIME_LIMIT="${METRICS_TIME_LIMIT:-30}"
for limit_name in SCRAPE_TIME_LIMIT UPLOAD_TIME_LIMIT NOTIFY_TIME_LIMIT METRICS_TIME_LIMIT; do
  # timeout(1) takes 0 as "no limit".
  if ! [[ ${!limit_name} =~ ^[1-9][0-9]*$ ]]; then
    settings_error "$limit_name must be a whole number of seconds above 0, not '${!limit_name}'"
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
  settings_error "kzscrape or kzupload not found (install the package, set KZ_BIN_DIR, or run scripts/build.sh in a checkout)"
fi
kznotify=""
if [ -n "${NOTIFY_CONFIG:-}" ]; then
  kznotify="$(find_binary kznotify)"
  if [ -z "$kznotify" ]; then
    settings_error "NOTIFY_CONFIG is set but kznotify is not found (install the package, set KZ_BIN_DIR, or run scripts/build.sh in a checkout)"
  fi
  if [ ! -r "$NOTIFY_CONFIG" ]; then
    settings_error "cannot read NOTIFY_CONFIG $NOTIFY_CONFIG"
  fi
fi
kzreport=""
[ -n "${METRICS_FILE:-}" ] && kzreport="$(find_binary kzreport)"
if [ -z "${OBSERVER_URL:-}" ] && [ -z "${KZ_CONFIG:-}" ]; then
  settings_error "set OBSERVER_URL (one pool) or KZ_CONFIG (a pools file)"
fi
if [ -n "${KZ_CONFIG:-}" ] && [ ! -r "$KZ_CONFIG" ]; then
  settings_error "cannot read KZ_CONFIG $KZ_CONFIG (copy /usr/share/doc/kzpool/examples/pools.json there, or set OBSERVER_URL for one pool)"
fi
if [ -z "${KZ_CONFIG:-}" ] && [ -z "${ACCOUNT_NAME:-}" ]; then
  settings_error "set ACCOUNT_NAME, the pool's account name in Supabase (e.g. KZPool_001)"
fi

if ! { exec 9>>"$LOCK_FILE"; } 2>/dev/null; then
  settings_error "cannot open lock file $LOCK_FILE: does its folder exist, writable by $(id -un)? (LOCK_FILE sets another place)"
fi
if ! flock --nonblock 9; then
  log_at warn "skipped: another run holds $LOCK_FILE"
  exit 75
fi
health_ping start

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
mapfile -t locale_names < <(compgen -v LC_)
scrape_names=("${common_names[@]}" "${locale_names[@]}" KZPOOL_API_KEY)
[ -z "${KZ_CONFIG:-}" ] && scrape_names+=(OBSERVER_URL)
upload_names=("${common_names[@]}" "${locale_names[@]}" SUPABASE_URL SUPABASE_SERVICE_KEY)
notify_names=("${common_names[@]}" "${locale_names[@]}")
metrics_names=("${common_names[@]}" "${locale_names[@]}")
for name in ${SCRAPE_ENV_PASS:-} ${UPLOAD_ENV_PASS:-} ${NOTIFY_ENV_PASS:-}; do
  if ! [[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
    settings_error "'$name' in SCRAPE_ENV_PASS, NOTIFY_ENV_PASS or UPLOAD_ENV_PASS is not a variable name"
  fi
done
for name in ${NOTIFY_ENV_PASS:-}; do
  if [ "$name" = SUPABASE_SERVICE_KEY ] || [ "$name" = KZPOOL_API_KEY ]; then
    settings_error "NOTIFY_ENV_PASS names $name; kznotify never needs it"
  fi
  notify_names+=("$name")
done
for name in ${SCRAPE_ENV_PASS:-}; do
  if [ "$name" = SUPABASE_SERVICE_KEY ]; then
    settings_error "SCRAPE_ENV_PASS names SUPABASE_SERVICE_KEY; only kzupload gets it"
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
# shellcheck disable=SC2317 # called by the traps
on_signal() {
  interrupted="$1"
  if [ -n "$stage_pid" ]; then kill -s "$1" "$stage_pid" 2>/dev/null; fi
}
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
# A signal that came between two stages: the next one does not start.
stop_if_interrupted() {
  [ -n "$interrupted" ] || return 0
  log_at error "$1: not started: interrupted by SIG$interrupted; stopping"
  finish $((128 + $(kill -l "$interrupted")))
}
log_format_args=()
[ "$log_format" = json ] && log_format_args=(--log-format json)

# Runs one stage under its time limit with its own environment. Its own
# warnings and errors (already one line each, never a key) are passed on with a
# timestamp, then one line says how the stage ended. Returns the stage's code
# when it is one of its own (0..19), else 100 (it did not finish: time limit,
# signal, or a code outside that range).
run_stage() {
  local name="$1" limit="$2" env_name="$3"; shift 3
  local -n stage_env="$env_name"
  local started code line timed_out=0
  stop_if_interrupted "$name"
  started=$EPOCHSECONDS
  # timeout runs in C locale so that its "sending signal" line can be
  # recognised. It runs in the background so that a trapped signal reaches it;
  # `wait 2>/dev/null` keeps bash's "Killed" notice for a stage that died of a
  # signal out of the log.
  LC_ALL=C timeout --verbose --kill-after=10 "$limit" \
    env -i "${stage_env[@]}" "$@" --quiet "${log_format_args[@]}" >/dev/null 2>"$stage_errors" &
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
      log_stage_line "$line"
    fi
  done <"$stage_errors"
  local took=$((EPOCHSECONDS - started))
  if [ -n "$interrupted" ]; then
    log_at error "$name: interrupted by SIG$interrupted after ${took}s; stopping"
    finish $((128 + $(kill -l "$interrupted")))
  fi
  if [ $timed_out -eq 1 ]; then
    log_at error "$name: failed: time limit of ${limit}s reached"
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
    log_at error "$name: failed: killed by signal $signal ($signal_name) after ${took}s"
    return 100
  fi
  log_at error "$name: failed with exit code $code (${took}s)"
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
    log_at warn "kzreport metrics: failed: kzreport not found (set KZ_BIN_DIR or run scripts/build.sh); $METRICS_FILE not written"
    return 0
  fi
  local code error
  LC_ALL=C timeout --kill-after=10 "$METRICS_TIME_LIMIT" \
    env -i "${metrics_env[@]}" "$kzreport" metrics --db "$DB_PATH" --out "$METRICS_FILE" \
    "${log_format_args[@]}" >/dev/null 2>"$stage_errors" &
  stage_pid=$!
  while :; do
    wait "$stage_pid" 2>/dev/null
    code=$?
    kill -0 "$stage_pid" 2>/dev/null || break
  done
  stage_pid=""
  if [ -n "$interrupted" ]; then
    log_at error "kzreport metrics: interrupted by SIG$interrupted; stopping"
    finish $((128 + $(kill -l "$interrupted")))
  fi
  [ "$code" -eq 0 ] && return 0
  error="$(grep -v '^timeout: ' "$stage_errors" | tail -n 1)"
  # A JSON line's message, as text (LOG_FORMAT=json).
  if [[ $error =~ \"message\":\"(([^\"\\]|\\.)*)\" ]]; then error="${BASH_REMATCH[1]}"; fi
  if [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; then
    error="time limit of ${METRICS_TIME_LIMIT}s reached"
  fi
  log_at warn "kzreport metrics: failed with exit code $code${error:+: $error}; $METRICS_FILE not updated"
}
write_metrics

# A stage that did not finish (100) counts as failed and adds nothing to the band.
stage_code() { [ "$1" -eq 100 ] && echo 0 || echo "$1"; }
if [ $scrape_code -eq 0 ] && [ $upload_code -eq 0 ] && [ $notify_code -eq 0 ]; then
  finish 0
elif [ $scrape_code -eq 0 ] && [ $upload_code -eq 0 ]; then
  finish $((80 + $(stage_code $notify_code)))
elif [ $upload_code -eq 0 ]; then
  finish $((20 + $(stage_code $scrape_code)))
elif [ $scrape_code -eq 0 ]; then
  finish $((40 + $(stage_code $upload_code)))
else
  finish $((100 + $(stage_code $upload_code)))
fi
