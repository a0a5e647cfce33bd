#!/usr/bin/env bash
# Runs a command the way systemd would run kzpool.service's ExecStart, for hosts where PID 1 is
# not systemd: the file system sandbox the unit asks for, emulated in a new mount namespace
# (unshare), then its user, umask, capabilities and no_new_privs (setpriv).
#
#   unit_sandbox.sh UNIT_FILE STATE_SOURCE UID GID -- COMMAND [ARG...]
#
# UNIT_FILE: the .service file; only the settings below are read from it, and each one the unit
#   does not set is not applied: ProtectSystem=strict, ProtectHome=yes, PrivateTmp=yes,
#   PrivateDevices=yes, StateDirectory=NAME, WorkingDirectory=, Environment=, UMask=,
#   NoNewPrivileges=yes, CapabilityBoundingSet= (empty), RestrictAddressFamilies= (an allow
#   list) and SystemCallArchitectures=native (seccomp_exec.py). %S expands to /var/lib.
# STATE_SOURCE: a folder (outside /tmp) that becomes /var/lib/NAME, read-write, as systemd's
#   StateDirectory= bind mount; it must be owned by UID.
# UID, GID: who runs COMMAND (the unit's User=/Group=, which need not exist on this host).
# COMMAND runs with only PATH and the unit's Environment= set.
# KZ_UNIT_SANDBOX_KEEP: colon-separated host paths under /tmp that stay visible under
#   PrivateTmp= (the checkout, build and scratch folders when they live in /tmp, as in a CI
#   clone); the checkout holding this script and the unit file's folder are always kept.
# Must run as root. Exit: COMMAND's code; 125 when the sandbox cannot be set up (message on
# stderr, "unshare refused" when the kernel or container forbids mount namespaces).
set -euo pipefail

