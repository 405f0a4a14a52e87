// A custom training loop over Recur's character model, without the TrainingRun machinery: your own
// batching (seed 001's random sequence lengths 10-40 with the state carried over), AdamW with amsgrad,
// gradient clipping, and sampling at temperature 0.1 (nearly greedy) and 1 at the end.
// Usage: dotnet run -c Release --project examples/CustomLoop -- BOOK.txt [steps]
using Recur;
using Recur.LanguageModel;
using Recur.Nn;
using Recur.Nn.Losses;
using Recur.Optim;
using Recur.Text;

string path = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "data", "tinyshakespeare.txt");
int steps = args.Length > 1 ? int.Parse(args[1]) : 400;

var text = TextFile.Read(path, new TextOptions(Ascii: true));
var vocab = Vocabulary.FromCharacters(text);
int[] ids = vocab.EncodeCharacters(text);

var model = new CharModel(new ModelConfig { Cell = "lstm", Layers = 1, Hidden = 256, VocabSize = vocab.Count }, new Rng(7));
var parameters = new ParameterSet(model);
var optimizer = new AdamW(parameters, lr: 3e-3, weightDecay: 0, amsgrad: true);
var loss = new CrossEntropyLoss();
var rng = new Rng(7);
var state = model.NewState(batch: 1);
int position = 0;

for (int step = 1; step <= steps; step++)
{
    int length = 10 + rng.NextInt(31);                        // seed 001: a random length in 10..40
    if (position + length + 1 >= ids.Length) { position = 0; state.Zero(); }
    var input = ids.AsSpan(position, length);
    var target = ids.AsSpan(position + 1, length);
    position += length;

    optimizer.ZeroGrad();
    var logits = model.Forward(input, length, 1, state);    // (T, 1, V)
    float value = loss.Forward(logits, target, logits);      // the gradient overwrites the logits
    model.Backward(logits);
    state.CopyFrom(model.Rnn.FinalState);                    // carry the state: truncated BPTT
    GradClip.ClipByGlobalNorm(parameters, 5);
    optimizer.Step();
    if (step % 100 == 0) Console.WriteLine($"step {step}: loss {value:0.000}");
}

var sampler = new Sampler(model, vocab);
Console.WriteLine(sampler.Generate(new SampleOptions { Prime = "The ", Length = 200, Temperature = 0.1 })[0]);
Console.WriteLine(sampler.Generate(new SampleOptions { Prime = "The ", Length = 200, Temperature = 1.0, Seed = 2 })[0]);
