#!/usr/bin/env python3
"""The PyTorch side of the interop tests (tests/Denoise.Tests/Models/PyTorchInteropTests.cs runs it with /usr/bin/python3).

    pytorch_interop.py outputs --arch NAME [--networks FILE.py] --weights FILE --images IMAGES.f32 --count N --out OUT.f32
        loads FILE (a torch.save'd state dict, or else a safetensors file read here by hand) into the network of
        bench/pytorch_reference.py and writes what its forward returns on the N images (N x 1 x 28 x 28 float32).
    pytorch_interop.py make --arch NAME [--networks FILE.py] --seed S --images IMAGES.f32 --count N --pt FILE --safetensors FILE --out OUT.f32
        trains that network for a few Adam steps on the noisy images (so every weight and bias is its own), saves its
        state dict both ways (safetensors written by hand: there is no safetensors package for Debian 12's Python) and
        writes its outputs on the clean images (in eval mode: BatchNorm uses the running statistics the steps left).
    pytorch_interop.py bad --kind KIND --arch NAME --out FILE
        a file that import must refuse: whole-model, list, legacy, nan.
    pytorch_interop.py relayout --weights FILE --layout LAYOUT --out FILE
        the same state dict with its tensors laid out in memory as PyTorch also keeps them, which torch.load accepts:
        slice (views at offsets into one shared storage, as split and pruning leave them), permuted (transposed strides,
        or every other element where a transpose would still be contiguous), parameter (nn.Parameter values).
--networks names a Python file with more network classes, as for bench/pytorch_reference.py (a test's own network).
Prints nothing on success; raw arrays are little-endian float32.
"""
import argparse
import json
import os
import struct
import sys
import zipfile
from collections import OrderedDict

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import pytorch_reference  # noqa: E402  (the network definitions, not copies of them)


def network(arch, network_files):
    """A new network of bench/pytorch_reference.py (or of network_files) for an architecture name: conv-autoencoder -> ConvAutoencoder."""
    return pytorch_reference.network_class(arch, network_files)()


def images(path, count):
    return torch.from_numpy(np.fromfile(path, dtype="<f4", count=count * 28 * 28).reshape(count, 1, 28, 28).copy())


DTYPES = {"F32": ("<f4", torch.float32), "F64": ("<f8", torch.float64), "I64": ("<i8", torch.int64)}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    data = raw[8 + length:]
    state = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=DTYPES[entry["dtype"]][0]).reshape(entry["shape"])
        state[name] = torch.from_numpy(array.copy())
    return state


def write_safetensors(path, state):
    """The format as safetensors writes it: u64 header length, JSON header padded with spaces to 8 bytes, raw data."""
    header, chunks, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, tensor in state.items():
        # Weights as float32; integers (BatchNorm's num_batches_tracked) keep their int64, as safetensors' save_file does.
        dtype = "F32" if tensor.is_floating_point() else "I64"
        data = tensor.detach().contiguous().numpy().astype(DTYPES[dtype][0]).tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def load(path):
    return torch.load(path) if zipfile.is_zipfile(path) else read_safetensors(path)


def relayout(state, layout):
    if layout == "slice":
        flat = torch.cat([torch.full((3,), 7.0)] + [t.flatten() for t in state.values()])
        parts = torch.split(flat[3:], [t.numel() for t in state.values()])
        out = OrderedDict((k, p.view(t.shape)) for (k, t), p in zip(state.items(), parts))
        assert all(t.storage_offset() > 0 for t in out.values())
        return out
    if layout == "permuted":
        def strided(t):
            if t.dim() >= 2 and t.shape[0] > 1 and t.shape[1] > 1:
                return t.transpose(0, 1).contiguous().transpose(0, 1)
            wide = torch.zeros(*t.shape, 2)
            wide[..., 0] = t
            return wide[..., 0]
        out = OrderedDict((k, strided(t)) for k, t in state.items())
        assert any(not t.is_contiguous() and t.dim() == 4 for t in out.values())
        assert sum(not t.is_contiguous() for t in out.values()) >= len(out) - 1   # a 1-element bias is contiguous however strided
        return out
    return OrderedDict((k, torch.nn.Parameter(t)) for k, t in state.items())


def save_outputs(model, inputs, out):
    model.eval()
    with torch.no_grad():
        model(inputs).numpy().astype("<f4").tofile(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["outputs", "make", "bad", "relayout"])
    parser.add_argument("--arch")
    parser.add_argument("--networks", action="append", default=[])
    parser.add_argument("--weights")
    parser.add_argument("--images")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pt")
    parser.add_argument("--safetensors")
    parser.add_argument("--kind", choices=["whole-model", "list", "legacy", "nan"])
    parser.add_argument("--layout", choices=["slice", "permuted", "parameter"])
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    torch.set_num_threads(1)

    if args.mode == "outputs":
        model = network(args.arch, args.networks)
        model.load_state_dict(load(args.weights))  # strict: every key and shape must match
        save_outputs(model, images(args.images, args.count), args.out)
    elif args.mode == "make":
        torch.manual_seed(args.seed)
        model = network(args.arch, args.networks)
        clean = images(args.images, args.count)
        noisy = (clean + 0.5 * torch.randn(clean.shape)).clamp(0, 1)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
        for _ in range(5):
            optimizer.zero_grad()
            torch.nn.functional.binary_cross_entropy_with_logits(model(noisy), clean).backward()
            optimizer.step()
        torch.save(model.state_dict(), args.pt)
        write_safetensors(args.safetensors, model.state_dict())
        save_outputs(model, clean, args.out)
    elif args.mode == "relayout":
        torch.save(relayout(torch.load(args.weights), args.layout), args.out)
    else:
        model = network(args.arch, args.networks)
        state = model.state_dict()
        if args.kind == "whole-model":
            torch.save(model, args.out)
        elif args.kind == "list":
            torch.save(list(state.values()), args.out)
        elif args.kind == "legacy":
            torch.save(state, args.out, _use_new_zipfile_serialization=False)
        else:
            next(iter(state.values()))[0].view(-1)[0] = float("nan")
            torch.save(state, args.out)


if __name__ == "__main__":
    main()
