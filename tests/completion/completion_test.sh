#!/usr/bin/env bash
# Checks completion/kzpool.bash against the programs' own --help (found on PATH):
#   completion_test.sh SCRIPT [--with-bash-completion]
# With --with-bash-completion it sources bash-completion first (its _init_completion and
# _filedir are then used), else the script works alone. For every program and subcommand the
# expected words are derived here from --help, independently of the script's own parser:
#   - "prog --" and a prefix of every long option give exactly the options with that prefix
#     (after a subcommand: its options and the program's, without --version);
#   - an option with a CLI11 set gives its values, after "--opt " and in "--opt=<prefix>";
#   - an option taking a number gives nothing; a path option gives the files of the folder (dot
#     files too, as compgen -f and readline's default match-hidden-files do);
#   - "prog " gives the subcommands, "prog <prefix>" those with that prefix.
# Prints one line per failed case and exits 1 when any failed.
# Option names, choices and subcommands hold no blanks: $(...) lists are split on purpose.
# shellcheck disable=SC2046,SC2086,SC2116
set -uo pipefail
script=$1
with_bash_completion=false
[ "${2-}" = --with-bash-completion ] && with_bash_completion=true

if $with_bash_completion; then
  bash_completion=/usr/share/bash-completion/bash_completion
  if [ ! -r "$bash_completion" ]; then
    echo "SKIP: $bash_completion missing (apt install bash-completion)"
    exit 77
  fi
  # shellcheck disable=SC1090
  . "$bash_completion"
  declare -F _init_completion >/dev/null || { echo "bash-completion has no _init_completion"; exit 1; }
else
  unset -f _init_completion _filedir 2>/dev/null
fi
# shellcheck disable=SC1090
. "$script"

COMP_WORDBREAKS=$' \t\n"\'><=;|&(:' # bash's default
failures=0 cases=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

