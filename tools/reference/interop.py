"""PyTorch <-> Recur model files.

make OUT_DIR: writes interop_*.safetensors cases: a PyTorch model equivalent to Recur's `recur train`
  model (seed 002's text generator: embedding -> nn.LSTM/nn.GRU -> fc, the one-hot variant, and one with
  fc.weight tied to embedding.weight as `recur train --tie` builds it), its
  state dict saved as safetensors with Recur's metadata, token ids and the logits PyTorch computes. The
  test InteropTests loads each into Recur with strict names and compares the logits.
check MODEL.safetensors TEXT: loads a model file written by Recur (a character or word model; any cell,
  `loop` included) into the equivalent PyTorch module with load_state_dict(strict=True) and prints its loss
  on TEXT read as one stream (batch 1), to compare with `recur eval MODEL TEXT --batch 1 --seq 100`.
  Word models cut the text by Recur's rule (docs/cli.md), written again below.
Usage: /usr/bin/python3 interop.py make OUT_DIR | check MODEL TEXT
"""
import json
import math
import sys
import unicodedata

import torch

import st
from loop_model import SeedLoop


class TextModel(torch.nn.Module):
    """embedding (optional) -> rnn -> fc, with the state-dict names of Recur's CharModel."""

    def __init__(self, cfg):
        super().__init__()
        v, h, e = cfg["vocab_size"], cfg["hidden"], cfg["embed"]
        self.vocab = v
        self.embedding = torch.nn.Embedding(v, e) if e > 0 else None
        kind = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}.get(cfg["cell"])
        inp = e if e > 0 else v
        if kind is None:
            self.rnn = torch.nn.RNN(inp, h, num_layers=cfg["layers"], nonlinearity="relu" if cfg["cell"] == "rnn-relu" else "tanh")
        else:
            self.rnn = kind(inp, h, num_layers=cfg["layers"])
        self.fc = torch.nn.Linear(h, v)
        if cfg.get("tie"):
            self.fc.weight = self.embedding.weight  # recur train --tie: one tensor under both names

    def forward(self, ids, state=None):  # ids (T, N)
        x = self.embedding(ids) if self.embedding is not None else torch.nn.functional.one_hot(ids, self.vocab).float()
        y, state = self.rnn(x, state)
        return self.fc(y), state


def make(out):
    cases = [
        ("interop_lstm_emb", dict(cell="lstm", layers=2, hidden=24, embed=8, vocab_size=11)),
        ("interop_gru_onehot", dict(cell="gru", layers=1, hidden=16, embed=0, vocab_size=9)),
        ("interop_lstm_tied", dict(cell="lstm", layers=1, hidden=8, embed=8, vocab_size=11, tie=True)),
    ]
    for i, (name, cfg) in enumerate(cases):
        torch.manual_seed(10 + i)
        model = TextModel(cfg)
        ids = torch.randint(0, cfg["vocab_size"], (7, 3))
        with torch.no_grad():
            logits, _ = model(ids)
        tensors = {"param." + k: v for k, v in model.state_dict().items()}
        tensors["tokens"] = ids
        tensors["logits"] = logits
        config = dict(cfg, dropout=0.0, tokens="chars", lowercase=False, ascii=False)
        st.save(f"{out}/{name}.safetensors", tensors, {"config": json.dumps(config)})


def is_letter_or_digit(c):
    return unicodedata.category(c) in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nd")


def words(text):
    """Recur's word tokens (WordTokenizer): runs of letters, digits and combining marks, an apostrophe kept
    between letters or digits; every other non-space character alone; a line end as <eos>."""
    tokens, word = [], ""
    for i, c in enumerate(text):
        category = unicodedata.category(c)
        inner = c in "'\u2019" and word and is_letter_or_digit(word[-1]) and i + 1 < len(text) and is_letter_or_digit(text[i + 1])
        if is_letter_or_digit(c) or category in ("Mn", "Mc", "Me") or inner:
            word += c
            continue
        if word:
            tokens.append(word)
        word = ""
        if c == "\n":
            tokens.append("<eos>")
        elif not (category in ("Zs", "Zl", "Zp") or c in "\t\v\f\r\x85"):
            tokens.append(c)
    return tokens + ([word] if word else [])


def check(path, text_path):
    tensors, meta = st.load(path)
    cfg = json.loads(meta["recur.config"])
    vocab = json.loads(meta["recur.vocab"])
    loop = cfg["cell"] == "loop"
    model = SeedLoop(cfg["vocab_size"], cfg["hidden"]) if loop else TextModel(cfg)
    model.load_state_dict(tensors, strict=True)
    model.eval()
    text = open(text_path, encoding="utf-8-sig").read().replace("\r\n", "\n")
    if cfg.get("ascii") and not text.isascii():
        sys.exit("check: the model was trained with --ascii; transliterate the text to ASCII first")
    if cfg.get("lowercase"):
        # .NET's ToLowerInvariant maps each character alone and keeps U+0130 (capital I with dot); str.lower() would
        # make that two characters and a word-final sigma "ς". Char by char, the two agree on every code point.
        text = "".join(c if c == "\u0130" else c.lower() for c in text)
    index = {t: i for i, t in enumerate(vocab)}
    if cfg.get("tokens") == "words":
        ids = torch.tensor([index.get(w, 0) for w in words(text)])   # unknown words read as <unk> (id 0)
    else:
        ids = torch.tensor([index[c] for c in text if c in index])   # unknown characters skipped
    # The loop cell's state starts at zero, as Recur's; nn.LSTM/GRU/RNN take None for that.
    total, count, state = 0.0, 0, torch.zeros(1, cfg["hidden"]) if loop else None
    with torch.no_grad():
        for start in range(0, len(ids) - 1, 100):
            x = ids[start:start + 100]
            y = ids[start + 1:start + 101]
            x = x[:len(y)]
            logits, state = model(x.view(-1, 1), state)
            total += torch.nn.functional.cross_entropy(logits.view(-1, len(vocab)), y, reduction="sum").item()
            count += len(y)
    loss = total / count
    print(json.dumps({"strict_load": "ok", "loss": loss, "bpc": loss / math.log(2), "tokens": count}))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
    else:
        make(sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "make" else sys.argv[1] if len(sys.argv) > 1 else "../../tests/Recur.Tests/Reference")
