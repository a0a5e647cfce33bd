#!/usr/bin/env bash
# The packaged examples (packaging/examples) are accepted by the real programs that read them:
#  - pools.json: kzscrape --config runs every enabled pool (each fetch fails against a closed
#    127.0.0.1 proxy port: exit 9, no configuration error), the disabled Antpool account
#    passes its credentials check under --account, kzupload --config --dry-run accepts it; and
#    a copy with an unknown key in any one pool is refused (exit 2, naming that pool);
#  - notify.json: kznotify --config --dry-run accepts it when the token_env/url_env variables are
#    set, refuses it naming each one when it is not; it has every destination type promised;
#  - kzpool.env: bash reads it under set -eu; it names every setting the wrapper reads, with the
#    wrapper's defaults; it sets no secret.
#
#   examples_test.sh SOURCE_DIR KZSCRAPE KZUPLOAD KZNOTIFY SCRATCH_DIR
# Exit 0 pass, 1 fail. Network: 127.0.0.1 only, every run bounded by timeout.
set -euo pipefail

source_dir="$1" kzscrape="$2" kzupload="$3" kznotify="$4" scratch_parent="$5"
examples="$source_dir/packaging/examples"
wrapper="$source_dir/scripts/run_scraper_and_upload.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$scratch_parent"
scratch="$(mktemp -d "$scratch_parent/examples.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"

# A port nothing listens on, as the proxy: every https fetch fails at once, locally.
closed_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
offline=(env -u no_proxy -u NO_PROXY "https_proxy=http://127.0.0.1:$closed_port"
  "HTTPS_PROXY=http://127.0.0.1:$closed_port" "http_proxy=http://127.0.0.1:$closed_port")
# Fake secrets, long enough that redaction of them cannot hide a word of an error line.
fake_env=(ANTPOOL_KEY=fake-antpool-key-0123456789abcdef ANTPOOL_SECRET=fake-antpool-secret-0123456789
  TELEGRAM_TOKEN=123456:fake-telegram-token-0123456789 "KZPOOL_WEBHOOK_URL=http://127.0.0.1:$closed_port/hook"
  "SUPABASE_URL=http://127.0.0.1:$closed_port" SUPABASE_SERVICE_KEY=fake-service-key-0123456789abcdef)

run() { # EXPECTED_CODE LOG COMMAND...: runs COMMAND (60 s at most), fails unless it exits EXPECTED_CODE
  local expected="$1" log="$2" code=0
  shift 2
  timeout 60 "$@" >"$log" 2>&1 || code=$?
  [ "$code" -eq "$expected" ] || { cat "$log"; fail "exit $code, not $expected: ${*: -8}"; }
}

