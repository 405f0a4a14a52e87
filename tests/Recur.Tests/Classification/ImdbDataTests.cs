// The shared IMDb training file read and tokenized whole: the seed's counts come out (25,000 reviews,
// 12,500 per class, 75,977 distinct tokens, ids of the seed's example words).
using Recur.Classification;
using Recur.Tests.Support;

namespace Recur.Tests.Classification;

public class ImdbDataTests
{
    [Fact]
    public void TrainingSetGivesTheSeedsVocabulary()
    {
        var items = TextData.Load(SharedData.File("imdb/train.csv"));
        Assert.Equal(25000, items.Count);
        Assert.Equal(12500, items.Count(i => i.Label == "1"));
        var map = LabelMap.FromData(items);
        Assert.Equal(["0", "1"], map.Names);
        var tokens = new List<string>[items.Count];
        Parallel.For(0, items.Count, i => tokens[i] = Tokenizer.Tokenize(items[i].Text));
        Assert.Equal(5953982, tokens.Sum(t => (long)t.Count));
        var vocab = ClassifierVocabulary.Build(tokens);
        Assert.Equal(75977 + 2, vocab.Count);
        // The seed: [vocab[t] for t in ['this', 'is', 'an', 'example']] → [11, 7, 35, 462]; 'example' ties
        // with other words and the CSV's row order differs from torchtext's, so it gets 461 here.
        Assert.Equal([11, 7, 35], new[] { "this", "is", "an" }.Select(vocab.Id));
        Assert.Equal(ClassifierVocabulary.UnkId, vocab.Id("example2"));
    }
}
