"""Small safetensors files written by PyTorch, for Recur's file-format tests (tests/Recur.Tests/IO).

format_dtypes:     F32, F16, BF16, F64 and I64 tensors (special values included), an I64 scalar, an
                   empty tensor, and "<name>.as_f32": PyTorch's own .float() of each non-F32 float
                   tensor, which Recur's conversion on load must match bit for bit (NaN: any NaN).
format_state_dict: the state_dict of Linear(3, 2) + BatchNorm1d(2) after 3 training steps, so the
                   names are PyTorch's and num_batches_tracked is an I64 scalar (3).
format_empty:      no tensors, no metadata.
Usage: /usr/bin/python3 formats.py OUT_DIR
"""
import json
import os
import sys

import torch

import st


def dtypes(out):
    g = torch.Generator().manual_seed(7)
    inf, nan = float("inf"), float("nan")
    f16 = torch.tensor([0.1, -0.0, 65504.0, 6e-8, 1e-5, inf, -inf, nan, 1.0 / 3], dtype=torch.float16)
    bf16 = torch.cat([torch.randn(4, generator=g), torch.tensor([3e38, 1e-40])]).to(torch.bfloat16).reshape(2, 3)
    f64 = torch.tensor([0.1, 1.0 / 3, 1e300, -1e300, 1e-50, 1e-40, 16777217.0, -2.5], dtype=torch.float64)
    tensors = {
        "f32": torch.cat([torch.randn(4, generator=g), torch.tensor([1e-40, -0.0])]).reshape(2, 3),
        "f16": f16,
        "bf16": bf16,
        "f64": f64,
        "i64": torch.tensor([0, -1, 2**62, -(2**63), 2**63 - 1, 12345], dtype=torch.int64).reshape(3, 2),
        "count": torch.tensor(7, dtype=torch.int64),
        "empty": torch.zeros(0, 3),
    }
    for name in ["f16", "bf16", "f64"]:
        tensors[name + ".as_f32"] = tensors[name].float()
    meta = {
        "config": json.dumps({"hidden": 4, "cell": "lstm"}),
        "unicode": "café ✓ 日本語 🎉",
        "empty": "",
        'quote"key': "line\nbreak",
    }
    st.save(os.path.join(out, "format_dtypes.safetensors"), tensors, meta)


def state_dict(out):
    torch.manual_seed(3)
    model = torch.nn.Sequential()
    model.add_module("fc", torch.nn.Linear(3, 2))
    model.add_module("bn", torch.nn.BatchNorm1d(2))
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(5, 3))
    st.save(os.path.join(out, "format_state_dict.safetensors"), model.state_dict(), {"steps": 3})


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    dtypes(out)
    state_dict(out)
    st.save(os.path.join(out, "format_empty.safetensors"), {})
    # Every file must read back through st.py as written.
    for name in ["format_dtypes", "format_state_dict", "format_empty"]:
        st.load(os.path.join(out, name + ".safetensors"))


if __name__ == "__main__":
    main()