# --- pools.json -----------------------------------------------------------------------------
pools="$examples/pools.json"
mapfile -t enabled < <(python3 -c '
import json, sys
for p in json.load(open(sys.argv[1]))["pools"]:
    if p.get("enabled", True): print(p["account_name"])' "$pools")
mapfile -t antpool < <(python3 -c '
import json, sys
for p in json.load(open(sys.argv[1]))["pools"]:
    if p.get("source") == "antpool": print(p["account_name"])' "$pools")
[ "${#enabled[@]}" -ge 2 ] && [ "${#antpool[@]}" -ge 1 ] ||
  fail "pools.json should show two btcpool.kz pools and an Antpool account"

run 9 scrape.log "${offline[@]}" "$kzscrape" --config "$pools" --db cache.db --retries 0 --timeout 5
grep -q "${#enabled[@]} of ${#enabled[@]} pools failed" scrape.log || { cat scrape.log; fail "not every enabled pool ran"; }
for account in "${enabled[@]}"; do
  grep -q "error: $account: fetching https://btcpool.kz/" scrape.log || fail "pool $account did not run"
done
grep -q "pools.json:" scrape.log && fail "kzscrape found an error in pools.json: $(cat scrape.log)"
for account in "${antpool[@]}"; do
  run 3 "antpool_$account.log" "${offline[@]}" "${fake_env[@]}" "$kzscrape" --config "$pools" \
    --db cache.db --account "$account" --dry-run --retries 0 --timeout 5
  grep -q "calling Antpool" "antpool_$account.log" || fail "no Antpool call for $account"
done
run 0 upload.log "${offline[@]}" "${fake_env[@]}" "$kzupload" --config "$pools" --db cache.db --dry-run
echo "pools.json: kzscrape ran ${enabled[*]} (fetches refused locally), ${antpool[*]} passed its credentials check; kzupload accepts it"

# Generated variants: an unknown key in each pool in turn is refused, naming that pool.
count="$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["pools"]))' "$pools")"
for ((i = 0; i < count; i++)); do
  python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); d["pools"][int(sys.argv[2])]["acount_name"] = "x"
json.dump(d, open(sys.argv[3], "w"), indent=1)' "$pools" "$i" bad_pools.json
  run 2 bad.log "${offline[@]}" "$kzscrape" --config bad_pools.json --db cache.db --retries 0 --timeout 5
  grep -q "bad_pools.json:[0-9]*:[0-9]*: unknown key 'acount_name' in pool $((i + 1))" bad.log ||
    { cat bad.log; fail "the unknown key in pool $((i + 1)) was not named"; }
done

# --- notify.json ----------------------------------------------------------------------------
notify="$examples/notify.json"
types="$(python3 -c 'import json, sys; print(" ".join(sorted({d["type"] for d in json.load(open(sys.argv[1]))["notify"]["destinations"]})))' "$notify")"
[ "$types" = "email ntfy telegram webhook" ] || fail "notify.json has destinations '$types'"
run 0 notify.log env "${fake_env[@]}" "$kznotify" --config "$notify" --db cache.db --dry-run
mapfile -t secret_names < <(python3 -c '
import json, sys
for d in json.load(open(sys.argv[1]))["notify"]["destinations"]:
    for k, v in d.items():
        if k.endswith("_file"): sys.exit("destination %s reads a file (%s): use *_env" % (d["name"], k))
        if k.endswith("_env"): print(v)' "$notify")
[ "${#secret_names[@]}" -ge 2 ] || fail "notify.json takes fewer than two secrets from the environment"
for name in "${secret_names[@]}"; do
  without=()
  for assignment in "${fake_env[@]}"; do [[ $assignment == "$name="* ]] || without+=("$assignment"); done
  run 2 "notify_$name.log" env -u "$name" "${without[@]}" "$kznotify" --config "$notify" \
    --db cache.db --dry-run
  grep -q "variable $name .* is not set" "notify_$name.log" || { cat "notify_$name.log"; fail "$name not named"; }
done
echo "notify.json: destinations $types accepted; secrets from ${secret_names[*]}"

# --- kzpool.env -----------------------------------------------------------------------------
env_file="$examples/kzpool.env"
env -i bash -c 'set -euo pipefail; . "$1"' _ "$env_file" || fail "bash cannot read kzpool.env"
# Every setting the wrapper reads, plus the agreed new ones and the secrets it passes on.
mapfile -t settings < <({
  grep -oE '\$\{[A-Z][A-Z0-9_]*(:-|\})' "$wrapper" | sed -E 's/^\$\{([A-Z0-9_]+).*/\1/'
  printf '%s\n' SUPABASE_URL SUPABASE_SERVICE_KEY KZPOOL_API_KEY HEALTHCHECK_URL LOG_FORMAT
} | grep -vxE 'CREDENTIALS_DIRECTORY|JOURNAL_STREAM|PATH|HOME|TMPDIR|TERM|NO_COLOR' | sort -u)
for name in "${settings[@]}"; do
  grep -qE "^#?$name=" "$env_file" || fail "kzpool.env does not mention $name"
done
# The defaults it shows are the wrapper's.
while read -r name default; do
  grep -qx "#$name=$default" "$env_file" || fail "kzpool.env does not show $name=$default, the wrapper's default"
done < <(grep -oE '\$\{[A-Z][A-Z0-9_]*:-[0-9]+\}' "$wrapper" | sed -E 's/^\$\{([A-Z0-9_]+):-([0-9]+)\}/\1 \2/' | sort -u)
# No secret is set by the example, only shown commented.
if grep -nE '^[A-Z0-9_]*(KEY|TOKEN|SECRET|PASSWORD|WEBHOOK_URL)=' "$env_file"; then
  fail "kzpool.env sets a secret (above); leave them commented"
fi
grep -qx "KZ_CONFIG=/etc/kzpool/pools.json" "$env_file" || fail "kzpool.env does not use /etc/kzpool/pools.json"
echo "kzpool.env: names ${#settings[@]} settings, the wrapper's defaults, no secret set"
echo PASS
