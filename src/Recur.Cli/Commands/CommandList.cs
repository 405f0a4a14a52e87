// Every top-level command, in the order `recur --help` lists them.
using System.CommandLine;

namespace Recur.Cli.Commands;

static class CommandList
{
    public static IEnumerable<Command> All()
    {
        yield return ClassifyCommand.Create();
    }
}
