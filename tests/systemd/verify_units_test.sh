#!/usr/bin/env bash
# The units as systemd reads them, without a running systemd:
#  1. `systemd-analyze verify` of kzpool.service and kzpool.timer, as the package installs them,
#     prints nothing at all (every warning fails);
#  2. `systemd-analyze security --offline=true` rates kzpool.service at most MAX_EXPOSURE, and
#     every hardening line of the unit counts: a copy without it passes fewer of its checks;
#  3. the timer fires every 10 minutes;
#  4. systemd-sysusers creates the kzpool system user and group from kzpool.conf.
#  5. systemd-tmpfiles creates /var/lib/kzpool for that user from packaging/tmpfiles/kzpool.conf.
#
#   verify_units_test.sh SOURCE_DIR SCRATCH_DIR
#
# The units are checked in a scratch root (--root) holding the host's own units (sysinit.target
# and friends), ours at /lib/systemd/system and a copy of the real wrapper at the ExecStart path,
# so the unit file is checked byte for byte, ExecStart included. --man=no: the Documentation=
# pages are installed by the package (tests/package checks them with man -l), not on this host.
# Exit 0 pass, 1 fail, 77 skip (no systemd-analyze).
set -euo pipefail

# Measured on systemd 252 (Debian 12): 3.6 "OK". Lower it when the unit gets stricter.
MAX_EXPOSURE=3.6

source_dir="$1" scratch_parent="$2"
units="$source_dir/packaging/systemd"
fail() { echo "FAIL: $*" >&2; exit 1; }

if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: no systemd-analyze (apt install systemd)"
  exit 77
fi
mkdir -p "$scratch_parent"
scratch="$(mktemp -d "$scratch_parent/verify_units.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

# A root holding the host's units, ours and the wrapper where the package puts them.
make_root() {
  local root="$1"
  mkdir -p "$root/lib/systemd" "$root/usr/lib/kzpool" "$root/etc"
  cp -a /lib/systemd/system "$root/lib/systemd/"
  cp "$units/kzpool.service" "$units/kzpool.timer" "$root/lib/systemd/system/"
  install -m 0755 "$source_dir/scripts/run_scraper_and_upload.sh" "$root/usr/lib/kzpool/"
}
verify() { # ROOT: systemd-analyze verify's whole output, exit status kept
  timeout 60 systemd-analyze verify --man=no --root="$1" kzpool.service kzpool.timer 2>&1
}
passed_checks() { # ROOT: the names of the security checks kzpool.service passes, one a line
  timeout 60 systemd-analyze security --offline=true --no-pager --json=short --root="$1" \
    kzpool.service 2>/dev/null |
    python3 -c 'import json, sys; print("\n".join(c["name"] for c in json.load(sys.stdin) if c["set"]))'
}
exposure() { # ROOT: the overall exposure score of kzpool.service
  timeout 60 systemd-analyze security --offline=true --no-pager --root="$1" kzpool.service 2>/dev/null |
    sed -n 's/.*Overall exposure level for kzpool.service: \([0-9.]*\).*/\1/p'
}

root="$scratch/root"
make_root "$root"

# 1. verify: silent and successful.
if ! output="$(verify "$root")" || [ -n "$output" ]; then
  fail "systemd-analyze verify is not silent:"$'\n'"$output"
fi
echo "systemd-analyze verify: no warnings"
# ... and it does see our files: a misspelt key and a missing ExecStart are reported.
sed -i 's/^Persistent=true$/Persistant=true/' "$root/lib/systemd/system/kzpool.timer"
grep -q "Unknown key 'Persistant'" <<<"$(verify "$root")" || fail "verify missed a misspelt key"
cp "$units/kzpool.timer" "$root/lib/systemd/system/"
mv "$root/usr/lib/kzpool/run_scraper_and_upload.sh" "$scratch/wrapper"
grep -q "run_scraper_and_upload.sh is not executable" <<<"$(verify "$root")" ||
  fail "verify missed a missing ExecStart binary"
mv "$scratch/wrapper" "$root/usr/lib/kzpool/run_scraper_and_upload.sh"

# 2. security: at most MAX_EXPOSURE, and each hardening line passes a check of its own.
score="$(exposure "$root")"
[ -n "$score" ] || fail "no exposure score from systemd-analyze security"
echo "systemd-analyze security: kzpool.service exposure $score (at most $MAX_EXPOSURE)"
awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s <= m) }' ||
  fail "exposure $score is above $MAX_EXPOSURE"
