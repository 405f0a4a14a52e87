"""PyTorch's side of Recur's language-model speed benchmark (bench/Recur.Bench `compare`).

The same models as bench/Recur.Bench/LmConfigs.cs: [embedding] -> nn.LSTM/nn.GRU -> nn.Linear, trained
with cross-entropy, clip_grad_norm_(5) and Adam on tinyshakespeare (a word model: War and Peace) in N x T
stateful batches; sampling feeds one token at a time with a carried state. Prints one JSON line like the Recur side.
Usage: /usr/bin/python3 torch_lm.py CONFIG train|sample1|sample32|layer [--seconds S] [--threads N]
Needs Debian's python3-torch and libopenblas0-pthread (otherwise torch runs on reference BLAS, and this
script refuses); OpenBLAS gets the same --threads as torch (torch_blas.py).
"""
import argparse
import collections
import json
import os
import re
import resource
import time

import torch

from torch_blas import use_openblas

CONFIGS = {
    "lstm2x512-onehot": ("lstm", 2, 512, 0, 64, 100),
    "lstm1x512-emb256": ("lstm", 1, 512, 256, 64, 40),
    "lstm2x128-emb64": ("lstm", 2, 128, 64, 50, 50),
    "gru3x512-onehot": ("gru", 3, 512, 0, 64, 100),
    # War and Peace's words, lowercased, the 10,000 most frequent; output layer tied to the embedding
    "words2x200-tied": ("lstm", 2, 200, 200, 20, 35),
    "lstm-layer-512": ("lstm", 1, 512, 512, 64, 100),
}


WORDS = {"words2x200-tied": 10000}


class Model(torch.nn.Module):
    def __init__(self, cell, layers, hidden, embed, vocab, tie=False):
        super().__init__()
        self.vocab = vocab
        self.embedding = torch.nn.Embedding(vocab, embed) if embed > 0 else None
        rnn = torch.nn.LSTM if cell == "lstm" else torch.nn.GRU
        self.rnn = rnn(embed if embed > 0 else vocab, hidden, num_layers=layers)
        self.fc = torch.nn.Linear(hidden, vocab)
        if tie:
            self.fc.weight = self.embedding.weight

    def forward(self, x, state):  # x: (T, N) token ids
        if self.embedding is not None:
            x = self.embedding(x)
        else:
            x = torch.nn.functional.one_hot(x, self.vocab).float()
        y, state = self.rnn(x, state)
        return self.fc(y), state


def words(path):
    """About Recur's --tokens words rule (docs/cli.md): words with inner apostrophes, every other mark alone, <eos> at
    line ends; lowercased. For speed only the vocabulary's size matters, which both sides cut to the same count."""
    out = []
    for line in open(path, encoding="utf-8").read().lower().split("\n"):
        out.extend(re.findall(r"\w+(?:['’]\w+)*|[^\w\s]", line))
        out.append("<eos>")
    return out


def detach(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("what")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)))  # as `measure`: every core it may use
    ap.add_argument("--data", default=os.environ.get("RECUR_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")))
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    blas = use_openblas(a.threads)
    torch.manual_seed(1)
    cell, layers, hidden, embed, batch, seq = CONFIGS[a.config]
    # Each measurement loads what Recur's side loads (LmBench.cs), no more, as the peak memory counts it:
    # the layer alone no corpus and no language model; sampling the corpus's characters but not its ids.
    if a.what == "layer":
        rate = layer(cell, layers, hidden, batch, seq, a.seconds)
    elif a.config in WORDS:
        tokens = words(os.path.join(a.data, "warpeace.txt"))
        kept = [w for w, _ in collections.Counter(tokens).most_common(WORDS[a.config] - 1)] + ["<unk>"]
        index = {w: i for i, w in enumerate(kept)}
        model = Model(cell, layers, hidden, embed, len(kept), tie=True)
        if a.what == "train":
            ids = torch.tensor([index.get(w, len(kept) - 1) for w in tokens], dtype=torch.long)
            rate = train(model, ids, batch, seq, a.seconds)
        else:
            rate = sample(model, index["the"], 1 if a.what == "sample1" else 32, a.seconds)
    else:
        text = open(os.path.join(a.data, "tinyshakespeare.txt"), encoding="utf-8").read()
        chars = sorted(set(text))
        index = {c: i for i, c in enumerate(chars)}
        model = Model(cell, layers, hidden, embed, len(chars))
        if a.what == "train":
            ids = torch.tensor([index[c] for c in text], dtype=torch.long)
            rate = train(model, ids, batch, seq, a.seconds)
        else:
            rate = sample(model, index["T"], 1 if a.what == "sample1" else 32, a.seconds)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"config": a.config, "what": a.what, "rate": rate, "peak_mb": peak_mb, "torch": torch.__version__, "blas": blas}))


def train(model, ids, batch, seq, seconds):
    streams = (len(ids) - 1) // batch
    data = ids[: streams * batch + 1]
    x_all = data[:-1].view(batch, streams).t()  # (streams, N): column n is stream n
    y_all = data[1:].view(batch, streams).t()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    state = None
    per_epoch = streams // seq

    def step(k):
        nonlocal state
        i = (k % per_epoch) * seq
        x, y = x_all[i:i + seq], y_all[i:i + seq]
        opt.zero_grad()
        logits, state = model(x, state)
        loss = loss_fn(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        loss.backward()
        state = detach(state)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5)
        opt.step()

    for k in range(3):
        step(k)
    start, k = time.perf_counter(), 3
    while time.perf_counter() - start < seconds or k < 5:
        step(k)
        k += 1
    return (k - 3) * batch * seq / (time.perf_counter() - start)


def layer(cell, layers, hidden, batch, seq, seconds):
    """One nn.LSTM/nn.GRU alone: forward and backward over (seq, batch, hidden) inputs, tokens/s."""
    rnn = (torch.nn.LSTM if cell == "lstm" else torch.nn.GRU)(hidden, hidden, num_layers=layers)
    x = torch.randn(seq, batch, hidden, requires_grad=True)
    dy = torch.randn(seq, batch, hidden)

    def step():
        rnn.zero_grad()
        y, _ = rnn(x)
        y.backward(dy)

    for _ in range(3):
        step()
    start, k = time.perf_counter(), 0
    while time.perf_counter() - start < seconds or k < 3:
        step()
        k += 1
    return k * batch * seq / (time.perf_counter() - start)


@torch.no_grad()
def sample(model, first, batch, seconds):
    model.eval()

    def run(length):
        x = torch.full((1, batch), first, dtype=torch.long)
        state = None
        for _ in range(length):
            logits, state = model(x, state)
            probs = torch.softmax(logits[0], dim=-1)
            x = torch.multinomial(probs, 1).t()

    run(50)
    start, chars = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        run(2000)
        chars += 2000 * batch
    return chars / (time.perf_counter() - start)


if __name__ == "__main__":
    main()
