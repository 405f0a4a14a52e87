"""Reference cases for the single layers: Linear, Embedding, BatchNorm1d, ReLU, Sigmoid, Tanh.

Each case is tests/Recur.Tests/Reference/layer_*.safetensors holding the layer's parameters, its
input, output, a random upstream gradient dy and every gradient that dy produces (input and
parameters), with a JSON "config" in the metadata. Run with Debian's PyTorch 1.13:
    /usr/bin/python3 tools/reference/layers.py tests/Recur.Tests/Reference
"""
import json
import os
import sys

import torch

import st


def save(out_dir, name, config, tensors):
    path = os.path.join(out_dir, name + ".safetensors")
    st.save(path, tensors, {"config": json.dumps(config)})
    print(f"{name}: {os.path.getsize(path)} bytes")


def linear_cases(out_dir):
    for bias in (True, False):
        for shape in ((3, 4), (2, 3, 4)):  # (N, D) and (T, N, D)
            torch.manual_seed(1)
            layer = torch.nn.Linear(4, 5, bias=bias)
            x = torch.randn(*shape, requires_grad=True)
            y = layer(x)
            dy = torch.randn_like(y)
            y.backward(dy)
            t = {"weight": layer.weight, "x": x, "y": y, "dy": dy, "dx": x.grad, "dweight": layer.weight.grad}
            if bias:
                t["bias"] = layer.bias
                t["dbias"] = layer.bias.grad
            name = f"layer_linear_{'bias' if bias else 'nobias'}_{len(shape)}d"
            save(out_dir, name, {"in": 4, "out": 5, "bias": bias}, t)


def embedding_cases(out_dir):
    for padding_idx in (None, 2):
        torch.manual_seed(2)
        layer = torch.nn.Embedding(7, 3, padding_idx=padding_idx)
        # (T, N) = (4, 3) with repeated ids, and the padding id several times.
        ids = torch.tensor([[0, 2, 6], [2, 2, 1], [5, 0, 2], [6, 6, 3]], dtype=torch.int64)
        y = layer(ids)
        dy = torch.randn_like(y)
        y.backward(dy)
        config = {"num_embeddings": 7, "embedding_dim": 3}
        if padding_idx is not None:
            config["padding_idx"] = padding_idx
        name = "layer_embedding" + ("_padding" if padding_idx is not None else "")
        save(out_dir, name, config,
             {"weight": layer.weight, "ids": ids, "y": y, "dy": dy, "dweight": layer.weight.grad})


def batchnorm_cases(out_dir):
    for shape in ((5, 4), (3, 4, 5)):  # (N, C) and (N, C, L)
        rank = len(shape)
        # Training: two steps, so running stats, num_batches_tracked and accumulated grads are checked.
        torch.manual_seed(3)
        layer = torch.nn.BatchNorm1d(4)
        with torch.no_grad():
            layer.weight.copy_(torch.rand(4) + 0.5)
            layer.bias.copy_(torch.randn(4))
        t = {"weight": layer.weight.detach().clone(), "bias": layer.bias.detach().clone()}
        for step in (1, 2):
            x = (torch.randn(*shape) * 2 + 0.5).requires_grad_()
            y = layer(x)
            dy = torch.randn_like(y)
            y.backward(dy)
            t.update({f"x{step}": x, f"y{step}": y, f"dy{step}": dy, f"dx{step}": x.grad})
        t.update({"running_mean": layer.running_mean, "running_var": layer.running_var,
                  "num_batches_tracked": layer.num_batches_tracked,
                  "dweight": layer.weight.grad, "dbias": layer.bias.grad})
        save(out_dir, f"layer_batchnorm_train_{rank}d",
             {"num_features": 4, "eps": layer.eps, "momentum": layer.momentum, "steps": 2}, t)

        # Evaluation: running stats as a trained layer might have them.
        torch.manual_seed(4)
        layer = torch.nn.BatchNorm1d(4)
        with torch.no_grad():
            layer.weight.copy_(torch.rand(4) + 0.5)
            layer.bias.copy_(torch.randn(4))
            layer.running_mean.copy_(torch.randn(4))
            layer.running_var.copy_(torch.rand(4) + 0.5)
            layer.num_batches_tracked.fill_(7)
        layer.eval()
        x = (torch.randn(*shape) * 2 + 0.5).requires_grad_()
        y = layer(x)
        dy = torch.randn_like(y)
        y.backward(dy)
        save(out_dir, f"layer_batchnorm_eval_{rank}d",
             {"num_features": 4, "eps": layer.eps, "momentum": layer.momentum},
             {"weight": layer.weight, "bias": layer.bias, "running_mean": layer.running_mean,
              "running_var": layer.running_var, "num_batches_tracked": layer.num_batches_tracked,
              "x": x, "y": y, "dy": dy, "dx": x.grad, "dweight": layer.weight.grad, "dbias": layer.bias.grad})


def activation_cases(out_dir):
    for name, module in (("relu", torch.nn.ReLU()), ("sigmoid", torch.nn.Sigmoid()), ("tanh", torch.nn.Tanh())):
        torch.manual_seed(5)
        # (T, N, H) = (2, 3, 5), spread wide enough to reach saturation, plus exact zeros.
        x = torch.randn(2, 3, 5) * 4
        x[0, 0, :2] = 0.0
        x.requires_grad_()
        y = module(x)
        dy = torch.randn_like(y)
        y.backward(dy)
        save(out_dir, f"layer_{name}", {"activation": name}, {"x": x, "y": y, "dy": dy, "dx": x.grad})


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: layers.py OUTPUT_DIR")
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    torch.set_default_dtype(torch.float32)
    linear_cases(out_dir)
    embedding_cases(out_dir)
    batchnorm_cases(out_dir)
    activation_cases(out_dir)


if __name__ == "__main__":
    main()
