#!/usr/bin/env bash
# Checks the built man pages against the programs (found on PATH) and src/common/error.hpp:
#   man_pages_test.sh MAN_DIR ERROR_HEADER
# MAN_DIR holds kzscrape.1 kzupload.1 kznotify.1 kzreport.1 kzpool-pools.json.5 kzpool.7 (the
# build tree's man/). For every page: `man --warnings -l -E UTF-8` (MANWIDTH=80) writes nothing on
# stderr, and the page has the sections NAME, SYNOPSIS, DESCRIPTION, EXIT STATUS, ENVIRONMENT,
# FILES, EXAMPLES and SEE ALSO (OPTIONS too for a program). For every program: each long option
# its --help lists, and each subcommand's, appears in its page, as does every subcommand; the
# installed .gz copy is the page. Every exit code of kz::ExitCode appears in the EXIT STATUS of
# the programs' pages, and every one in kzpool(7).
# Prints one line per failure and exits 1 when any failed; 77 (skipped) without help2man's pages.
set -uo pipefail
man_dir=$1 error_header=$2
programs=(kzscrape kzupload kznotify kzreport)
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

if [ ! -f "$man_dir/kzscrape.1" ]; then
  echo "SKIP: no generated pages in $man_dir (help2man missing when configured?)"
  exit 77
fi

# The rendered text of a page, plain ASCII hyphens, no hyphenation at line ends (a page is
# rendered once more with hyphenation off for the searches; the warning check uses the page as is).
render() {
  MANWIDTH=80 man --warnings -l -E UTF-8 "$1"
}
searchable() {
  { printf '.nh\n.hy 0\n'; cat "$1"; } >"$work/page"
  MANWIDTH=200 man -l -E UTF-8 "$work/page" 2>/dev/null | sed 's/\xe2\x80\x90/-/g; s/\xe2\x88\x92/-/g'
}
# The text of section NAME of a rendered page (its heading line excluded).
section() {
  awk -v name="$2" '/^[A-Z]/ { on = ($0 == name); next } on' <<<"$1"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pages=("${programs[@]/%/.1}" kzpool-pools.json.5 kzpool.7)
for page in "${pages[@]}"; do
  file="$man_dir/$page"
  [ -f "$file" ] || { fail "$page: missing in $man_dir"; continue; }
  render "$file" >"$work/out" 2>"$work/err"
  [ -s "$work/err" ] && fail "$page: man warns: $(head -3 "$work/err" | tr '\n' ' ')"
  [ "$(wc -l <"$work/out")" -gt 20 ] || fail "$page: renders to $(wc -l <"$work/out") lines"
  sections=(NAME SYNOPSIS DESCRIPTION "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO")
  [[ $page == *.1 ]] && sections+=(OPTIONS)
  for name in "${sections[@]}"; do
    grep -qx "$name" "$work/out" || fail "$page: no $name section"
  done
  for name in "${sections[@]}"; do
    [ -n "$(section "$(cat "$work/out")" "$name" | tr -d '[:space:]')" ] || fail "$page: $name is empty"
  done
  gz="$man_dir/gz/$page.gz"
  if [ ! -f "$gz" ]; then
    fail "$page: no compressed copy $gz"
  elif ! gzip -dc "$gz" | cmp -s - "$file"; then
    fail "$page: $gz is not the page"
  fi
done

# The long options of "PROGRAM [SUBCOMMAND] --help": the first field of each option line.
long_options() {
  "$@" --help 2>/dev/null | awk '/^ +-/ { spec = $1; n = split(spec, part, ",");
    for (i = 1; i <= n; i++) if (part[i] ~ /^--/) print part[i] }'
}
subcommands() {
  "$1" --help 2>/dev/null | awk '/^Subcommands:/ { on = 1; next } /^[^ ]/ { on = 0 } on && NF { print $1 }'
}

# The codes of kz::ExitCode, from the header.
mapfile -t codes < <(awk '/enum class ExitCode/ { on = 1; next } on && /};/ { on = 0 }
  on { if (match($0, /= *[0-9]+/)) { v = substr($0, RSTART, RLENGTH); gsub(/[= ]/, "", v); print v } }' \
  "$error_header")
[ ${#codes[@]} -ge 10 ] || fail "found only ${#codes[@]} exit codes in $error_header"

exit_status_text=""
for program in "${programs[@]}"; do
  page="$man_dir/$program.1"
  [ -f "$page" ] || continue
  command -v "$program" >/dev/null || { fail "$program is not on PATH"; continue; }
  text=$(searchable "$page")
  mapfile -t options < <(long_options "$program")
  [ ${#options[@]} -gt 2 ] || fail "$program --help lists ${#options[@]} long options"
  for option in "${options[@]}"; do
    grep -qE -- "(^|[^a-z0-9-])$option([^a-z0-9-]|\$)" <<<"$text" ||
      fail "$program.1: option $option missing"
  done
  for sub in $(subcommands "$program"); do
    commands=$(section "$text" COMMANDS)
    grep -q "^ *$program $sub\$" <<<"$commands" || fail "$program.1: no subsection for '$sub'"
    mapfile -t options < <(long_options "$program" "$sub")
    [ ${#options[@]} -gt 0 ] || fail "$program $sub --help lists no long option"
    # Each option of the subcommand, inside that subcommand's part of COMMANDS.
    part=$(awk -v head="$program $sub" '/^   [^ ]/ { on = ($0 ~ "^ *" head "$") } on' <<<"$commands")
    for option in "${options[@]}"; do
      grep -qE -- "(^|[^a-z0-9-])$option([^a-z0-9-]|\$)" <<<"$part" ||
        fail "$program.1: option $option of '$sub' missing"
    done
  done
  status=$(section "$text" "EXIT STATUS")
  for code in 0 1 2; do
    grep -qE "^ +$code( |\$)" <<<"$status" || fail "$program.1: EXIT STATUS lacks $code"
  done
  exit_status_text+=$status$'\n'
done
# Each code is an entry (a tag at the start of a line) of some program's EXIT STATUS, and of the
# shared table in kzpool(7).
overview=$(section "$(searchable "$man_dir/kzpool.7")" "EXIT STATUS")
for code in "${codes[@]}"; do
  grep -qE "^ +$code( |,|\$)" <<<"$exit_status_text" || fail "exit code $code is in no program's page"
  grep -qE "^ +$code( |,|\$)" <<<"$overview" || fail "exit code $code is not in kzpool.7"
done

echo "${#pages[@]} pages, ${#codes[@]} exit codes checked, $failures failed"
[ "$failures" -eq 0 ]
