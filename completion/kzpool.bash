# Bash completion for kzscrape, kzupload, kznotify and kzreport; installed once per program in
# /usr/share/bash-completion/completions/ (bash-completion loads it when the program is first
# completed), or sourced by hand: `. completion/kzpool.bash`.
#
# Everything comes from the program's own --help (CLI11's layout), read once per program file
# and modification time in a shell, so a new option never lacks completion:
#   - options (long and short), and after a subcommand its options plus the program's own;
#   - the values of an option with a CLI11 set, "--render TEXT:{never,auto,always}";
#   - file names for an option whose value is a path, known by its name: --db, --config, --out,
#     --png, --svg, --chromium, --antpool-credentials and any --*-file, --*-dir, --*-path;
#   - nothing for other values (numbers, names, times);
#   - subcommands (kzreport metrics|html|csv|chart, kznotify mute|unmute|mutes).
# "--option=value" works whether or not "=" is in COMP_WORDBREAKS. bash-completion's helpers
# (_init_completion, _filedir) are used when loaded; without them it still works.

# compgen prints one word a line; the words (options, choices, file names with IFS=newline) are
# split into COMPREPLY on purpose, as bash-completion does.
# shellcheck disable=SC2207
declare -gA _kzpool_help_cache=()

# Sets _kzpool_help_text to "PROGRAM [SUBCOMMAND] --help" of the program file PROGRAM (a path),
# from the cache when the file has not changed since. Returns 1 when the program cannot be run.
# Call it in the completing shell itself, not in a subshell, so that the cache lasts.
_kzpool_help() {
  local program=$1 sub=${2-} mtime key
  _kzpool_help_text=""
  mtime=$(stat -L -c %Y -- "$program" 2>/dev/null) || return 1
  key="$program|$mtime|$sub"
  if [[ ! -v "_kzpool_help_cache[$key]" ]]; then
    _kzpool_help_cache[$key]=$(NO_COLOR=1 timeout 5 "$program" ${sub:+"$sub"} --help \
      2>/dev/null </dev/null)
  fi
  _kzpool_help_text=${_kzpool_help_cache[$key]}
}

# Reads a --help text on stdin and fills the caller's arrays: _kz_options (every option name),
# _kz_values (option name -> "choices a b c", "path" or "other" for an option taking a value)
# and _kz_subcommands.
_kzpool_parse_help() {
  local line spec names type name section=""
  while IFS= read -r line; do
    case $line in
      Subcommands:*) section=subcommands; continue ;;
      Positionals:*) section=positionals; continue ;;
      [![:space:]]*) section=options; continue ;; # "Options:", option groups, usage
    esac
    if [[ $section == subcommands && $line =~ ^\ +([a-z][a-z0-9_-]*) ]]; then
      _kz_subcommands+=("${BASH_REMATCH[1]}")
      continue
    fi
    [[ $section == options && $line =~ ^\ +- ]] || continue
    spec=${line#"${line%%[! ]*}"}
    spec=${spec%%  *} # the description starts after two spaces
    names=${spec%% *}
    type=""
    [[ $spec == *" "* ]] && type=${spec#* } && type=${type%% *}
    local -a split_names
    IFS=, read -ra split_names <<<"$names"
    for name in "${split_names[@]}"; do
      _kz_options+=("$name")
      [[ -n $type ]] || continue
      if [[ $type =~ :\{([^}]*)\} ]]; then
        _kz_values[$name]="choices ${BASH_REMATCH[1]//,/ }"
      else
        case $name in
          --db | --config | --out | --png | --svg | --chromium | --antpool-credentials | \
            --*-file | --*-dir | --*-path)
            _kz_values[$name]=path ;;
          *) _kz_values[$name]=other ;;
        esac
      fi
    done
  done
}

