#!/usr/bin/env bash
# Writes a help2man include file with a COMMANDS section: for each subcommand, its synopsis,
# description, positionals and options, formatted by help2man from "<program> <sub> --help".
#   commands_include.sh OUTPUT PROGRAM SUBCOMMAND...
# PROGRAM is run by name (put its folder first on PATH), so that the synopsis shows the bare
# name. Exits non-zero, leaving no OUTPUT, when help2man or a subcommand's --help fails.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: commands_include.sh OUTPUT PROGRAM SUBCOMMAND..." >&2
  exit 2
fi
output="$1" program="$2"
shift 2
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
{
  echo "[COMMANDS]"
  for sub in "$@"; do
    "$program" "$sub" --help >/dev/null # fail here, loudly, if the subcommand is gone
    echo ".SS \"$program $sub\""
    help2man --no-info --version-string=0 --help-option="$sub --help" \
      "$program" |
      awk -v program="$program" '
        /^\.SH SYNOPSIS/ { section = "synopsis"; next }
        /^\.SH DESCRIPTION/ { section = "description"; print ".PP"; next }
        /^\.SH OPTIONS/ { section = "options"; print ".PP"; print "\\fIOptions:\\fR"; next }
        /^\.SH/ { section = ""; next }
        section == "synopsis" && /^\.B / { print ".PP"; print ".B " program; next }
        section == "" { next }
        /^\.SS / { sub(/^\.SS /, ""); gsub(/"/, ""); print ".PP"; print "\\fI" $0 "\\fR"; next }
        { print }
      '
  done
} >"$tmp"
mv "$tmp" "$output"
trap - EXIT
