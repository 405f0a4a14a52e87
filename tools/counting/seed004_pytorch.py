"""Seed 004's counting models in PyTorch, measured the way `recur eval --continuation` measures Recur's.

Reads the corpus `recur numbers -o DIR` writes (DIR/train.txt: 1..8000, DIR/valid.txt: 8001..9999, words
separated by spaces), trains a word-level GRU or LSTM (Embedding E -> L layers of H -> Linear to the
vocabulary) as `recur train --batching stateful` does: the training stream cut into N contiguous rows read
T tokens at a time, the state carried across batches and detached, cross-entropy over every token, Adam,
gradient clipping to a global norm of 5. Then, on train and on valid, it reports:
  last_token  argmax accuracy on the last token of each T-token window (N rows, state carried; seed 004's
              71st token for T = 70), as recur's Evaluator counts it;
  token       argmax accuracy over every token;
  exact       the share of K-token windows (starting at 0, K, 2K, ...) whose greedy K-token continuation
              from a zero state is entirely right (K = 20), as recur's Continuation counts it;
  first_word  accuracy on the first word of each number (the token after ","), the one the valid numbers'
              unseen "eight/nine thousand" makes hard.
It exists to show whether the framework the seed used reaches the issue's valid-set goal with the same data.

Usage: /usr/bin/python3 seed004_pytorch.py DIR [--cell gru|lstm] [--layers 2] [--hidden 256] [--embed 64]
       [--epochs 30] [--lr 0.003] [--batch 64] [--seq 70] [--dropout 0] [--tie] [--seeds 1 2 3]
"""
import argparse
import json
import os
import time

import torch
import torch.nn as nn


class WordModel(nn.Module):
    def __init__(self, vocab, cell, layers, hidden, embed, dropout, tie):
        super().__init__()
        self.embed = nn.Embedding(vocab, embed)
        rnn = nn.GRU if cell == "gru" else nn.LSTM
        self.rnn = rnn(embed, hidden, layers, dropout=dropout if layers > 1 else 0)
        self.drop = nn.Dropout(dropout)
        # With --tie the output layer reuses the embedding through a projection H -> E.
        self.proj = nn.Linear(hidden, embed) if tie else None
        self.fc = nn.Linear(embed if tie else hidden, vocab)
        if tie:
            self.fc.weight = self.embed.weight

    def forward(self, x, state=None):
        # x: (T, N) token ids -> logits (T, N, V)
        y, state = self.rnn(self.embed(x), state)
        y = self.drop(y)
        if self.proj is not None:
            y = self.proj(y)
        return self.fc(y), state


def detach(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def rows(ids, n):
    # the stream as n contiguous rows: (n, length)
    length = len(ids) // n
    return torch.tensor(ids[: n * length]).view(n, length)


def train(model, ids, args):
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    # inputs and targets one token apart, as (N, length) rows
    x_all, y_all = rows(ids[:-1], args.batch), rows(ids[1:], args.batch)
    for epoch in range(args.epochs):
        model.train()
        state, total, count = None, 0.0, 0
        for start in range(0, x_all.shape[1], args.seq):
            x = x_all[:, start:start + args.seq].t().contiguous()
            y = y_all[:, start:start + args.seq].t().contiguous()
            if state is not None:
                state = detach(state)
            logits, state = model(x, state)
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            total += loss.item() * y.numel()
            count += y.numel()
        if (epoch + 1) % 10 == 0 or epoch == 0:
            print(f"    epoch {epoch + 1} loss {total / count:.4f}", flush=True)


@torch.no_grad()
def accuracies(model, ids, comma, args):
    model.eval()
    n = min(args.batch, len(ids) - 1)
    x_all, y_all = rows(ids[:-1], n), rows(ids[1:], n)
    # the token before each target is the input: a target after "," is a number's first word
    right = last = windows = first = firsts = 0
    state = None
    for start in range(0, x_all.shape[1], args.seq):
        x = x_all[:, start:start + args.seq].t()
        y = y_all[:, start:start + args.seq].t()
        logits, state = model(x, state)
        hit = logits.argmax(-1) == y
        right += hit.sum().item()
        last += hit[-1].sum().item()
        windows += n
        after_comma = x == comma
        first += (hit & after_comma).sum().item()
        firsts += after_comma.sum().item()
    return right / y_all.numel(), last / windows, first / firsts


@torch.no_grad()
def exact_continuations(model, ids, k=20):
    model.eval()
    windows = len(ids) // k - 1
    t = torch.tensor(ids)
    context = torch.stack([t[w * k:(w + 1) * k] for w in range(windows)], 1)        # (K, W)
    truth = torch.stack([t[(w + 1) * k:(w + 2) * k] for w in range(windows)], 1)    # (K, W)
    logits, state = model(context)
    ok = torch.ones(windows, dtype=torch.bool)
    nxt = logits[-1].argmax(-1)
    for i in range(k):
        ok &= nxt == truth[i]
        if i == k - 1:
            break
        logits, state = model(nxt.view(1, -1), state)
        nxt = logits[-1].argmax(-1)
    return ok.float().mean().item()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--cell", default="gru", choices=["gru", "lstm"])
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--embed", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--lr", type=float, default=0.003)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seq", type=int, default=70)
    ap.add_argument("--dropout", type=float, default=0.0)
    ap.add_argument("--tie", action="store_true")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1])
    args = ap.parse_args()
    words = {}
    for part in ("train", "valid"):
        with open(os.path.join(args.dir, part + ".txt")) as f:
            words[part] = f.read().split()
    vocab = sorted(set(words["train"]))
    index = {w: i for i, w in enumerate(vocab)}
    missing = set(words["valid"]) - set(vocab)
    assert not missing, f"valid words not in train: {missing}"
    ids = {p: [index[w] for w in ws] for p, ws in words.items()}
    print(f"vocab {len(vocab)}; train {len(ids['train'])} tokens, valid {len(ids['valid'])}; {vars(args)}")
    for seed in args.seeds:
        torch.manual_seed(seed)
        model = WordModel(len(vocab), args.cell, args.layers, args.hidden, args.embed, args.dropout, args.tie)
        began = time.time()
        train(model, ids["train"], args)
        result = {"seed": seed, "seconds": round(time.time() - began, 1)}
        for part in ("train", "valid"):
            token, last, first = accuracies(model, ids[part], index[","], args)
            result[part] = {"last_token": round(last, 4), "token": round(token, 4), "first_word": round(first, 4),
                            "exact": round(exact_continuations(model, ids[part]), 4)}
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
