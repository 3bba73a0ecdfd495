"""Loads a prelude Transformer that exp saved to safetensors into a PyTorch module of the same
shape with load_state_dict (after renaming the LayerNorm keys g/b to weight/bias), runs the same
forward pass in PyTorch and checks the logits against the ones exp computed.

usage: python3 load_exp_transformer.py DIR   (DIR holds model.safetensors and io.safetensors)
Prints "ok <max abs difference>" and exits 0, or raises. Needs torch; nothing else.
"""
import json
import math
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "I32": torch.int32, "BOOL": torch.bool}


def read_safetensors(path):
    """The safetensors format by hand (8-byte header length, JSON header, raw little-endian data)
    so the test needs torch only."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    data = blob[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[start:end]), dtype=DTYPES[info["dtype"]])
        out[name] = t.reshape(info["shape"]).clone()
    return out


class Attention(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.Wq, self.Wk, self.Wv, self.Wo = (nn.Parameter(torch.empty(d, d)) for _ in range(4))


class MLP(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.W1 = nn.Parameter(torch.empty(d, hidden))
        self.b1 = nn.Parameter(torch.empty(hidden))
        self.W2 = nn.Parameter(torch.empty(hidden, d))
        self.b2 = nn.Parameter(torch.empty(d))


class Block(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.attn = Attention(d)
        self.ln1 = nn.LayerNorm(d)
        self.mlp = MLP(d, hidden)
        self.ln2 = nn.LayerNorm(d)


class Transformer(nn.Module):
    """exp's Transformer(norm: "pre", pos: "learned", attention: "softmax", causal: true, act: gelu)."""

    def __init__(self, vocab, T, d, layers, heads, mlp):
        super().__init__()
        self.heads = heads
        self.embed = nn.Parameter(torch.empty(vocab, d))
        self.pos_embed = nn.Parameter(torch.empty(T, d))
        self.blocks = nn.ModuleList(Block(d, mlp * d) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        self.unembed = nn.Parameter(torch.empty(d, vocab))

    def forward(self, tokens):
        B, t = tokens.shape
        x = self.embed[tokens] + self.pos_embed[:t]
        for b in self.blocks:
            h = b.ln1(x)
            d = h.shape[-1]
            dh = d // self.heads
            split = lambda z: z.reshape(B, t, self.heads, dh).transpose(1, 2)
            q, k, v = split(h @ b.attn.Wq), split(h @ b.attn.Wk), split(h @ b.attn.Wv)
            s = q @ k.transpose(-1, -2) / math.sqrt(dh)
            s = s.masked_fill(~torch.tril(torch.ones(t, t, dtype=torch.bool)), -1e9)
            o = (F.softmax(s, dim=-1) @ v).transpose(1, 2).reshape(B, t, d)
            x = x + o @ b.attn.Wo
            h = b.ln2(x)
            x = x + F.gelu(h @ b.mlp.W1 + b.mlp.b1) @ b.mlp.W2 + b.mlp.b2
        return self.ln_f(x) @ self.unembed


def renamed(state):
    """exp names a LayerNorm's gain and bias g and b; PyTorch's LayerNorm calls them weight, bias."""
    out = {}
    for k, v in state.items():
        parts = k.split(".")
        if len(parts) >= 2 and parts[-2] in ("ln1", "ln2", "ln_f"):
            parts[-1] = {"g": "weight", "b": "bias"}[parts[-1]]
        out[".".join(parts)] = v
    return out


def main(directory):
    state = read_safetensors(directory + "/model.safetensors")
    io = read_safetensors(directory + "/io.safetensors")
    cfg = {k: int(v.item()) for k, v in io.items() if k not in ("tokens", "logits")}
    model = Transformer(cfg["vocab"], cfg["T"], cfg["d"], cfg["layers"], cfg["heads"], cfg["mlp"])
    model.load_state_dict(renamed(state), strict=True)
    with torch.no_grad():
        logits = model(io["tokens"])
    diff = (logits - io["logits"]).abs().max().item()
    assert logits.shape == io["logits"].shape, (logits.shape, io["logits"].shape)
    assert diff < 1e-4, f"PyTorch logits differ from exp's by {diff}"
    print("ok", diff)


if __name__ == "__main__":
    main(sys.argv[1])
