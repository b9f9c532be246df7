#!/usr/bin/env python3
"""Loads swift-lenet model files into the PyTorch modules of pytorch_models.py and prints their MNIST test
error, to compare with `lenet test --model FILE`. Not part of CI.

    python3 scripts/check-pytorch.py lenet5.safetensors [more.safetensors ...]
"""
import gzip
import os
import sys

try:
    import safetensors  # noqa: F401
    import torch
except ImportError as missing:
    sys.exit(f"{missing.name} is missing: pip install safetensors, and torch (/opt/wheels/torch-*.whl here, or PyPI)")

sys.path.insert(0, os.path.dirname(__file__))
import pytorch_models  # noqa: E402

root = os.path.join(os.path.dirname(__file__), "..", "Data", "mnist")


def idx(name):
    with gzip.open(os.path.join(root, name)) as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


images, labels = idx("t10k-images-idx3-ubyte.gz"), idx("t10k-labels-idx1-ubyte.gz").long()
for path in sys.argv[1:]:
    module, padding, kind = pytorch_models.load(path)
    with torch.no_grad():
        out = module(pytorch_models.encode(images, padding))
    predicted = out.argmin(1) if kind == "penalties" else out.argmax(1)
    errors = int((predicted != labels).sum())
    print(f"{path}: {type(module).__name__}, test error {100 * errors / len(labels):.2f}% ({errors} of {len(labels)})")
