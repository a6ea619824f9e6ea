namespace Plugboard.Cli.Completion;

/// <summary>
/// The scripts <c>plugboard completion SHELL</c> prints. Each is static and small: it hands the words typed so
/// far to <c>plugboard __complete</c> (<see cref="Completer"/>) and offers what that prints, one candidate per
/// line, so built-in commands, their options, command plugins and the plugins' own completions stay current
/// without regenerating the script.
/// </summary>
internal static class CompletionScripts
{
    public static readonly IReadOnlyList<string> Shells = ["bash", "zsh", "fish"];

    public static string For(string shell) => shell switch
    {
        "bash" => Bash,
        "zsh" => Zsh,
        "fish" => Fish,
        _ => throw new ArgumentOutOfRangeException(nameof(shell), shell, "bash, zsh or fish"),
    };

    private const string Bash = """
        # bash completion for plugboard. Load it with:  source <(plugboard completion bash)
        # or install it:  plugboard completion bash > ~/.local/share/bash-completion/completions/plugboard
        _plugboard_complete() {
            local IFS=$'\n'
            local candidates
            candidates=$(plugboard __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return 0
            COMPREPLY=($candidates)
        }
        complete -o default -F _plugboard_complete plugboard

        """;

    private const string Zsh = """
        #compdef plugboard
        # zsh completion for plugboard. Load it with:  source <(plugboard completion zsh)   (after compinit)
        # or install it as _plugboard in a folder of $fpath.
        _plugboard() {
            local -a candidates
            candidates=("${(@f)$(plugboard __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
            candidates=(${candidates:#})
            (( ${#candidates} )) && compadd -Q -- "${candidates[@]}"
        }
        if (( $+functions[compdef] )); then
            compdef _plugboard plugboard
        fi

        """;

    private const string Fish = """
        # fish completion for plugboard. Load it with:  plugboard completion fish | source
        # or install it:  plugboard completion fish > ~/.config/fish/completions/plugboard.fish
        function __plugboard_complete
            set -l tokens (commandline -opc) (commandline -ct)
            plugboard __complete $tokens[2..-1] 2>/dev/null
        end
        complete -c plugboard -a '(__plugboard_complete)'

        """;
}
