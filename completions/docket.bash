# bash completion for docket(1).
#
# The candidates come from docket itself (`docket completion words`, see docket-completion(1)),
# which reads its own command tree and, for ids and templates, the store the line names; this
# file only hands the words over and fills COMPREPLY, so it never needs editing when a command
# or option is added.

_docket() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    # Ask the binary being completed (./build/docket completes with its own commands).
    local bin=${COMP_WORDS[0]}
    [[ $bin == "~/"* ]] && bin=$HOME/${bin#"~/"}
    local -a lines
    mapfile -t lines < <("$bin" completion words -- "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
    COMPREPLY=()
    case ${lines[0]-} in
        words)
            local line
            for line in "${lines[@]:1}"; do
                COMPREPLY+=("${line%%$'\t'*}")
            done
            ;;
        files)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            ;;
        dirs)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            ;;
    esac
}

complete -F _docket docket
