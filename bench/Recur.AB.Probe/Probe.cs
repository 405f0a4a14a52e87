// The work Recur.AB times, made from the library's public API so that one build of this file runs on
// either build of the library: a GEMM at a shape, or one forward + backward of a recurrent layer stack.
using Recur.Kernels;
using Recur.Nn;

namespace Recur.AB;

public static unsafe class Probe
{
    /// <summary>C (m, n) += op(A)·op(B) with random operands; transA/transB as in <see cref="Gemm.Multiply(bool,bool,int,int,int,float,float*,int,float*,int,float,float*,int)"/>.</summary>
    public static Action Gemm(int threads, bool transA, bool transB, int m, int n, int k)
    {
        Workers.SetThreads(threads);
        var rng = new Rng(1);
        var a = new Tensor(m * k); var b = new Tensor(k * n); var c = new Tensor(m * n);
        rng.FillUniform(a.Span, -1, 1);
        rng.FillUniform(b.Span, -1, 1);
        int lda = transA ? m : k, ldb = transB ? k : n;
        return () => Kernels.Gemm.Multiply(transA, transB, m, n, k, 1f, a.Ptr, lda, b.Ptr, ldb, 1f, c.Ptr, n);
    }

    /// <summary>Forward and backward through a Linear layer (in → out, with bias) over (rows, in) of random data: a word model's output layer.</summary>
    public static Action Linear(int threads, int rows, int input, int output)
    {
        Workers.SetThreads(threads);
        var rng = new Rng(1);
        var fc = new Nn.Linear(input, output, rng);
        var x = new Tensor(rows, input); rng.FillUniform(x.Span, -1, 1);
        var dy = new Tensor(rows, output); rng.FillUniform(dy.Span, -1, 1);
        return () => { fc.Forward(x); fc.Backward(dy); };
    }

    /// <summary>A language model's loss over (rows, classes) random logits: softmax cross-entropy, its gradient in place
    /// and each row's most likely class, as `recur train` computes them.</summary>
    public static Action Loss(int threads, int rows, int classes)
    {
        Workers.SetThreads(threads);
        var rng = new Rng(1);
        var logits = new Tensor(rows, classes);
        var work = new Tensor(rows, classes);
        rng.FillNormal(logits.Span, 0, 3);
        var targets = new int[rows];
        for (int r = 0; r < rows; r++) targets[r] = r * 37 % classes;
        var predicted = new int[rows];
        var loss = new Nn.Losses.CrossEntropyLoss();
        return () => { logits.Span.CopyTo(work.Span); loss.Forward(work, targets, work, predicted); };
    }

    /// <summary>Forward and backward through an LSTM or GRU stack over (steps, batch, input) of random data.</summary>
    public static Action Step(int threads, string cell, int layers, int hidden, int input, int batch, int steps)
    {
        Workers.SetThreads(threads);
        var rng = new Rng(1);
        Recurrent rnn = cell == "gru" ? new Gru(input, hidden, rng, numLayers: layers) : new Lstm(input, hidden, rng, numLayers: layers);
        var x = new Tensor(steps, batch, input); rng.FillUniform(x.Span, -1, 1);
        var dy = new Tensor(steps, batch, hidden); rng.FillUniform(dy.Span, -1, 1);
        return () => { rnn.Forward(x); rnn.Backward(dy); };
    }
}
