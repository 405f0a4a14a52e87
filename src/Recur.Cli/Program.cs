// recur: train, sample and evaluate recurrent models from the command line.
using System.CommandLine;
using Recur.Cli;
using Recur.Cli.Commands;

var root = new RootCommand("Recur: recurrent neural networks (char-rnn language models, LSTM classifiers and forecasters) on a pure C# engine.");
foreach (var command in CommandList.All()) root.Add(command);
return Cli.Run(root, args);
