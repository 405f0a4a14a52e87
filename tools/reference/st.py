"""Minimal safetensors read/write for the reference scripts (Debian ships no safetensors package).

Format: 8-byte little-endian header length, JSON header (space-padded to 8 bytes), raw little-endian
data. Handles F32, F16, BF16, F64 and I64, the dtypes Recur reads; Recur writes F32 and I64.
To open a Recur model file in PyTorch without the safetensors package:
    import st; state, meta = st.load("model.safetensors"); module.load_state_dict(state)
"""
import json
import struct

import torch

_DTYPES = {torch.float32: "F32", torch.int64: "I64", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16"}
_TORCH = {v: k for k, v in _DTYPES.items()}


def save(path, tensors, metadata=None):
    """tensors: dict name -> torch.Tensor of a dtype above, written in insertion order; metadata values become strings."""
    header, chunks, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, t in tensors.items():
        if name == "__metadata__":
            raise ValueError("'__metadata__' is reserved and cannot name a tensor")
        if t.dtype not in _DTYPES:
            raise ValueError(f"tensor '{name}' is {t.dtype}; st.py writes {sorted(_DTYPES.values())}")
        t = t.detach().contiguous().cpu()
        if t.dtype == torch.bfloat16:  # numpy has no bfloat16: write its bits as int16
            raw = t.view(torch.int16).numpy().astype("<i2").tobytes()
        else:
            raw = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": _DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)


def load(path):
    """Returns (dict name -> torch.Tensor, metadata dict). Assumes a little-endian host."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: {len(data)} bytes is too short for a safetensors file")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise ValueError(f"{path}: header length {n} runs past the end of the file ({len(data)} bytes)")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    base = 8 + n
    out = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        if e["dtype"] not in _TORCH:
            raise ValueError(f"{path}: tensor '{name}' has dtype {e['dtype']}; st.py reads {sorted(_TORCH)}")
        dtype = _TORCH[e["dtype"]]
        buf = bytearray(data[base + b:base + end])  # a writable copy, as torch.frombuffer wants
        if not buf:
            t = torch.empty(0, dtype=dtype)
        elif dtype == torch.bfloat16:
            t = torch.frombuffer(buf, dtype=torch.int16).view(torch.bfloat16)
        else:
            t = torch.frombuffer(buf, dtype=dtype)
        out[name] = t.reshape(e["shape"]).clone()
    return out, meta
