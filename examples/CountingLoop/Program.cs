// Seed 004's counting RNN written as the seed writes it: a loop over the time steps that calls the
// library's layers one step at a time — h = h + i_h(x_t); h = ReLU(h_h(h)); logits_t = h_o(bn(h)) — with
// the hidden state carried from batch to batch, trained with Adam on 1..8000 in English words and
// measured on the 71st token of each window (batches of 64 × 70), then checked against `--cell loop`.
// Usage: dotnet run -c Release --project examples/CountingLoop -- [epochs]
using Recur;
using Recur.LanguageModel;
using Recur.Nn;
using Recur.Nn.Losses;
using Recur.Optim;
using Recur.Text;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

int epochs = args.Length > 0 ? int.Parse(args[0]) : 10;
const int Hidden = 64, Batch = 64, Bptt = 70;

var trainWords = WordTokenizer.Tokenize(HumanNumbers.Text(1, HumanNumbers.TrainLast));
var validWords = WordTokenizer.Tokenize(HumanNumbers.Text(HumanNumbers.TrainLast + 1, HumanNumbers.ValidLast));
var vocab = Vocabulary.FromWords(trainWords);
int[] train = vocab.EncodeWords(trainWords), valid = vocab.EncodeWords(validWords);
int v = vocab.Count;

// The seed's four layers, with its names.
var rng = new Rng(1);
var ih = new Embedding(v, Hidden, rng);    // i_h: token → a vector the size of the hidden state
var hh = new Linear(Hidden, Hidden, rng);  // h_h: hidden → hidden
var ho = new Linear(Hidden, v, rng);       // h_o: hidden → logits
var bn = new BatchNorm1d(Hidden);          // bn: normalises h on its way to h_o
var relu = new ReLU();
var named = new (string Name, Module Layer)[] { ("i_h", ih), ("h_h", hh), ("h_o", ho), ("bn", bn) };
var parameters = new ParameterSet(named.SelectMany(m => m.Layer.NamedParameters($"{m.Name}.")));
var adam = new Adam(parameters, lr: 1e-2);
var loss = new CrossEntropyLoss();

// Stateful batches: Batch contiguous streams; batch k holds steps [k·Bptt, (k+1)·Bptt) of each.
int stream = (train.Length - 1) / Batch, perEpoch = stream / Bptt;
var x = new int[Bptt][];                                   // x[t] (N) the tokens of step t
for (int t = 0; t < Bptt; t++) x[t] = new int[Batch];
var targets = new int[Bptt * Batch];                       // (T·N) time-major
var h = new Tensor(Batch, Hidden);                         // carried across batches
var a = new Tensor[Bptt];                                  // a[t] (N, H) = h_{t-1} + i_h(x_t), the input of h_h
var outs = new Tensor(Bptt, Batch, Hidden);                // bn(h_t) of every step, for one h_o call
for (int t = 0; t < Bptt; t++) a[t] = new Tensor(Batch, Hidden);
var dh = new Tensor(Batch, Hidden);
var (savedMean, savedVar) = (new float[Hidden], new float[Hidden]);

for (int epoch = 1; epoch <= epochs; epoch++)
{
    h.Zero();
    double lossSum = 0, lastRight = 0;
    for (int k = 0; k < perEpoch; k++)
    {
        for (int t = 0; t < Bptt; t++)
            for (int n = 0; n < Batch; n++)
            {
                x[t][n] = train[n * stream + k * Bptt + t];
                targets[t * Batch + n] = train[n * stream + k * Bptt + t + 1];
            }
        // Forward, one step at a time, as the seed's loop.
        foreach (var m in named) m.Layer.Train();
        for (int t = 0; t < Bptt; t++)
        {
            TensorPrimitives.Add(h.Span, ih.Forward(x[t]).Span, a[t].Span);   // h = h + i_h(x_t)
            h.CopyFrom(relu.Forward(hh.Forward(a[t])).Span);                   // h = relu(h_h(h))
            bn.Forward(h).Span.CopyTo(outs.Span.Slice(t * Batch * Hidden));    // bn(h), to h_o below
        }
        adam.ZeroGrad();
        var logits = ho.Forward(outs);                                         // (T, N, V)
        lastRight += Predictions.Correct(logits.Span, targets, (Bptt - 1) * Batch);
        lossSum += loss.Forward(logits, targets, logits);                      // logits now hold dLoss/dlogits
        var dOuts = ho.Backward(logits)!;                                      // (T, N, H)

        // Backward through time. A layer keeps the cache of its last call only, so each step runs
        // again first (a[t] was kept) to restore its layers' caches, newest step first.
        dh.Zero();
        for (int t = Bptt - 1; t >= 0; t--)
        {
            ih.Forward(x[t]);
            var ht = relu.Forward(hh.Forward(a[t]));
            // The same batch statistics come back; the running statistics must not move twice.
            bn.RunningMean.Span.CopyTo(savedMean);
            bn.RunningVar.Span.CopyTo(savedVar);
            long tracked = bn.NumBatchesTracked;
            bn.Forward(ht);
            bn.RunningMean.CopyFrom(savedMean);
            bn.RunningVar.CopyFrom(savedVar);
            bn.NumBatchesTracked = tracked;
            var dFromOut = bn.Backward(dOuts.Slice(t * Batch * Hidden, Batch, Hidden))!;
            TensorPrimitives.Add(dh.Span, dFromOut.Span, dh.Span);             // dh_t: from step t+1 and from the output
            var da = hh.Backward(relu.Backward(dh))!;                          // through relu and h_h
            ih.Backward(da);                                                   // a_t = h_{t-1} + i_h(x_t)
            dh.CopyFrom(da.Span);                                              //   so dh_{t-1} = da_t
        }
        adam.Step();
    }
    Console.WriteLine($"epoch {epoch}: loss {lossSum / perEpoch:0.000} per token, accuracy on the 71st token {lastRight / (perEpoch * Batch):P1}");
}

// The same weights in the library's LoopModel (--cell loop) give the same validation logits.
foreach (var m in named) m.Layer.Eval();
var model = TokenModel.Create(new ModelConfig { Cell = "loop", Layers = 1, Hidden = Hidden, Embed = Hidden, VocabSize = v, Tokens = "words" }, new Rng(0));
model.LoadStateDict(named.SelectMany(m => m.Layer.StateDict($"{m.Name}.")).ToDictionary(p => p.Name, p => p.Data));
model.Eval();
var check = valid.AsSpan(0, 200).ToArray();
var library = model.Forward(check, check.Length, 1, null).ToArray();
var hv = new Tensor(1, Hidden);
float worst = 0;
for (int t = 0; t < check.Length; t++)
{
    var av = new Tensor(1, Hidden);
    TensorPrimitives.Add(hv.Span, ih.Forward([check[t]]).Span, av.Span);
    hv.CopyFrom(relu.Forward(hh.Forward(av)).Span);
    var step = ho.Forward(bn.Forward(hv)).Span;
    for (int j = 0; j < v; j++) worst = Math.Max(worst, Math.Abs(step[j] - library[t * v + j]));
}
Console.WriteLine($"LoopModel on the first 200 validation tokens: largest logit difference from the loop above {worst:G3}");
var r = Evaluator.Evaluate(model, valid, 64, Bptt);
var c = Continuation.Evaluate(model, valid, 20);
Console.WriteLine($"validation (8001..9999): accuracy {r.TokenAccuracy:P1}, on the 71st token {r.LastTokenAccuracy:P1}; 20-token greedy continuations entirely right {c.ExactRate:P1}");
