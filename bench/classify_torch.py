#!/usr/bin/python3
"""Seed 002's IMDb sentiment LSTM in PyTorch, timed per epoch: the anchor for `recur classify train`.

The same tokenizer, vocabulary, model (Embedding 32, padding row 0 -> packed LSTM 50 -> Linear 32 ->
ReLU -> Linear 1 -> sigmoid), BCE loss, Adam 0.003, batch 32 and shuffling as the seed, on the same
CSV files Recur reads. Run with Debian's python3-torch (1.13) on OpenBLAS (libopenblas0-pthread; training
refuses to time anything else), which gets --threads threads as torch does (torch_blas.py):

    /usr/bin/python3 bench/classify_torch.py ../shared/data/imdb/train.csv --epochs 1 --threads 2

Prints each epoch's training time (tokenizing and evaluation excluded) and processor time (all
threads), reviews/s and tokens/s.

On this 2-core VM under load, glibc's malloc hands PyTorch's large, short-lived buffers back to the
kernel and faults them in again, step after step (~1 million page faults per LSTM backward of a
300-step batch): the packed LSTM's backward then runs 20-30x slower. Setting
    MALLOC_MMAP_THRESHOLD_=4000000000 MALLOC_TRIM_THRESHOLD_=4000000000 MALLOC_TOP_PAD_=536870912
keeps that memory in the process (bench/classify_epoch.sh does, unless TORCH_MALLOC=default).
--layers 2 --bidirectional times the 2-layer bidirectional variant (fc1 reads both directions' final
states, as Recur's model does); --cell gru or rnn (tanh) swaps the recurrent layer, as `recur classify
train --cell` does. --test FILE also reports test accuracy after the last epoch.

    /usr/bin/python3 bench/classify_torch.py --load runs/imdb/model.safetensors --test ../shared/data/imdb/test.csv

loads a model trained by `recur classify train` into this PyTorch module (tensors by the seed's names,
vocabulary and labels from the file's metadata) and reports its test accuracy, no training; a model of
K > 2 classes ends in Linear K -> softmax, and a text's class is the most likely.
"""
import argparse
import csv
import re
import sys
import time
from collections import Counter

import json
import os

import torch
import torch.nn as nn

from torch_blas import use_openblas

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools', 'reference'))


def tokenizer(text):
    # Seed 002's rule: strip tags, collect emoticons from the lowercased text, split on non-word runs,
    # append the emoticons without '-'.
    text = re.sub('<[^>]*>', '', text)
    emoticons = re.findall(r'(?::|;|=)(?:-)?(?:\)|\(|D|P)', text.lower())
    text = re.sub(r'[\W]+', ' ', text.lower()) + ' '.join(emoticons).replace('-', '')
    return text.split()


def read(path, limit=None, label='label'):
    with open(path, encoding='utf-8', newline='') as f:
        rows = [(row[label], row['text']) for row in csv.DictReader(f)]
    if limit:
        # An even spread of both classes (the files hold all negatives, then all positives).
        step = max(1, len(rows) // limit)
        rows = rows[::step][:limit]
    return rows


CELLS = {'lstm': nn.LSTM, 'gru': nn.GRU, 'rnn': nn.RNN}


class Model(nn.Module):
    def __init__(self, vocab_size, embed=32, hidden=50, fc=32, layers=1, bidirectional=False, cell='lstm', classes=2):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed, padding_idx=0)
        self.rnn = CELLS[cell](embed, hidden, num_layers=layers, bidirectional=bidirectional, batch_first=True)
        self.bidirectional = bidirectional
        self.fc1 = nn.Linear(hidden * (2 if bidirectional else 1), fc)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(fc, 1 if classes == 2 else classes)
        self.sigmoid = nn.Sigmoid() if classes == 2 else nn.Softmax(dim=1)

    def forward(self, text, lengths):
        out = self.embedding(text)
        out = nn.utils.rnn.pack_padded_sequence(out, lengths.cpu().numpy(), enforce_sorted=False, batch_first=True)
        out, state = self.rnn(out)
        hidden = state[0] if isinstance(state, tuple) else state  # an LSTM's state is (h, c)
        out = torch.cat([hidden[-2], hidden[-1]], dim=1) if self.bidirectional else hidden[-1]
        return self.sigmoid(self.fc2(self.relu(self.fc1(out))))


def evaluate(model, vocab, labels, test, max_len=None):
    """Accuracy of p >= 0.5 (of the most likely class, for more than two) on labelled rows; unknown words are <unk> (1)."""
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(test), 256):
            chunk = test[start:start + 256]
            texts = [torch.tensor(([vocab.get(w, 1) for w in tokenizer(t)] or [1])[:max_len], dtype=torch.int64) for _, t in chunk]
            lengths = torch.tensor([len(t) for t in texts])
            p = model(nn.utils.rnn.pad_sequence(texts, batch_first=True), lengths)
            if len(labels) > 2:
                y = torch.tensor([labels.index(label) for label, _ in chunk])
                correct += (p.argmax(dim=1) == y).float().sum().item()
                continue
            y = torch.tensor([1.0 if label == labels[1] else 0.0 for label, _ in chunk])
            correct += ((p[:, 0] >= 0.5).float() == y).float().sum().item()
    return correct / len(test)