# Completes file names for CUR: _filedir when bash-completion is loaded, else compgen.
_kzpool_files() {
  local cur=$1
  if declare -F _filedir >/dev/null; then
    _filedir
  else
    local IFS=$'\n'
    COMPREPLY=($(compgen -f -- "$cur"))
    compopt -o filenames 2>/dev/null
  fi
}

# The completion function of all four programs.
_kzpool_complete() {
  local cur prev cword split=false
  local -a words
  if declare -F _init_completion >/dev/null; then
    _init_completion -s || return
  else
    # COMP_WORDS as bash split them, with "--opt" "=" "value" glued back into one word.
    local i token glue=false
    for ((i = 0; i <= COMP_CWORD; i++)); do
      token=${COMP_WORDS[i]}
      if [[ $token == "=" && ${#words[@]} -gt 0 && ${words[-1]} == --* && ${words[-1]} != *=* ]]; then
        words[-1]+="="
        glue=true
      elif $glue; then
        words[-1]+=$token
        glue=false
      else
        words+=("$token")
      fi
    done
    cword=$((${#words[@]} - 1))
    cur=${words[cword]}
    prev=${words[cword - 1]-}
    if [[ $cur == --*=* ]]; then
      prev=${cur%%=*}
      cur=${cur#*=}
      split=true
    fi
  fi
  COMPREPLY=()

  local program
  program=$(type -P -- "${words[0]}") || return 0
  local -a _kz_options=() _kz_subcommands=()
  local -A _kz_values=()
  _kzpool_help "$program" || return 0
  _kzpool_parse_help <<<"$_kzpool_help_text"

  # The subcommand, if one was given: the first word that is neither an option nor its value.
  local sub="" word j
  for ((j = 1; j < cword; j++)); do
    word=${words[j]}
    if [[ $word == -* ]]; then
      [[ $word != *=* && ${_kz_values[$word]+set} ]] && ((j++))
      continue
    fi
    local s
    for s in "${_kz_subcommands[@]}"; do
      [[ $word == "$s" ]] && sub=$s && break 2
    done
  done
  if [[ -n $sub ]]; then
    # Its own options, then the program's (CLI11 fallthrough), whose value kinds are known.
    local -a parent_options=("${_kz_options[@]}")
    _kz_options=() _kz_subcommands=()
    _kzpool_help "$program" "$sub"
    _kzpool_parse_help <<<"$_kzpool_help_text"
    local o
    local -A seen=()
    for o in "${_kz_options[@]}"; do seen[$o]=1; done
    for o in "${parent_options[@]}"; do
      [[ $o == --version || -n ${seen[$o]-} ]] || _kz_options+=("$o")
    done
    _kz_subcommands=()
  fi

  # The value of an option: after "--opt " or in "--opt=".
  if $split || [[ $prev == -* && -n ${_kz_values[$prev]+set} ]]; then
    local kind=${_kz_values[$prev]-}
    case $kind in
      choices\ *)
        local IFS=$' \t\n'
        COMPREPLY=($(compgen -W "${kind#choices }" -- "$cur"))
        ;;
      path) _kzpool_files "$cur" ;;
    esac
    # Without "=" in COMP_WORDBREAKS readline replaces the whole "--opt=value" word.
    if $split && [[ $COMP_WORDBREAKS != *=* && ${#COMPREPLY[@]} -gt 0 ]]; then
      COMPREPLY=("${COMPREPLY[@]/#/$prev=}")
    fi
    return 0
  fi

  if [[ $cur == -* ]]; then
    local IFS=$' \t\n'
    COMPREPLY=($(compgen -W "${_kz_options[*]}" -- "$cur"))
  elif [[ -z $sub && ${#_kz_subcommands[@]} -gt 0 ]]; then
    local IFS=$' \t\n'
    COMPREPLY=($(compgen -W "${_kz_subcommands[*]}" -- "$cur"))
  fi
  return 0
}

complete -F _kzpool_complete kzscrape kzupload kznotify kzreport
