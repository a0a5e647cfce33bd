#!/usr/bin/env bash
# Checks a kzpool .deb (issue 15): check_package.sh [--no-lintian] <kzpool_<version>_amd64.deb>
#   lintian   zero errors (E:), and every warning (W:) tag named in README "Packaging notes";
#   control   Depends from dpkg-shlibdeps (libc6, libstdc++6, libcurl, libsqlite3, libgumbo)
#             plus what the wrapper calls; Recommends chromium and gnuplot;
#   contents  every agreed path, nothing under /usr/local, /opt or a build path, root:root,
#             binaries and wrapper 0755, other files 0644, directories 0755;
#   unpacked  (dpkg-deb -x into a scratch root) binaries stripped, each one's --version is
#             "<prog> <package version> (git <rev>)", `man -l` renders every page without a
#             warning, the wrapper answers --help, each completion file loads in bash.
# Each check prints one "ok: ..." or "FAIL: ..." line; exit 1 when any failed, 2 on bad usage.
# tests/package/self_test.sh proves the checks fail on broken copies of the package.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
programs=(kzscrape kzupload kznotify kzreport)
lintian_on=1
if [ "${1:-}" = "--no-lintian" ]; then
  lintian_on=0
  shift
fi
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
  echo "usage: check_package.sh [--no-lintian] <kzpool .deb> (a file)" >&2
  exit 2
fi
deb="$(realpath "$1")"
failed=0
ok() { echo "ok: $*"; }
fail() {
  echo "FAIL: $*"
  failed=1
}
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

version="$(dpkg-deb -f "$deb" Version 2>/dev/null)"
if [ -z "$version" ]; then
  echo "FAIL: dpkg-deb cannot read the control file of $deb"
  exit 1
fi

# --- lintian -------------------------------------------------------------------------------
check_lintian() {
  local out="$scratch/lintian.txt" errors tags missing="" tag
  timeout 300 lintian --tag-display-limit 0 "$deb" >"$out" 2>&1
  local rc=$?
  # lintian exits non-zero when it found errors too: it failed itself when no tag came out.
  if [ $rc -eq 124 ]; then
    fail "lintian did not finish within 300 s"
    return
  elif [ $rc -ne 0 ] && ! grep -q '^[EW]: ' "$out"; then
    fail "lintian could not run (code $rc): $(head -n 1 "$out")"
    return
  fi
  errors="$(grep -c '^E: ' "$out")"
  if [ "$errors" -ne 0 ]; then
    fail "lintian: $errors error(s): $(grep '^E: ' "$out" | sed 's/^E: [^:]*: //' | sort -u | tr '\n' ';')"
    return
  fi
  tags="$(sed -n 's/^W: [^:]*: \([a-z0-9-]*\).*/\1/p' "$out" | sort -u)"
  local notes
  notes="$(sed -n '/^### Packaging notes/,/^##[^#]/p' "$root/README.md")"
  for tag in $tags; do
    grep -q -- "\`$tag\`" <<<"$notes" || missing="$missing $tag"
  done
  if [ -n "$missing" ]; then
    fail "lintian: warning(s) not explained in README \"Packaging notes\":$missing"
  else
    ok "lintian: 0 errors, $(grep -c '^W: ' "$out") warning(s), each in README: ${tags//$'\n'/ }"
  fi
}

# --- control fields -------------------------------------------------------------------------
check_control() {
  local depends recommends missing="" want
  depends="$(dpkg-deb -f "$deb" Depends)"
  recommends="$(dpkg-deb -f "$deb" Recommends)"
  # Extended regular expressions; shlibdeps writes versioned libraries: "libcurl4 (>= 7.63.0)".
  for want in 'libc6 \(>=' 'libstdc\+\+6 \(>=' 'libcurl[0-9a-z-]* \(>=' 'libsqlite3-0 \(>=' \
    'libgumbo[0-9]* \(>=' 'curl(,|$)' 'adduser(,|$)'; do
    grep -Eq "(^|, )$want" <<<"$depends" || missing="$missing '$want'"
  done
  # The wrapper's bash, timeout (coreutils) and flock (util-linux) come from essential packages,
  # which Debian forbids listing; they must stay essential.
  for want in bash coreutils util-linux; do
    [ "$(dpkg-query -W -f='${Essential}' "$want" 2>/dev/null)" = yes ] || missing="$missing essential:$want"
  done
  for want in chromium gnuplot; do
    grep -Eq "(^|[ ,|])$want" <<<"$recommends" || missing="$missing Recommends:$want"
  done
  if [ "$(dpkg-deb -f "$deb" Architecture)" != amd64 ]; then missing="$missing Architecture:amd64"; fi
  if [ -n "$missing" ]; then
    fail "control: missing$missing (Depends: $depends; Recommends: $recommends)"
  else
    ok "control: Depends $depends; Recommends $recommends"
  fi
}