if [ $# -lt 6 ] || [ "$5" != "--" ]; then
  echo "usage: $0 UNIT_FILE STATE_SOURCE UID GID -- COMMAND [ARG...]" >&2
  exit 125
fi
unit="$1" state_source="$2" uid="$3" gid="$4"
shift 5

# The last value of KEY in the unit's [Service] section ("" when unset), as systemd reads it.
setting() {
  awk -v key="$1" '
    /^\[/ { in_service = ($0 == "[Service]") }
    in_service && index($0, key "=") == 1 { value = substr($0, length(key) + 2); found = 1 }
    END { if (found) print value }' "$unit"
}
# Every value of KEY in [Service], one per line (Environment= lines add up).
settings() {
  awk -v key="$1" '
    /^\[/ { in_service = ($0 == "[Service]") }
    in_service && index($0, key "=") == 1 { print substr($0, length(key) + 2) }' "$unit"
}
expand() { local v="${1//%S//var/lib}"; echo "${v//%%/%}"; }

if [ -z "${KZ_UNIT_SANDBOX_INSIDE:-}" ]; then
  if ! unshare --mount --fork true 2>/dev/null; then
    echo "unit_sandbox: unshare refused (no mount namespaces here)" >&2
    exit 125
  fi
  # Mount points for the namespace's own use, empty on the host and removed after.
  staging="$(mktemp -d /run/kz_unit_sandbox.XXXXXX)"
  mkdir "$staging/var_lib" "$staging/dev" "$staging/host_tmp"
  code=0
  env KZ_UNIT_SANDBOX_INSIDE="$staging" unshare --mount --fork "$0" "$unit" "$state_source" \
    "$uid" "$gid" -- "$@" || code=$?
  # rmdir, not rm -rf: never recurse into what might be a mount.
  rmdir "$staging/var_lib" "$staging/dev" "$staging/host_tmp" "$staging"
  exit "$code"
fi
staging="$KZ_UNIT_SANDBOX_INSIDE"

# Inside the new mount namespace: nothing below is seen by the host.
mount --make-rprivate /
writable=(/proc /sys /dev)

state="$(setting StateDirectory)"
if [ -n "$state" ]; then
  # /var/lib/NAME need not exist on the host: a tmpfs /var/lib with the host's entries bound back.
  host_var_lib="$staging/var_lib"
  mount --bind /var/lib "$host_var_lib"
  mount -t tmpfs -o mode=0755 tmpfs /var/lib
  for entry in "$host_var_lib"/*; do
    [ -e "$entry" ] || continue
    target="/var/lib/$(basename "$entry")"
    if [ -d "$entry" ]; then mkdir "$target"; else touch "$target"; fi
    mount --bind "$entry" "$target"
  done
  mkdir -p "/var/lib/$state"
  mount --bind "$state_source" "/var/lib/$state"
  writable+=("/var/lib/$state")
fi
if [ "$(setting ProtectHome)" = yes ]; then
  for dir in /home /root /run/user; do
    [ -d "$dir" ] && mount -t tmpfs -o mode=0000,ro tmpfs "$dir"
  done
fi
if [ "$(setting PrivateTmp)" = yes ]; then
  # What the test itself runs from must survive the private /tmp: bound back from the host's.
  keep=("$(readlink -f "$(dirname "$0")/../..")" "$(readlink -f "$(dirname "$unit")")")
  IFS=: read -r -a extra <<<"${KZ_UNIT_SANDBOX_KEEP:-}"
  for path in "${extra[@]}"; do [ -n "$path" ] && keep+=("$(readlink -f "$path")"); done
  mount --bind /tmp "$staging/host_tmp"
  mount -t tmpfs -o mode=1777 tmpfs /tmp
  for path in "${keep[@]}"; do
    case "$path" in
      /tmp/?*)
        mkdir -p "$path"
        mount --bind "$staging/host_tmp/${path#/tmp/}" "$path"
        ;;
    esac
  done
  mount -t tmpfs -o mode=1777 tmpfs /var/tmp
  writable+=(/tmp /var/tmp)
fi
if [ "$(setting PrivateDevices)" = yes ]; then
  # Only the pseudo devices, as systemd's PrivateDevices= leaves them.
  new_dev="$staging/dev"
  mount -t tmpfs -o mode=0755 tmpfs "$new_dev"
  for node in null zero full random urandom tty; do
    touch "$new_dev/$node"
    mount --bind "/dev/$node" "$new_dev/$node"
  done
  mkdir "$new_dev/shm" "$new_dev/pts"
  mount -t tmpfs -o mode=1777 tmpfs "$new_dev/shm"
  ln -s /proc/self/fd "$new_dev/fd"
  ln -s /proc/self/fd/0 "$new_dev/stdin"
  ln -s /proc/self/fd/1 "$new_dev/stdout"
  ln -s /proc/self/fd/2 "$new_dev/stderr"
  mount --move "$new_dev" /dev
fi
if [ "$(setting ProtectSystem)" = strict ]; then
  # Every mount read-only but the API file systems and the writable ones above.
  while read -r target; do
    target="$(printf '%b' "$target")"
    keep=""
    for dir in "${writable[@]}"; do
      case "$target" in "$dir" | "$dir"/*) keep=1 ;; esac
    done
    [ -n "$keep" ] || mount -o remount,bind,ro "$target" 2>/dev/null ||
      mount -o remount,ro "$target" ||
      { echo "unit_sandbox: cannot make $target read-only" >&2; exit 125; }
  done < <(awk '{ print $5 }' /proc/self/mountinfo)
fi

environment=(PATH=/usr/local/bin:/usr/bin:/bin)
for assignment in $(settings Environment); do environment+=("$(expand "$assignment")"); done
workdir="$(expand "$(setting WorkingDirectory)")"
umask_value="$(setting UMask)"
privileges=(--reuid="$uid" --regid="$gid" --clear-groups)
[ "$(setting NoNewPrivileges)" = yes ] && privileges+=(--no-new-privs)
if grep -qx 'CapabilityBoundingSet=' <(sed -n '/^\[Service\]/,/^\[/p' "$unit"); then
  privileges+=(--bounding-set=-all --inh-caps=-all)
fi
# The two seccomp settings that decide what Chromium may do (seccomp_exec.py).
seccomp=()
families="$(setting RestrictAddressFamilies)"
if [ -n "$families" ]; then
  [ "${families#\~}" = "$families" ] || { echo "unit_sandbox: a deny list (~) is not emulated" >&2; exit 125; }
  seccomp+=(--families "$(tr ' ' ',' <<<"$families")")
fi
[ "$(setting SystemCallArchitectures)" = native ] && seccomp+=(--native)
if [ "${#seccomp[@]}" -gt 0 ]; then
  seccomp=(/usr/bin/python3 "$(dirname "$(readlink -f "$0")")/seccomp_exec.py" "${seccomp[@]}" --)
fi
[ -n "$umask_value" ] && umask "$umask_value"
cd "${workdir:-/}"
exec "${seccomp[@]}" setpriv "${privileges[@]}" env -i "${environment[@]}" "$@"