programs=(kzscrape kzupload kznotify kzreport)
for program in "${programs[@]}"; do
  command -v "$program" >/dev/null || { echo "FAIL: $program is not on PATH"; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/gamma folder" && touch "$work/alpha.db" "$work/beta.json" "$work/.hidden"
cd "$work" || exit 1

# Completes LINE (the command line up to the cursor) as bash would: words split at blanks and
# at "=" (which is in COMP_WORDBREAKS and becomes a word of its own). Prints COMPREPLY sorted.
complete_line() {
  local line=$1 part function
  local -a parts words=()
  read -ra parts <<<"$line"
  for part in "${parts[@]}"; do
    if [[ $part == --*=* && $COMP_WORDBREAKS == *=* ]]; then
      words+=("${part%%=*}" "=")
      [ -n "${part#*=}" ] && words+=("${part#*=}")
    else
      words+=("$part")
    fi
  done
  [[ $line == *" " ]] && words+=("")
  function=$(complete -p "${words[0]}" 2>/dev/null | sed -n 's/.* -F \([^ ]*\) .*/\1/p')
  [ -n "$function" ] || return 0
  COMP_WORDS=("${words[@]}")
  COMP_CWORD=$((${#words[@]} - 1))
  COMP_LINE=$line
  COMP_POINT=${#line}
  COMPREPLY=()
  local previous=""
  [ "$COMP_CWORD" -gt 0 ] && previous=${words[COMP_CWORD - 1]}
  "$function" "${words[0]}" "${words[COMP_CWORD]}" "$previous" >/dev/null 2>&1
  [ ${#COMPREPLY[@]} -gt 0 ] && printf '%s\n' "${COMPREPLY[@]}" | sort -u
}

# expect LINE WORD...: the completions of LINE are exactly the WORDs.
expect() {
  local line=$1 got want
  shift
  cases=$((cases + 1))
  got=$(complete_line "$line")
  want=$( ((${#@})) && printf '%s\n' "$@" | sort -u)
  [ "$got" = "$want" ] || fail "'$line': got [$(echo $got)], want [$(echo $want)]"
}

# The option lines of a --help text, one "NAME TYPE" per name ("TYPE" empty for a flag).
options_of() {
  "$@" --help 2>/dev/null | awk '
    /^Subcommands:/ { skip = 1; next }
    /^[^ ]/ { skip = 0 }
    skip || !/^ +-/ { next }
    {
      spec = $0; sub(/^ +/, "", spec); sub(/  .*/, "", spec)
      n = split(spec, field, " "); type = (n > 1) ? field[2] : ""
      count = split(field[1], name, ",")
      for (i = 1; i <= count; i++) print name[i], type
    }'
}
subcommands_of() {
  "$1" --help 2>/dev/null | awk '/^Subcommands:/ { on = 1; next } /^[^ ]/ { on = 0 } on && NF { print $1 }'
}

# Checks every option of PROGRAM [SUBCOMMAND] as completed after PREFIX ("prog " or "prog sub ").
check_options() {
  local prefix=$1 own=$2 parent=$3 name type
  local -a all
  mapfile -t all < <({ printf '%s\n' "$own"; [ -n "$parent" ] && printf '%s\n' "$parent" |
    grep -v '^--version '; } | awk 'NF { print $1 }' | sort -u)
  [ ${#all[@]} -gt 2 ] || fail "$prefix: no options found in --help"
  expect "$prefix--" $(printf '%s\n' "${all[@]}" | grep '^--')
  expect "$prefix-" "${all[@]}"
  while read -r name type; do
    [ -n "$name" ] || continue
    if [[ $name == --* ]]; then
      local stem=${name:0:5}
      expect "$prefix$stem" $(printf '%s\n' "${all[@]}" | grep -F -- "$stem" | grep "^$stem")
    fi
    if [[ $type =~ :\{([^}]*)\} ]]; then
      local -a choices
      IFS=, read -ra choices <<<"${BASH_REMATCH[1]}"
      expect "$prefix$name " "${choices[@]}"
      if [[ $name == --* ]]; then
        local first=${choices[0]:0:1}
        expect "$prefix$name=$first" $(printf '%s\n' "${choices[@]}" | grep "^$first")
      fi
    elif [[ $type == INT* || $type == UINT* || $type == FLOAT* ]]; then
      expect "$prefix$name " # numbers: nothing
    fi
    case $name in
      --db | --config | --out | --png | --svg | --chromium | --antpool-credentials | --*-file)
        expect "$prefix$name " .hidden alpha.db beta.json "gamma folder"
        expect "$prefix$name a" alpha.db
        ;;
    esac
  done <<<"$(printf '%s\n' "$own"; [ -n "$parent" ] && printf '%s\n' "$parent" | grep -v '^--version ')"
}

# complete_line runs in a subshell ($(...)): read every --help once into the script's cache
# here, as an interactive shell would keep it, so that each case does not run the program.
for program in "${programs[@]}"; do
  complete_line "$program -" >/dev/null
  for sub in $(subcommands_of "$program"); do complete_line "$program $sub -" >/dev/null; done
done

for program in "${programs[@]}"; do
  help=$(options_of "$program")
  check_options "$program " "$help" ""
  mapfile -t subs < <(subcommands_of "$program")
  if [ ${#subs[@]} -gt 0 ]; then
    expect "$program " "${subs[@]}"
    for sub in "${subs[@]}"; do
      expect "$program ${sub:0:1}" $(printf '%s\n' "${subs[@]}" | grep "^${sub:0:1}")
      check_options "$program $sub " "$(options_of "$program" "$sub")" "$help"
    done
    # A value of the program's own option before the subcommand is not the subcommand.
    expect "$program --log-level ${subs[0]} " "${subs[@]}"
  fi
done

# The cases of the brief, spelled out.
expect "kzscrape --render " never auto always
expect "kzscrape --render=a" auto always
expect "kzreport csv --what " $(kzreport csv --help | grep -o -- '--what TEXT:{[^}]*}' |
  sed 's/.*{\(.*\)}/\1/' | tr , ' ')
expect "kzupload --batch-size "
expect "kzscrape --db " .hidden alpha.db beta.json "gamma folder"
kzreport_subs=$(kzreport --help | awk '/^Subcommands:/ { on = 1; next } on && NF { print $1 }')
[ "$(echo $kzreport_subs)" = "metrics html csv chart" ] ||
  fail "kzreport --help lists subcommands [$(echo $kzreport_subs)]"
expect "kznotify m" mute mutes
# Without "=" in COMP_WORDBREAKS readline replaces the whole word: the option stays in front.
COMP_WORDBREAKS=${COMP_WORDBREAKS//=/}
expect "kzscrape --render=a" --render=auto --render=always
expect "kzscrape --render=" --render=never --render=auto --render=always

echo "$cases cases, $failures failed ($($with_bash_completion && echo with || echo without) bash-completion)"
[ "$failures" -eq 0 ]
