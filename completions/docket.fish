# fish completion for docket(1).
#
# The candidates and their descriptions come from docket itself (`docket completion words`, see
# docket-completion(1)), which reads its own command tree and, for ids and templates, the store
# the line names; this file only hands the words over.

function __docket_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l bin $tokens[1]
    set -e tokens[1]
    set -l lines ($bin completion words -- $tokens $current 2>/dev/null)
    switch "$lines[1]"
        case words
            set -e lines[1]
            printf '%s\n' $lines
        case files
            __fish_complete_path $current
        case dirs
            __fish_complete_directories $current
    end
end

complete -c docket -f -a '(__docket_complete)'
