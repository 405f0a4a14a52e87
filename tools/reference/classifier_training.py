"""Training references for Recur's text classifier (src/Recur/Classification): K Adam steps in PyTorch.

The module is the seed's network as Recur builds it: Embedding(V, E, padding_idx=0) -> LSTM or GRU over
the packed real tokens (pack_padded_sequence, enforce_sorted=False) -> the last layer's final hidden
state, cat(hidden[-2], hidden[-1]) when bidirectional (Recur reads both directions; the seed's
hidden[-1] alone would drop the forward one) -> fc1 -> ReLU -> fc2 -> one logit, trained with
BCEWithLogitsLoss (mean over the batch; Recur's stable form of the seed's Sigmoid + BCELoss) and Adam;
a case of K > 2 classes ends in fc2 -> K logits, trained with CrossEntropyLoss (its targets are class
indices, stored as floats as Recur keeps them, and its config says "classes").
Batches are fixed lists of text indices, so the C# test feeds Recur the same ones in the same order.
Each file classifier_train_<name>.safetensors holds the texts as "tokens" (S, Lmax) padded with 0 and
their "lengths" (S), "targets" (S), the batches as "batch.<k>" (indices, in the order given), the
weights before training ("init.<pytorch name>"), each step's loss "losses" (K) and the weights after
the K steps ("final.<pytorch name>"); the JSON "config" gives the sizes, the cell and the learning rate.
A case with a clip (classify train's --clip) clips after backward as Recur claims to, clip_grad_norm_
over all parameters (one global 2-norm), and also holds each step's norm before clipping "grad_norms" (K).
Usage: /usr/bin/python3 classifier_training.py OUT_DIR
"""
import json
import sys

import torch
from torch.nn.utils.rnn import pack_padded_sequence

import st

PAD, UNK = 0, 1


class TextClassifier(torch.nn.Module):
    def __init__(self, cell, vocab, embed, hidden, layers, bidirectional, fc, outputs=1):
        super().__init__()
        self.lstm = cell == "lstm"
        self.bidirectional = bidirectional
        self.embedding = torch.nn.Embedding(vocab, embed, padding_idx=PAD)
        kind = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
        self.rnn = kind(embed, hidden, num_layers=layers, bidirectional=bidirectional)
        self.fc1 = torch.nn.Linear((2 if bidirectional else 1) * hidden, fc)
        self.fc2 = torch.nn.Linear(fc, outputs)

    def forward(self, ids, lengths):
        """ids (T, N) padded with PAD, lengths (N) -> logits (N, outputs)."""
        packed = pack_padded_sequence(self.embedding(ids), lengths, enforce_sorted=False)
        _, final = self.rnn(packed)
        h = final[0] if self.lstm else final          # (layers * dirs, N, H)
        f = torch.cat([h[-2], h[-1]], dim=1) if self.bidirectional else h[-1]
        return self.fc2(torch.relu(self.fc1(f)))


def batch_of(texts, which):
    """Time-major ids (T, N) padded with PAD and the lengths (N) of texts[which]."""
    lengths = torch.tensor([len(texts[i]) for i in which])
    ids = torch.full((int(lengths.max()), len(which)), PAD, dtype=torch.int64)
    for j, i in enumerate(which):
        ids[:len(texts[i]), j] = torch.tensor(texts[i])
    return ids, lengths