# --- contents -------------------------------------------------------------------------------
expected_paths() {
  local p
  for p in "${programs[@]}"; do
    echo "./usr/bin/$p"
    echo "./usr/share/man/man1/$p.1.gz"
    echo "./usr/share/bash-completion/completions/$p"
  done
  echo ./usr/lib/kzpool/run_scraper_and_upload.sh
  for p in "$root"/sql/*.sql; do echo "./usr/share/kzpool/sql/$(basename "$p")"; done
  for p in kzpool.env pools.json notify.json; do echo "./usr/share/doc/kzpool/examples/$p"; done
  echo ./lib/systemd/system/kzpool.service
  echo ./lib/systemd/system/kzpool.timer
  echo ./usr/lib/sysusers.d/kzpool.conf
  echo ./usr/lib/tmpfiles.d/kzpool.conf
  echo ./usr/share/doc/kzpool/README.md
  echo ./usr/share/man/man5/kzpool-pools.json.5.gz
  echo ./usr/share/man/man7/kzpool.7.gz
  echo ./usr/share/doc/kzpool/copyright
  echo ./usr/share/doc/kzpool/changelog.gz
}

check_contents() {
  local listing="$scratch/contents.txt" missing="" bad="" path mode owner
  dpkg-deb --contents "$deb" >"$listing" || {
    fail "contents: dpkg-deb --contents failed"
    return
  }
  for path in $(expected_paths); do
    awk -v p="$path" '$6 == p { f = 1 } END { exit !f }' "$listing" || missing="$missing $path"
  done
  # Columns: mode owner/group size date time path [-> target].
  while read -r mode owner _ _ _ path _; do
    case "$path" in
      ./usr/local/* | ./opt/* | ./home/* | ./tmp/* | ./root/* | *build-pkg* | *"$root"*)
        bad="$bad $path(not a packaged path)" ;;
    esac
    [ "$owner" = root/root ] || bad="$bad $path($owner)"
    case "$mode:$path" in
      d*) [ "$mode" = drwxr-xr-x ] || bad="$bad $path($mode)" ;;
      l*) ;;
      *:./usr/bin/* | *:./usr/lib/kzpool/*) [ "$mode" = -rwxr-xr-x ] || bad="$bad $path($mode)" ;;
      *) [ "$mode" = -rw-r--r-- ] || bad="$bad $path($mode)" ;;
    esac
  done <"$listing"
  [ -z "$missing" ] || fail "contents: missing$missing"
  [ -z "$bad" ] || fail "contents: wrong place, owner or mode:$bad"
  [ -n "$missing$bad" ] || ok "contents: $(wc -l <"$listing") entries, every agreed path, root:root, modes"
}

# --- unpacked into a scratch root ------------------------------------------------------------
check_unpacked() {
  local dest="$scratch/root" p out bad="" page warn rendered
  mkdir -p "$dest"
  dpkg-deb -x "$deb" "$dest" || {
    fail "unpack: dpkg-deb -x failed"
    return
  }
  for p in "${programs[@]}"; do
    [ -f "$dest/usr/bin/$p" ] || continue
    if readelf -S --wide "$dest/usr/bin/$p" 2>/dev/null | grep -Eq '\.(symtab|debug_)'; then
      bad="$bad $p"
    fi
  done
  if [ -n "$bad" ]; then fail "stripped: symbols or debug info in:$bad"; else ok "stripped: every binary"; fi

  bad=""
  for p in "${programs[@]}"; do
    local re="^$p ${version//./\\.} \\(git ([0-9a-f]{7,40}(, modified)?|unknown)\\)\$"
    out="$(timeout 10 "$dest/usr/bin/$p" --version 2>&1 </dev/null)"
    [[ "$out" =~ $re ]] || bad="$bad $p:'${out%%$'\n'*}'"
  done
  if [ -n "$bad" ]; then
    fail "--version: want \"<prog> $version (git <rev>)\", got$bad"
  else
    ok "--version: $(timeout 10 "$dest/usr/bin/kzscrape" --version 2>&1) and the other three"
  fi

  bad="" rendered=0
  for page in "$dest"/usr/share/man/man*/*; do
    [ -f "$page" ] || continue
    warn="$(MANWIDTH=80 LC_ALL=C.UTF-8 MAN_KEEP_FORMATTING=0 timeout 30 \
      man --warnings=w,all -l "$page" 2>&1 >"$scratch/page.txt")"
    if [ -n "$warn" ] || [ ! -s "$scratch/page.txt" ]; then
      bad="$bad ${page##*/}:${warn:-empty}"
    fi
    rendered=$((rendered + 1))
  done
  if [ "$rendered" -eq 0 ]; then
    fail "man -l: no man pages in the package"
  elif [ -n "$bad" ]; then
    fail "man -l: warnings or no output:$(tr '\n' ' ' <<<"$bad")"
  else
    ok "man -l: $rendered page(s) render without a warning"
  fi

  if out="$(timeout 10 "$dest/usr/lib/kzpool/run_scraper_and_upload.sh" --help 2>&1 </dev/null)" &&
    grep -q 'Exit codes' <<<"$out"; then
    ok "wrapper: --help from the unpacked package"
  else
    fail "wrapper: --help failed or has no 'Exit codes': ${out%%$'\n'*}"
  fi

  bad=""
  for p in "${programs[@]}"; do
    local file="$dest/usr/share/bash-completion/completions/$p"
    bash -c 'source "$1" && complete -p "$2"' _ "$file" "$p" >/dev/null 2>&1 || bad="$bad $p"
  done
  if [ -z "$bad" ]; then
    ok "completion: each program's file loads and registers its completion"
  else
    fail "completion: file missing, not loading or not registering a completion:$bad"
  fi
}

[ "$lintian_on" -eq 1 ] && check_lintian
check_control
check_contents
check_unpacked
exit "$failed"
