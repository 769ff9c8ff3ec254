namespace Orleans.Barrier.Client.Commands;

/// <summary>Participant names as the client prints them: safe to put on one line, and joined the same way everywhere.</summary>
internal static class ParticipantNames
{
    /// <summary>
    /// The name with control characters replaced by '?': names come from other participants, and a newline or
    /// escape sequence in one must not break the one-line-per-item output or the terminal.
    /// </summary>
    public static string Printable(string name)
        => name.Any(char.IsControl) ? string.Concat(name.Select(c => char.IsControl(c) ? '?' : c)) : name;

    /// <summary>The names, printable, separated by commas, in the order given.</summary>
    public static string Join(IEnumerable<string> names) => string.Join(", ", names.Select(Printable));
}