def case(out, name, cell, texts, targets, batches, vocab=13, embed=5, hidden=6, layers=1, bidirectional=False,
         fc=4, lr=0.01, clip=None, seed=0, classes=2):
    torch.manual_seed(seed)
    model = TextClassifier(cell, vocab, embed, hidden, layers, bidirectional, fc, 1 if classes == 2 else classes)
    tensors = {f"init.{k}": v.clone() for k, v in model.state_dict().items()}
    adam = torch.optim.Adam(model.parameters(), lr=lr)
    y = torch.tensor(targets, dtype=torch.float32)
    if classes == 2:
        bce = torch.nn.BCEWithLogitsLoss()
        loss_fn = lambda z, which: bce(z, y[which].unsqueeze(1))
    else:
        ce = torch.nn.CrossEntropyLoss()
        loss_fn = lambda z, which: ce(z, y[which].long())
    losses, norms = [], []
    for which in batches:
        ids, lengths = batch_of(texts, which)
        adam.zero_grad()
        loss = loss_fn(model(ids, lengths), which)
        loss.backward()
        if clip is not None:
            norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), clip)))
        adam.step()
        losses.append(loss.item())
    longest = max(len(t) for t in texts)
    tokens = torch.full((len(texts), longest), PAD, dtype=torch.int64)
    for i, t in enumerate(texts):
        tokens[i, :len(t)] = torch.tensor(t)
    tensors["tokens"] = tokens
    tensors["lengths"] = torch.tensor([len(t) for t in texts])
    tensors["targets"] = y
    for k, which in enumerate(batches):
        tensors[f"batch.{k}"] = torch.tensor(which)
    tensors["losses"] = torch.tensor(losses, dtype=torch.float32)
    if clip is not None:
        tensors["grad_norms"] = torch.tensor(norms, dtype=torch.float32)
    tensors.update({f"final.{k}": v.clone() for k, v in model.state_dict().items()})
    config = dict(cell=cell, vocab=vocab, embed=embed, hidden=hidden, layers=layers, bidirectional=bidirectional,
                  fc=fc, lr=lr, steps=len(batches))
    if clip is not None:  # only here, so the files of the cases without a clip stay as they were
        config["clip"] = clip
    if classes != 2:  # likewise
        config["classes"] = classes
    st.save(f"{out}/classifier_train_{name}.safetensors", tensors, {"config": json.dumps(config)})
    clipped = f", clipped {sum(n > clip for n in norms)}/{len(norms)}" if clip is not None else ""
    print(f"classifier_train_{name}: loss {losses[0]:.4f} -> {losses[-1]:.4f}{clipped}")
    return norms


def main(out):
    # Ten texts of 1 to 7 tokens over ids 1 (<unk>) .. 12, labels alternating. Text 4 holds a <pad> id
    # (the tokenizer never makes one, but encoded texts can): padding_idx keeps its row at zero and out
    # of the gradient, so the test fails if Recur's embedding forgets padding_idx.
    texts = [[3, 7, 2, 9], [5], [11, 4, 4, 8, 1, 6, 2], [9, 12, 3], [2, 0, 10, 5, 7],
             [6, 6, 1], [12, 3, 8, 4, 9, 10], [7, 2], [10, 11, 5, 3, 12], [4, 8]]
    targets = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0]
    # Two epochs of batches of 4, 3 and 3 texts, the second in another order and mix; indices are given
    # unsorted (Recur and PyTorch each sort by length themselves).
    batches = [[0, 4, 1, 7], [2, 9, 5], [8, 3, 6], [6, 1, 3], [9, 0, 2, 5], [7, 8, 4]]
    case(out, "lstm", "lstm", texts, targets, batches, seed=1)
    case(out, "lstm_l2_bi", "lstm", texts, targets, batches, layers=2, bidirectional=True, seed=2)
    case(out, "gru", "gru", texts, targets, batches, seed=3)
    # --clip 0.2 on a bidirectional GRU at lr 0.05: its gradient norm runs about 0.15 to 0.36 here, so the
    # first step is left alone and the others are scaled down, each by its own factor. Adam divides by
    # the gradients' running size, so a clip only changes the weights where its factor varies from step
    # to step, as it does here.
    norms = case(out, "gru_bi_clip", "gru", texts, targets, batches, bidirectional=True, lr=0.05, clip=0.2, seed=6)
    assert sum(n > 0.2 for n in norms) > len(norms) // 2 and any(n <= 0.2 for n in norms), norms
    # More than two classes: fc2 gives a logit per class, trained with softmax cross-entropy.
    case(out, "lstm_3class", "lstm", texts, [0, 1, 2, 0, 1, 2, 0, 1, 2, 0], batches, classes=3, seed=7)
    case(out, "gru_bi_5class", "gru", texts, [4, 0, 3, 1, 2, 2, 0, 4, 1, 3], batches, bidirectional=True, classes=5, seed=8)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../../tests/Recur.Tests/Reference")
