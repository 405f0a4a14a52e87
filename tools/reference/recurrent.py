"""Reference cases for Recur's recurrent layers: nn.LSTM, nn.GRU, nn.RNN (tanh, relu).

Each case file rnn_<name>.safetensors holds the parameters ("param.<pytorch name>"), the input "x"
(T, N, D) (or "tokens" (T, N) for one-hot input), optional "lengths" (N) and initial state "h0"/"c0",
the upstream gradients "dy" (T, N, dirs*H), "dhn", "dcn", and the results "y", "hn", "cn" and every
gradient "grad.x", "grad.h0", "grad.c0", "grad.<pytorch name>", for the scalar
    loss = sum(y * dy) + sum(hn * dhn) [+ sum(cn * dcn)].
Variable lengths go through pack_padded_sequence(enforce_sorted=False) and pad_packed_sequence, so
padded outputs are zeros and the gradient at padded positions of dy must not reach anything.
Usage: /usr/bin/python3 recurrent.py OUT_DIR
"""
import json
import sys

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import st

MODULES = {
    "lstm": lambda d, h, **k: torch.nn.LSTM(d, h, **k),
    "gru": lambda d, h, **k: torch.nn.GRU(d, h, **k),
    "rnn_tanh": lambda d, h, **k: torch.nn.RNN(d, h, nonlinearity="tanh", **k),
    "rnn_relu": lambda d, h, **k: torch.nn.RNN(d, h, nonlinearity="relu", **k),
}


def case(out, name, mode, steps=5, batch=3, inp=4, hidden=6, layers=1, bi=False, init=False,
         lengths=None, tokens=False, bias=True, seed=0):
    torch.manual_seed(seed)
    dirs = 2 if bi else 1
    m = MODULES[mode](inp, hidden, num_layers=layers, bidirectional=bi, bias=bias)
    tensors = {}
    for k, v in m.state_dict().items():
        tensors["param." + k] = v.clone()
    if tokens:
        ids = torch.randint(0, inp, (steps, batch))
        x = torch.nn.functional.one_hot(ids, inp).float()
        tensors["tokens"] = ids
    else:
        x = torch.randn(steps, batch, inp)
        tensors["x"] = x
    x = x.clone().requires_grad_(not tokens)
    lstm = mode == "lstm"
    state = None
    if init:
        h0 = (0.5 * torch.randn(layers * dirs, batch, hidden)).requires_grad_()
        tensors["h0"] = h0.detach().clone()
        if lstm:
            c0 = (0.5 * torch.randn(layers * dirs, batch, hidden)).requires_grad_()
            tensors["c0"] = c0.detach().clone()
            state = (h0, c0)
        else:
            state = h0
    if lengths is not None:
        tensors["lengths"] = torch.tensor(lengths, dtype=torch.int64)
        packed = pack_padded_sequence(x, torch.tensor(lengths), enforce_sorted=False)
        y, final = m(packed, state)
        y, _ = pad_packed_sequence(y, total_length=steps)
    else:
        y, final = m(x, state)
    hn, cn = (final if lstm else (final, None))
    dy = torch.randn_like(y)
    dhn = torch.randn_like(hn)
    loss = (y * dy).sum() + (hn * dhn).sum()
    tensors["dy"], tensors["dhn"] = dy, dhn
    if lstm:
        dcn = torch.randn_like(cn)
        tensors["dcn"] = dcn
        loss = loss + (cn * dcn).sum()
    loss.backward()
    tensors["y"], tensors["hn"] = y.detach(), hn.detach()
    if lstm:
        tensors["cn"] = cn.detach()
    if not tokens:
        tensors["grad.x"] = x.grad
    if init:
        tensors["grad.h0"] = h0.grad
        if lstm:
            tensors["grad.c0"] = c0.grad
    for k, p in m.named_parameters():
        tensors["grad." + k] = p.grad
    config = dict(mode=mode, steps=steps, batch=batch, input=inp, hidden=hidden, layers=layers,
                  bidirectional=bi, init=init, tokens=tokens, bias=bias, lengths=lengths is not None)
    st.save(f"{out}/rnn_{mode}_{name}.safetensors", tensors, {"config": json.dumps(config)})


def main(out):
    for i, mode in enumerate(MODULES):
        s = 100 * i
        case(out, "l1", mode, seed=s + 1)
        case(out, "l2_init", mode, layers=2, init=True, seed=s + 2)
        case(out, "l3_bi_init", mode, layers=3, bi=True, init=True, seed=s + 3)
        case(out, "l1_len", mode, lengths=[5, 2, 4], seed=s + 4)
        case(out, "l2_bi_len_init", mode, layers=2, bi=True, init=True, lengths=[3, 5, 1], seed=s + 5)
        case(out, "tokens_l2", mode, layers=2, tokens=True, inp=7, seed=s + 6)
        case(out, "nobias_bi", mode, bi=True, bias=False, seed=s + 7)
        # Widths that cross every SIMD remainder: H = 16 + 4 + 3.
        case(out, "wide_l2_bi_len", mode, steps=4, batch=5, inp=9, hidden=23, layers=2, bi=True,
             init=True, lengths=[4, 1, 3, 4, 2], seed=s + 8)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../../tests/Recur.Tests/Reference")
