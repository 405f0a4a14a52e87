"""Model-level training reference: whole `recur train` steps of the language model, composed.

The layers, the loss and the optimizers are checked one by one elsewhere; here PyTorch takes K training
steps of interop.TextModel (the equivalent of Recur's CharModel) exactly as TrainingRun.Step does, dropout 0:
  - stateful batches: the text's ids cut into N contiguous streams of (len - 1) // N tokens; batch k of an
    epoch is steps [kT, (k+1)T) of every stream, time-major (T, N), targets shifted by one; an epoch is
    stream // T batches (the streams' leftover tokens are never read);
  - the hidden state is carried from one batch to the next, detached (truncated BPTT), and zeroed when a
    new epoch starts;
  - loss = mean cross-entropy over all T·N tokens; backward; clip_grad_norm_(clip) unless clip is 0;
    the optimizer's step; at the end of every epoch ExponentialLR(lr_decay) steps (when lr_decay < 1).
The text is characters, so the ids are Recur's character vocabulary: the distinct characters in code-point
order (Vocabulary.FromCharacters), and the C# test trains on the same text through `recur train
--init-from`'s path. Each case file training_<name>.safetensors holds
  init.<param>   the state dict before the first step (a tied model has fc.weight == embedding.weight)
  tokens         (L,) the text's ids
  losses         (K,) every step's training loss
  grad_norms     (K,) every step's global gradient norm before clipping (0 when clip is 0)
  lr_after       (K,) the learning rate after each step (float64; ExponentialLR steps at an epoch's end)
  final.<param>  the state dict after K steps
and a JSON "config" (the model, the training flags, K and the text itself).
Usage: /usr/bin/python3 training.py OUT_DIR
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

import st
from interop import TextModel

OUT = sys.argv[1] if len(sys.argv) > 1 else "../../tests/Recur.Tests/Reference"

# A line of English, for cases that train on a real text rather than random letters.
PROSE = "the cat sat on the mat. a dog ran past the red door. "


def encode(text):
    """Recur's character vocabulary (distinct characters in code-point order) and the text's ids."""
    vocab = sorted(set(text))
    index = {c: i for i, c in enumerate(vocab)}
    return vocab, [index[c] for c in text]


def random_text(seed, length, letters):
    """length random letters from the first `letters` of the alphabet, every one of them present."""
    g = torch.Generator().manual_seed(seed)
    while True:
        ids = torch.randint(0, letters, (length,), generator=g).tolist()
        if len(set(ids)) == letters:
            return "".join(chr(ord("a") + i) for i in ids)


def optimizer(params, cfg):
    name, lr, wd = cfg["optimizer"], cfg["lr"], cfg["weight_decay"]
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=wd)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=wd)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=wd)  # recur train's SGD: momentum 0.9
    return torch.optim.RMSprop(params, lr=lr, weight_decay=wd)


def detach(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def train(model, ids, cfg):
    """K steps as TrainingRun.Step takes them; returns per-step losses, gradient norms and learning rates after."""
    n, t, v = cfg["batch"], cfg["seq"], cfg["vocab_size"]
    stream = (len(ids) - 1) // n
    per_epoch = stream // t
    text = torch.tensor(ids)
    opt = optimizer(model.parameters(), cfg)  # a tied table is one parameter, updated once
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, cfg["lr_decay"]) if cfg["lr_decay"] < 1 else None
    state = None
    losses, norms, lrs = [], [], []
    for step in range(cfg["steps"]):
        k = step % per_epoch
        if k == 0:
            state = None  # every epoch starts from a zero state
        starts = torch.arange(n) * stream + k * t                  # (N,) where each stream's batch begins
        pos = starts.view(1, n) + torch.arange(t).view(t, 1)       # (T, N) time-major positions
        x, y = text[pos], text[pos + 1]
        opt.zero_grad()
        logits, final = model(x, state)
        loss = F.cross_entropy(logits.reshape(t * n, v), y.reshape(t * n))
        loss.backward()
        state = detach(final)
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["clip"]) if cfg["clip"] > 0 else torch.tensor(0.0)
        opt.step()
        losses.append(loss.item())
        norms.append(float(norm))
        assert loss.item() <= 3 * math.log(max(2, v)), "Recur would stop this run as diverged"
        if k == per_epoch - 1 and sched is not None:
            sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    return losses, norms, lrs


def case(name, seed, text, model_cfg, train_cfg):
    vocab, ids = encode(text)
    cfg = dict(model_cfg, vocab_size=len(vocab))
    torch.manual_seed(seed)
    model = TextModel(cfg)
    if cfg.get("tie"):
        # Recur's tied table starts from the output layer's draw, U(±1/√H), not the embedding's N(0, 1).
        model.fc.weight = model.embedding.weight = torch.nn.Parameter(model.fc.weight.detach().clone())
    init = {"init." + k: v.clone() for k, v in model.state_dict().items()}
    full = dict(cfg, **train_cfg, text=text)
    losses, norms, lrs = train(model, ids, full)
    per_epoch = (len(ids) - 1) // full["batch"] // full["seq"]
    tensors = dict(init)
    tensors["tokens"] = torch.tensor(ids)
    tensors["losses"] = torch.tensor(losses)
    tensors["grad_norms"] = torch.tensor(norms)
    tensors["lr_after"] = torch.tensor(lrs, dtype=torch.float64)
    tensors.update({"final." + k: v for k, v in model.state_dict().items()})
    st.save(os.path.join(OUT, f"training_{name}.safetensors"), tensors, {"config": json.dumps(full)})
    clipped = sum(nm > full["clip"] for nm in norms) if full["clip"] > 0 else 0
    print(f"training_{name}: V={len(vocab)} {per_epoch} batches/epoch, {full['steps']} steps, "
          f"loss {losses[0]:.4f} -> {losses[-1]:.4f}, clipped {clipped}/{full['steps']}")
    return norms


def main():
    base = dict(clip=5.0, lr_decay=1.0, weight_decay=0.0)
    # (a) 2-layer LSTM with an embedding, Adam; 3 batches an epoch over 7 steps, so the state is zeroed
    # twice and the learning rate decays twice (at steps 4 and 7).
    prose = PROSE[:3 * 16 + 1]  # 3 streams of 16 tokens: 3 batches of 5, one token of each stream unread
    case("lstm_adam_epochs", 101, prose,
         dict(cell="lstm", layers=2, hidden=16, embed=6),
         dict(base, optimizer="adam", lr=0.01, lr_decay=0.5, batch=3, seq=5, steps=7))
    # (b) 1-layer GRU on one-hot vectors, Adam, --clip 0.45: a small model's gradient norm stays near 0.45 (it
    # would need weights scaled past the divergence check to reach 5), so some steps are scaled down and
    # others are left alone.
    norms = case("gru_onehot_clip", 102, random_text(7, 2 * 12 + 1, 9),
                 dict(cell="gru", layers=1, hidden=12, embed=0),
                 dict(base, optimizer="adam", lr=0.05, clip=0.45, batch=2, seq=4, steps=6))
    assert any(nm > 0.45 for nm in norms) and any(nm <= 0.45 for nm in norms), norms
    # (c) tied LSTM (embed = hidden), AdamW with weight decay 0.1.
    case("lstm_tied_adamw", 103, PROSE[:4 * 10 + 1],
         dict(cell="lstm", layers=1, hidden=10, embed=10, tie=True),
         dict(base, optimizer="adamw", lr=0.01, weight_decay=0.1, batch=4, seq=5, steps=6))
    # (d) tanh RNN, 2 layers on one-hot vectors, SGD with momentum 0.9 and L2 weight decay, lr decay.
    case("rnn_sgd_momentum", 104, random_text(8, 2 * 15 + 1, 8),
         dict(cell="rnn", layers=2, hidden=14, embed=0),
         dict(base, optimizer="sgd", lr=0.5, weight_decay=1e-3, lr_decay=0.8, batch=2, seq=5, steps=8))
    # (e) 2-layer GRU with an embedding, RMSprop.
    case("gru_rmsprop", 105, PROSE[5:5 + 3 * 8 + 1],
         dict(cell="gru", layers=2, hidden=8, embed=5),
         dict(base, optimizer="rmsprop", lr=0.005, batch=3, seq=4, steps=5))


if __name__ == "__main__":
    main()