def evaluate_recur_model(args):
    import st
    path = os.path.join(args.load, 'model.safetensors') if os.path.isdir(args.load) else args.load
    state, meta = st.load(path)
    config = json.loads(meta['config'])
    vocab = {w: i for i, w in enumerate(json.loads(meta['vocab']))}
    labels = json.loads(meta['labels'])
    max_len = int(meta['max_len']) if meta.get('max_len') else None
    model = Model(len(vocab), config['embed'], config['hidden'], config['fc'], config['layers'], config['bidirectional'],
                  config['cell'], config.get('classes', 2))
    model.load_state_dict(state)  # strict: every name and shape must match the seed's module
    print(f'loaded {path} into the PyTorch module: {sum(p.numel() for p in model.parameters())} parameters, '
          f'vocabulary {len(vocab)}, labels {labels}', flush=True)
    if args.test:
        test = read(args.test, label=args.label_column)
        unknown = sorted({label for label, _ in test} - set(labels))
        if unknown:  # as recur classify eval: a label the model lacks would be scored as the negative class
            sys.exit(f'{args.test}: labels {unknown} are not the model\'s {labels}')
        print(f'test accuracy {100 * evaluate(model, vocab, labels, test, max_len):.2f} % (PyTorch forward pass)')
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('train', nargs='?', help='training CSV (label,rating,id,text)')
    ap.add_argument('--load', help="a Recur classifier file (or run directory) to evaluate in PyTorch instead of training")
    ap.add_argument('--test', help='test CSV: report accuracy after the last epoch')
    ap.add_argument('--label-column', default='label', help="with --load: the test CSV's label column (rating: IMDb's stars)")
    ap.add_argument('--epochs', type=int, default=1)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--layers', type=int, default=1)
    ap.add_argument('--bidirectional', action='store_true')
    ap.add_argument('--cell', choices=sorted(CELLS), default='lstm')
    ap.add_argument('--limit', type=int, help='time on an even sample of this many reviews')
    ap.add_argument('--seed', type=int, default=0)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    if args.load:
        return evaluate_recur_model(args)
    if not args.train:
        ap.error('give a training CSV, or --load a Recur model')
    blas = use_openblas(args.threads)
    train = read(args.train, args.limit)
    labels = sorted({label for label, _ in train}, key=lambda s: (int(s) if s.lstrip('-').isdigit() else 0, s.upper(), s))  # as Recur's LabelMap
    tokens = [tokenizer(text) for _, text in train]
    counts = Counter()
    for t in tokens:
        counts.update(t)
    vocab = {'<pad>': 0, '<unk>': 1}
    for word, _ in sorted(counts.items(), key=lambda x: x[1], reverse=True):
        vocab[word] = len(vocab)
    data = [(torch.tensor([vocab[w] for w in t], dtype=torch.int64), 1.0 if label == labels[1] else 0.0)
            for t, (label, _) in zip(tokens, train)]
    total_tokens = sum(len(t) for t in tokens)
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, {blas}; {len(data)} reviews, '
          f'{total_tokens} tokens, vocabulary {len(vocab)}; labels {labels[0]} -> 0, {labels[1]} -> 1', flush=True)

    def collate(batch):
        texts = [t for t, _ in batch]
        lengths = torch.tensor([len(t) for t in texts])
        return nn.utils.rnn.pad_sequence(texts, batch_first=True), torch.tensor([y for _, y in batch]), lengths

    loader = torch.utils.data.DataLoader(data, batch_size=32, shuffle=True, collate_fn=collate)
    model = Model(len(vocab), layers=args.layers, bidirectional=args.bidirectional, cell=args.cell)
    loss_fn = nn.BCELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.003)
    for epoch in range(1, args.epochs + 1):
        model.train()
        total_loss, correct, seen = 0.0, 0, 0
        start, cpu_start = time.perf_counter(), time.process_time()
        for text, label, lengths in loader:
            optimizer.zero_grad()
            pred = model(text, lengths)[:, 0]
            loss = loss_fn(pred, label)
            loss.backward()
            optimizer.step()
            correct += ((pred >= 0.5).float() == label).float().sum().item()
            total_loss += loss.item() * label.size(0)
            seen += label.size(0)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        print(f'epoch {epoch}: loss {total_loss / seen:.4f} accuracy {correct / seen:.4f} '
              f'{seconds:.1f} s (cpu {cpu:.1f} s) {seen / seconds:.1f} reviews/s {total_tokens / seconds:,.0f} tokens/s', flush=True)

    if args.test:
        accuracy = evaluate(model, vocab, labels, read(args.test))
        print(f'test accuracy {100 * accuracy:.2f} %')
    return 0


if __name__ == '__main__':
    sys.exit(main())
