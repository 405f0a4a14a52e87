// Paths in the commands Recur's messages suggest ("continue it with --resume DIR"): pasted into a shell, each must
// reach recur as the one argument it names, whatever it holds; a plain path stays bare so most messages read as before.
using System.Diagnostics;
using Recur.IO;

namespace Recur.Tests.IO;

public class PathTextTests
{
    [Theory]
    [InlineData("runs/a", "runs/a")]
    [InlineData("/tmp/x.txt", "/tmp/x.txt")]
    [InlineData("runs/lr=0.01,seq=64", "runs/lr=0.01,seq=64")]
    [InlineData("a_b-c+d@e%f:g", "a_b-c+d@e%f:g")]
    [InlineData("runs/café", "runs/café")]
    [InlineData("runs/cafe\u0301", "runs/cafe\u0301")]   // é as e and a combining accent (macOS's form)
    [InlineData("runs/my run", "'runs/my run'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("runs/$HOME", "'runs/$HOME'")]
    [InlineData("runs/*", "'runs/*'")]
    [InlineData("a&b;c|d", "'a&b;c|d'")]
    [InlineData("~/runs", "'~/runs'")]
    [InlineData("=ls", "'=ls'")]   // zsh reads a leading = as a command's path
    [InlineData("#run", "'#run'")]
    [InlineData("a\"b`c\\d!e", "'a\"b`c\\d!e'")]
    [InlineData("-x", "./-x")]
    [InlineData("-my run", "'./-my run'")]
    [InlineData("@args", "./@args")]   // recur reads @FILE as a file of arguments
    [InlineData("", "''")]
    [InlineData(" ", "' '")]
    [InlineData("a\tb", "$'a\\tb'")]
    [InlineData("a\nb'c\\", "$'a\\nb\\'c\\\\'")]
    [InlineData("a\u2028b", "$'a\\xe2\\x80\\xa8b'")]
    public void OnUnixAPathIsQuotedForAPosixShellOnlyWhereItMustBe(string path, string expected) =>
        Assert.Equal(expected, PathText.Arg(path, windows: false));

    [Theory]
    [InlineData("runs\\a", "runs\\a")]
    [InlineData("C:\\data\\x.txt", "C:\\data\\x.txt")]
    [InlineData("runs/fwd\\model.safetensors", "runs\\fwd\\model.safetensors")]
    [InlineData("runs/my run", "\"runs\\my run\"")]
    [InlineData("C:\\Program Files\\runs\\", "\"C:\\Program Files\\runs\\\\\"")]   // \" would escape the quote
    [InlineData("it's", "\"it's\"")]
    [InlineData("a&b;c(d)^e", "\"a&b;c(d)^e\"")]
    [InlineData("a,b", "\"a,b\"")]   // PowerShell reads a,b as a list of two
    [InlineData("50%", "\"50%\"")]
    [InlineData("runs\\$x", "'runs\\$x'")]   // PowerShell would expand $x inside double quotes
    [InlineData("it's $5", "'it''s $5'")]
    [InlineData("a`b", "'a`b'")]
    [InlineData("-x", ".\\-x")]
    [InlineData("@args", ".\\@args")]
    [InlineData("", "\"\"")]
    public void OnWindowsAPathIsQuotedForCmdAndPowerShell(string path, string expected) =>
        Assert.Equal(expected, PathText.Arg(path, windows: true));

    [Theory]
    [InlineData("runs/fwd\\model.safetensors", false, "runs/fwd\\model.safetensors")]
    [InlineData("runs/fwd\\model.safetensors", true, "runs\\fwd\\model.safetensors")]
    [InlineData("runs/my run/model.safetensors", true, "runs\\my run\\model.safetensors")]
    public void OnWindowsAShownPathHasOneSeparator(string path, bool windows, string expected) =>
        Assert.Equal(expected, PathText.Show(path, windows));

    // What bash does with the quoted form: one argument, byte for byte the path.
    [Fact]
    public void BashReadsEachQuotedPathBackAsItself()
    {
        if (OperatingSystem.IsWindows()) return;
        string[] paths = ["runs/a", "runs/my run", "it's", "'", "''", "a'\\''b", "$HOME", "$(echo hi)", "`echo hi`", "*", "?", "[a]", "{a,b}",
            "a&b;c|d>e<f", "~", "~root", "=ls", "#x", "!x", "a\\b", "\"", "-x", "-my run", "@args", "", " ", "  x  ", "a\tb", "a\nb",
            "a\rb\u0001c\u007f", "a\u2028b\u0085c", "tab\t'quote'\\back\nline", "ç€😀", "%x%"];
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        // Each path as a message would put it into a command line; printf shows each argument bash made of it.
        info.ArgumentList.Add(string.Join("; ", paths.Select(p => $"printf '%s\\0' {PathText.Arg(p, windows: false)}")));
        using var bash = Process.Start(info)!;
        string output = bash.StandardOutput.ReadToEnd();
        bash.WaitForExit();
        Assert.Equal(0, bash.ExitCode);
        string[] expected = paths.Select(p => p.StartsWith('-') || p.StartsWith('@') ? "./" + p : p).ToArray();
        Assert.Equal(expected, output.Split('\0')[..^1]);
    }
}
