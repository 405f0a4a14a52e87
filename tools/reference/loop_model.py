"""Reference cases for Recur's LoopModel (--cell loop): seed 004's hand-written recurrence.

The module is the seed's, written time-major: per step h = h + i_h(x_t); h = relu(h_h(h)); the step's
logits are h_o(bn(h)), with bn called once per step (so training normalises every step with its own
batch statistics and moves the running statistics once per step). Each case file loop_<name>.safetensors
holds the parameters and buffers before the call ("param.<name>"), the tokens (T, N), the initial state
"h0" (N, H), the upstream gradient "dy" (T, N, V), the results "logits" and "hn", the gradient of every
parameter for loss = sum(logits * dy) ("grad.<name>"; h0 is a constant, as in truncated BPTT), and the
buffers after the call ("after.<name>").
Usage: /usr/bin/python3 loop_model.py OUT_DIR
"""
import json
import sys

import torch
import torch.nn.functional as F

import st


class SeedLoop(torch.nn.Module):
    def __init__(self, nv, nh):
        super().__init__()
        self.i_h = torch.nn.Embedding(nv, nh)
        self.h_h = torch.nn.Linear(nh, nh)
        self.h_o = torch.nn.Linear(nh, nv)
        self.bn = torch.nn.BatchNorm1d(nh)

    def forward(self, x, h):
        out = []
        for t in range(x.shape[0]):
            h = h + self.i_h(x[t])
            h = F.relu(self.h_h(h))
            out.append(self.h_o(self.bn(h)))
        return torch.stack(out), h


def case(out, name, steps, batch, vocab, hidden, train, seed):
    torch.manual_seed(seed)
    m = SeedLoop(vocab, hidden)
    with torch.no_grad():
        # Non-trivial normalisation parameters and running statistics.
        m.bn.weight.uniform_(0.5, 1.5)
        m.bn.bias.uniform_(-0.5, 0.5)
        m.bn.running_mean.uniform_(-0.5, 0.5)
        m.bn.running_var.uniform_(0.5, 1.5)
        m.bn.num_batches_tracked.fill_(3)
    m.train(train)
    tensors = {}
    for k, v in m.state_dict().items():
        tensors["param." + k] = v.clone()
    x = torch.randint(0, vocab, (steps, batch))
    h0 = 0.5 * torch.randn(batch, hidden).abs()
    logits, hn = m(x, h0)
    dy = torch.randn_like(logits)
    (logits * dy).sum().backward()
    tensors.update({"tokens": x, "h0": h0, "dy": dy, "logits": logits.detach(), "hn": hn.detach()})
    for k, p in m.named_parameters():
        tensors["grad." + k] = p.grad
    for k, v in m.named_buffers():
        tensors["after." + k] = v.clone()
    config = dict(steps=steps, batch=batch, vocab=vocab, hidden=hidden, train=train)
    st.save(f"{out}/loop_{name}.safetensors", tensors, {"config": json.dumps(config)})


def main(out):
    case(out, "train", steps=6, batch=4, vocab=7, hidden=5, train=True, seed=1)
    case(out, "eval", steps=6, batch=4, vocab=7, hidden=5, train=False, seed=2)
    # Widths that cross every SIMD remainder: H = 16 + 4 + 3.
    case(out, "train_wide", steps=4, batch=5, vocab=11, hidden=23, train=True, seed=3)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../../tests/Recur.Tests/Reference")