passed="$(passed_checks "$root")"
echo "  $(wc -l <<<"$passed") checks passed"
hardening='^(Protect[A-Za-z]*|Private[A-Za-z]*|NoNewPrivileges|Restrict[A-Za-z]*|LockPersonality|SystemCallArchitectures|CapabilityBoundingSet|RemoveIPC)='
mapfile -t lines < <(grep -E "$hardening" "$units/kzpool.service")
[ "${#lines[@]}" -ge 20 ] || fail "only ${#lines[@]} hardening lines in kzpool.service"
for line in "${lines[@]}"; do
  grep -vxF -- "$line" "$units/kzpool.service" >"$root/lib/systemd/system/kzpool.service"
  lost="$(comm -23 <(sort <<<"$passed") <(passed_checks "$root" | sort) | paste -sd' ')"
  [ -n "$lost" ] || fail "without '$line' kzpool.service passes the same checks: the line does nothing"
  echo "  without $line it fails: $lost"
done
cp "$units/kzpool.service" "$root/lib/systemd/system/"

# 3. the timer: every 10 minutes, on the minute.
timer_setting() { sed -n "s/^$1=//p" "$units/kzpool.timer"; }
calendar="$(timer_setting OnCalendar)"
mapfile -t next < <(TZ=UTC timeout 10 systemd-analyze calendar --iterations=4 "$calendar" |
  sed -nE 's/^ *(Next elapse|Iter\. #[0-9]+): [A-Za-z]+ ([0-9-]+ [0-9:]+) UTC$/\2/p')
[ "${#next[@]}" -eq 4 ] || fail "systemd-analyze calendar gave ${#next[@]} times for '$calendar'"
for i in 1 2 3; do
  gap=$(($(date -ud "${next[$i]}" +%s) - $(date -ud "${next[$((i - 1))]}" +%s)))
  [ "$gap" -eq 600 ] || fail "'$calendar' fires ${next[$((i - 1))]} then ${next[$i]}, not 10 min apart"
done
[ "$(date -ud "${next[0]}" +%S)" = 00 ] || fail "'$calendar' does not fire on the minute"
[ "$(timer_setting Persistent)" = true ] || fail "the timer is not Persistent=true"
delay="$(timer_setting RandomizedDelaySec)"
[[ $delay =~ ^[0-9]+$ ]] && [ "$delay" -gt 0 ] && [ "$delay" -le 60 ] ||
  fail "RandomizedDelaySec=$delay: must be 1 to 60 s, runs every 10 min take up to 9"
echo "kzpool.timer: $calendar fires ${next[*]}"

# 4. sysusers: a system user and group kzpool, home /var/lib/kzpool, no login.
sysroot="$scratch/sysroot"
mkdir -p "$sysroot/etc"
timeout 30 systemd-sysusers --root="$sysroot" "$source_dir/packaging/sysusers/kzpool.conf"
entry="$(grep '^kzpool:' "$sysroot/etc/passwd")" || fail "systemd-sysusers made no kzpool user"
IFS=: read -r name _ uid gid gecos home shell <<<"$entry"
group_gid="$(awk -F: '$1 == "kzpool" { print $3 }' "$sysroot/etc/group")"
[ "$gid" = "$group_gid" ] || fail "kzpool's group id $gid is not the kzpool group's ($group_gid)"
[ "$uid" -ge 1 ] && [ "$uid" -le 999 ] || fail "kzpool's uid $uid is not a system uid (1 to 999)"
[ "$home" = /var/lib/kzpool ] || fail "kzpool's home is $home"
[ "$shell" = /usr/sbin/nologin ] || fail "kzpool's shell is $shell"
echo "sysusers: $name uid $uid gid $gid \"$gecos\" $home $shell"

# 5. tmpfiles: the state folder exists without systemd running the service (cron, by hand),
# owned by that user, mode 0750.
timeout 30 systemd-tmpfiles --root="$sysroot" --create "$source_dir/packaging/tmpfiles/kzpool.conf"
state="$(stat -c '%a %u %g' "$sysroot/var/lib/kzpool" 2>/dev/null)" ||
  fail "systemd-tmpfiles made no /var/lib/kzpool"
[ "$state" = "750 $uid $gid" ] || fail "/var/lib/kzpool is '$state' (mode uid gid), not '750 $uid $gid'"
echo "tmpfiles: /var/lib/kzpool $state"
echo "PASS"
