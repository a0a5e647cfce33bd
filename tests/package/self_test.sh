#!/usr/bin/env bash
# Proves tests/package/check_package.sh can fail: self_test.sh <kzpool .deb> breaks copies of
# the package one way each (dpkg-deb -R, edit, dpkg-deb -b --root-owner-group) and requires
# check_package.sh to exit 1 with the FAIL line that names the breakage. Lintian runs on two
# copies only (an unstripped binary: an error; a /bin/env script: a warning the README does not
# explain), to stay within about 2 min.
# Prints one "ok: ..." or "FAIL: ..." line per broken copy; exit 1 when any FAIL, 2 on usage.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
  echo "usage: self_test.sh <kzpool .deb> (a file)" >&2
  exit 2
fi
deb="$(realpath "$1")"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failed=0

# broken <name> <expected FAIL pattern> <lintian: yes|no> <shell code run in the unpacked tree>
broken() {
  local name="$1" want="$2" lint="$3" edit="$4" tree="$scratch/$1" out rc
  rm -rf "$tree"
  dpkg-deb -R "$deb" "$tree" || {
    echo "FAIL: self-test $name: dpkg-deb -R failed"
    failed=1
    return
  }
  (cd "$tree" && eval "$edit") || {
    echo "FAIL: self-test $name: could not make the broken copy"
    failed=1
    return
  }
  # Keep md5sums true to the edited tree so that only the intended breakage shows.
  (cd "$tree" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
    xargs -0r md5sum >DEBIAN/md5sums)
  dpkg-deb --root-owner-group -Zgzip -z1 -b "$tree" "$scratch/$name.deb" >/dev/null 2>&1 || {
    echo "FAIL: self-test $name: dpkg-deb -b failed"
    failed=1
    return
  }
  local args=(--no-lintian)
  [ "$lint" = yes ] && args=()
  out="$("$here/check_package.sh" "${args[@]}" "$scratch/$name.deb" 2>&1)"
  rc=$?
  if [ $rc -eq 1 ] && grep -Eq "^FAIL: $want" <<<"$out"; then
    echo "ok: self-test $name: $(grep -E "^FAIL: $want" <<<"$out" | head -n 1 | cut -c1-150)"
  else
    echo "FAIL: self-test $name: check_package.sh exited $rc without 'FAIL: $want'"
    printf '  | %s\n' "${out//$'\n'/$'\n'  | }"
    failed=1
  fi
}

# An unstripped ELF of our own in place of kzreport (it also has no --version).
printf 'int main() { return 0; }\n' >"$scratch/u.cpp"
if ! { mkdir -p "$scratch/bin" && g++ -g -o "$scratch/bin/unstripped" "$scratch/u.cpp"; }; then
  echo "FAIL: self-test: cannot compile the unstripped binary"
  exit 1
fi

broken missing-man 'contents: missing.*kzscrape\.1\.gz' no 'rm -f usr/share/man/man1/kzscrape.1.gz'
broken missing-sql 'contents: missing.*/usr/share/kzpool/sql/' no 'rm -f usr/share/kzpool/sql/001_*.sql'
broken wrapper-0644 'contents: wrong .*run_scraper_and_upload\.sh\(-rw-r--r--\)' no \
  'chmod 0644 usr/lib/kzpool/run_scraper_and_upload.sh'
broken usr-local 'contents: wrong .*\./usr/local/' no 'mkdir -p usr/local/bin && cp usr/bin/kzscrape usr/local/bin/'
broken no-libcurl 'control: missing.*libcurl' no \
  'sed -i "s/^\(Depends:.*\)libcurl[^,]*, /\1/; s/^\(Depends:.*\), libcurl[^,]*/\1/" DEBIAN/control'
broken no-recommends 'control: missing.*Recommends:chromium' no 'sed -i "/^Recommends:/d" DEBIAN/control'
broken wrong-version '--version: want' no \
  'printf "#!/bin/sh\necho \"kznotify 9.9.9 (git abcdef1)\"\n" >usr/bin/kznotify'
# shellcheck disable=SC2016 # the edits expand in the unpacked tree, not here
broken man-warning 'man -l: warnings' no \
  'f=usr/share/man/man7/kzpool.7.gz; { zcat $f; printf ".nosuchmacro x\n"; } | gzip -9n >$f.new && mv $f.new $f'
broken wrapper-help 'wrapper: --help' no 'printf "#!/bin/sh\nexit 3\n" >usr/lib/kzpool/run_scraper_and_upload.sh'
broken unstripped 'lintian: [0-9]+ error.*unstripped-binary-or-object' yes \
  "cp '$scratch/bin/unstripped' usr/bin/kzreport"
broken lintian-warning 'lintian: warning\(s\) not explained in README.*script-uses-bin-env' yes \
  'printf "#!/bin/env sh\nexit 0\n" >usr/lib/kzpool/extra.sh && chmod 0755 usr/lib/kzpool/extra.sh'
broken unstripped-own 'stripped: symbols or debug info in: kzreport' no \
  "cp '$scratch/bin/unstripped' usr/bin/kzreport"
exit "$failed"
