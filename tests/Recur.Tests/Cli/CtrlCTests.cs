// The first stop in process: what the command prints when its token is cancelled must come after the notice,
// which is printed on the signal's thread (CI once saw "interrupted in epoch 1" before "stopping after this batch").
using global::Recur.Cli;
using StandardOutput = global::Recur.Cli.Output.StandardOutput;

namespace Recur.Tests.Cli;

public class CtrlCTests
{
    [Fact]
    public void TheNoticeIsWrittenBeforeTheTokenIsCancelled()
    {
        var errors = new StringWriter();
        using var ctrlC = new CtrlC("recur: stopping after this batch", errors);
        string? seenAtCancel = null;
        ctrlC.Token.Register(() => seenAtCancel = errors.ToString());

        StandardOutput.WhenClosed!();   // a stop, as stdout's reader going away gives one
        Assert.True(ctrlC.Pressed);
        Assert.Equal("recur: stopping after this batch (Ctrl-C to quit at once)\n", seenAtCancel?.ReplaceLineEndings("\n"));

        StandardOutput.WhenClosed!();   // a second stop changes nothing here (a signal's would end the process)
        Assert.Equal(seenAtCancel, errors.ToString());
    }
}
