// Seed 000's character model written as an explicit loop over LSTM cell steps: two LstmCells stacked,
// one-hot characters in, a linear layer to the vocabulary, cross-entropy, Adam, a train/validation split,
// and top-5 sampling from the prime "A". Usage: dotnet run -c Release --project examples/CellLoop -- BOOK.txt [steps]
using Recur;
using Recur.Nn;
using Recur.Nn.Losses;
using Recur.Optim;
using Recur.Text;

string path = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "data", "anna.txt");
int steps = args.Length > 1 ? int.Parse(args[1]) : 300;
const int Hidden = 128, Batch = 16, Seq = 50; // the seed uses 512 hidden units; smaller trains faster here

string text = TextFile.Read(path, new TextOptions());
var vocab = Vocabulary.FromCharacters(text);      // from the whole text: validation has no unknown characters
int[] ids = vocab.EncodeCharacters(text);
int split = (int)(ids.Length * 0.9), v = vocab.Count;

var rng = new Rng(1);
var cell1 = new LstmCell(v, Hidden, rng);
var cell2 = new LstmCell(Hidden, Hidden, rng);
var fc = new Linear(Hidden, v, rng);
var parameters = new ParameterSet(cell1.NamedParameters().Select(p => ("cell1." + p.Name, p.Parameter))
    .Concat(cell2.NamedParameters().Select(p => ("cell2." + p.Name, p.Parameter)))
    .Concat(fc.NamedParameters().Select(p => ("fc." + p.Name, p.Parameter))));
var adam = new Adam(parameters, lr: 2e-3);
var loss = new CrossEntropyLoss();

var x = new Tensor(Batch, v);             // one-hot input of one step
var logits = new Tensor(Seq, Batch, v);   // outputs of all steps, for one loss
var targets = new int[Seq * Batch];
var tops = new Tensor[Seq];               // the top cell's h at every step (copies: the cell reuses its buffers)
for (int t = 0; t < Seq; t++) tops[t] = new Tensor(Batch, Hidden);

for (int step = 1; step <= steps; step++)
{
    // A random window per row; state starts at zero each batch, as in the seed.
    var starts = Enumerable.Range(0, Batch).Select(_ => rng.NextInt(split - Seq - 1)).ToArray();
    var (h1, c1) = (new Tensor(Batch, Hidden), new Tensor(Batch, Hidden));
    var (h2, c2) = (new Tensor(Batch, Hidden), new Tensor(Batch, Hidden));
    for (int t = 0; t < Seq; t++)
    {
        x.Zero();
        for (int n = 0; n < Batch; n++)
        {
            x[n, ids[starts[n] + t]] = 1f;
            targets[t * Batch + n] = ids[starts[n] + t + 1];
        }
        (h1, c1) = cell1.Forward(x, h1, c1);
        (h2, c2) = cell2.Forward(h1, h2, c2);
        tops[t].CopyFrom(h2.Span);
    }
    // The linear layer over all steps at once: (Seq·Batch, Hidden) → (Seq·Batch, V).
    var top = new Tensor(Seq, Batch, Hidden);
    for (int t = 0; t < Seq; t++) tops[t].Span.CopyTo(top.Span.Slice(t * Batch * Hidden));
    adam.ZeroGrad();
    var y = fc.Forward(top);
    y.Span.CopyTo(logits.Span);
    float value = loss.Forward(logits, targets, logits);
    var dTop = fc.Backward(logits)!;

    // Backward through the cells, newest step first, carrying dh and dc.
    var (dh1, dc1) = (new Tensor(Batch, Hidden), new Tensor(Batch, Hidden));
    var (dh2, dc2) = (new Tensor(Batch, Hidden), new Tensor(Batch, Hidden));
    for (int t = Seq - 1; t >= 0; t--)
    {
        var dOut = dTop.Slice(t * Batch * Hidden, Batch, Hidden);
        System.Numerics.Tensors.TensorPrimitives.Add(dh2.Span, dOut.Span, dh2.Span);
        var (dIn2, dhPrev2, dcPrev2) = cell2.Backward(dh2, dc2);
        dh2.CopyFrom(dhPrev2.Span); dc2.CopyFrom(dcPrev2.Span);
        System.Numerics.Tensors.TensorPrimitives.Add(dh1.Span, dIn2.Span, dh1.Span);
        var (_, dhPrev1, dcPrev1) = cell1.Backward(dh1, dc1);
        dh1.CopyFrom(dhPrev1.Span); dc1.CopyFrom(dcPrev1.Span);
    }
    GradClip.ClipByGlobalNorm(parameters, 5);
    adam.Step();
    if (step % 50 == 0 || step == 1) Console.WriteLine($"step {step}: loss {value:0.000}");
}

// Sample 200 characters from "A", each drawn among the 5 most likely (seed 000).
foreach (var m in new Module[] { cell1, cell2, fc }) m.Eval();
var state = (h1: new Tensor(1, Hidden), c1: new Tensor(1, Hidden), h2: new Tensor(1, Hidden), c2: new Tensor(1, Hidden));
var one = new Tensor(1, v);
vocab.TryGetId("A", out int current);
var sample = new System.Text.StringBuilder("A");
for (int i = 0; i < 200; i++)
{
    one.Zero();
    one[0, current] = 1f;
    (state.h1, state.c1) = Copy(cell1.Forward(one, state.h1, state.c1));
    (state.h2, state.c2) = Copy(cell2.Forward(state.h1, state.h2, state.c2));
    var scores = fc.Forward(state.h2).ToArray();
    var top5 = Enumerable.Range(0, v).OrderByDescending(j => scores[j]).Take(5).ToArray();
    var weights = top5.Select(j => Math.Exp(scores[j] - scores[top5[0]])).ToArray();
    double u = rng.NextDouble() * weights.Sum();
    int pick = 0;
    while ((u -= weights[pick]) > 0 && pick < 4) pick++;
    current = top5[pick];
    sample.Append(vocab[current]);
}
Console.WriteLine(sample);

// The cells return tensors they reuse on the next step; keep copies for the state.
static (Tensor, Tensor) Copy((Tensor H, Tensor C) s) => (Tensor.FromArray(s.H.ToArray(), s.H.Shape), Tensor.FromArray(s.C.ToArray(), s.C.Shape));
