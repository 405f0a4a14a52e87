// Recur reports every unusable model file or state dict as an InvalidDataException whose message is
// one line for the user: the file (where there is one) and the problem. This quotes text taken from
// a file into such a message without letting a hostile file make it multi-line or huge.
using System.Text;
using System.Text.Json;

namespace Recur.IO;

internal static class ErrorText
{
    /// <summary>Quotes file-supplied text (a tensor name, a JSON fragment): control and line-break characters escaped, long text cut.</summary>
    public static string Quote(string text, int max = 80)
    {
        var sb = new StringBuilder("'");
        foreach (char c in text.Length > max ? text[..max] : text)
            if (char.IsControl(c) || c is '\u2028' or '\u2029') sb.Append($"\\u{(int)c:x4}");
            else sb.Append(c);
        sb.Append(text.Length > max ? $"...' ({text.Length} chars)" : "'");
        return sb.ToString();
    }

    /// <summary>
    /// A JSON parser's complaint in the file's terms: a field no member takes (the parser names the C# type)
    /// becomes "unknown field 'name' (...)"; anything else is the parser's first line.
    /// </summary>
    public static string Json(JsonException e)
    {
        const string Prefix = "The JSON property ", Unmapped = " could not be mapped to any .NET member";
        int end = e.Message.IndexOf(Unmapped, StringComparison.Ordinal);
        if (!e.Message.StartsWith(Prefix, StringComparison.Ordinal) || end < 0) return FirstLine(e.Message);
        string name = e.Message[Prefix.Length..end].Trim('\'');
        return $"unknown field {Quote(name)}: written by a newer version of Recur, or damaged";
    }

    /// <summary>The first line of a message from elsewhere (a JSON parser, the OS).</summary>
    public static string FirstLine(string s)
    {
        int n = s.IndexOfAny(['\r', '\n']);
        return (n < 0 ? s : s[..n]).TrimEnd('.', ' ');
    }
}
