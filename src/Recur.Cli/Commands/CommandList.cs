// Every top-level command, in the order `recur --help` lists them.
using System.CommandLine;

namespace Recur.Cli.Commands;

static class CommandList
{
    public static IEnumerable<Command> All()
    {
        yield return TrainCommand.Create();
        yield return SampleCommand.Create();
        yield return EvalCommand.Create();
        yield return InfoCommand.Create();
        yield return NumbersCommand.Create();
        yield return DemoCommand.Create();
        yield return ClassifyCommand.Create();
        yield return ForecastCommand.Create();
    }
}
