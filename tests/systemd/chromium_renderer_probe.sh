#!/usr/bin/env bash
# Starts headless Chromium on about:blank, waits for its first renderer and prints that
# renderer's sandbox state; exit 0 only when the renderer runs under seccomp-bpf ("Seccomp: 2")
# in a PID namespace of its own (NSpid lists more than one id): Chromium's sandbox is on.
# Run by chromium_sandbox_test.sh inside the unit's emulated sandbox. Bounded: 30 s.
set -uo pipefail
profile="$(mktemp -d)"
/usr/bin/chromium --headless --disable-gpu --disable-dev-shm-usage --no-first-run \
  --user-data-dir="$profile" --remote-debugging-port=0 about:blank 2>/dev/null &
chromium_pid=$!
trap 'kill "$chromium_pid" 2>/dev/null; wait "$chromium_pid" 2>/dev/null; rm -rf "$profile"' EXIT
for _ in $(seq 300); do
  for proc in /proc/[0-9]*; do
    cmdline="$(tr '\0' ' ' 2>/dev/null <"$proc/cmdline")" || continue
    case "$cmdline" in *--type=renderer*) ;; *) continue ;; esac
    status="$(cat "$proc/status" 2>/dev/null)" || continue
    seccomp="$(awk '$1 == "Seccomp:" { print $2 }' <<<"$status")"
    pid_ids="$(awk '$1 == "NSpid:" { print NF - 1 }' <<<"$status")"
    echo "renderer ${proc#/proc/}: Seccomp $seccomp, NSpid ids $pid_ids, $(grep '^Uid:' <<<"$status")"
    [ "$seccomp" = 2 ] && [ "${pid_ids:-0}" -gt 1 ] && exit 0
    echo "the renderer is not sandboxed" >&2
    exit 1
  done
  kill -0 "$chromium_pid" 2>/dev/null || { echo "Chromium exited before a renderer started" >&2; exit 1; }
  sleep 0.1
done
echo "no renderer within 30 s" >&2
exit 1
