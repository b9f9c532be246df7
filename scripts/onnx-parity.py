#!/usr/bin/env python3
"""ONNX and PyTorch parity with swift-lenet on the 10,000 MNIST test digits. Not part of CI.

For each model file: `lenet export --format onnx` and `lenet test --outputs` (Swift's outputs), then
onnxruntime runs the .onnx file on the raw pixels and PyTorch (scripts/pytorch_models.py) runs the
safetensors file. Prints, for each runtime, the largest difference from Swift's outputs and how many
of the 10,000 predictions differ from Swift's.

    pip install onnx onnxruntime safetensors /opt/wheels/torch-*.whl   # torch: the CPU wheel
    python3 scripts/onnx-parity.py lenet5.safetensors lenet1.safetensors lenet5-modern.safetensors

The `lenet` binary: $LENET, or `swift run -c release lenet` from the repository.
"""
import gzip
import os
import shlex
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import onnx
    import onnxruntime
    import torch
except ImportError as missing:
    sys.exit(f"{missing.name} is missing: pip install onnx onnxruntime safetensors numpy, and torch "
             "(/opt/wheels/torch-*.whl here, or PyPI)")

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import pytorch_models  # noqa: E402

repo = os.path.join(here, "..")
lenet = shlex.split(os.environ.get("LENET", "swift run -c release lenet"))


def idx(name):
    data = gzip.open(os.path.join(repo, "Data", "mnist", name)).read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data[4 + 4 * dims:], np.uint8).reshape(shape)


images, labels = idx("t10k-images-idx3-ubyte.gz"), idx("t10k-labels-idx1-ubyte.gz")
work = tempfile.mkdtemp()
for path in sys.argv[1:]:
    base = os.path.join(work, os.path.basename(path))
    subprocess.run(lenet + ["export", "--model", path, "--format", "onnx", "--out", base + ".onnx"], check=True, cwd=repo,
                   stdout=subprocess.DEVNULL)
    subprocess.run(lenet + ["test", "--model", path, "--outputs", base + ".npy"], check=True, cwd=repo, stdout=subprocess.DEVNULL)
    swift = np.load(base + ".npy")

    onnx.checker.check_model(onnx.load(base + ".onnx"), full_check=True)
    session = onnxruntime.InferenceSession(base + ".onnx", providers=["CPUExecutionProvider"])
    by_onnx, probabilities = session.run(None, {"pixels": images.reshape(-1, 1, 28, 28).astype(np.float32) / 255})

    module, padding, kind = pytorch_models.load(path)
    with torch.no_grad():
        by_torch = module(pytorch_models.encode(torch.from_numpy(images.copy()), padding)).numpy()

    pick = (lambda y: y.argmin(1)) if kind == "penalties" else (lambda y: y.argmax(1))
    name = pytorch_models.architecture(path)
    print(f"{path} ({next(iter(name))}, {kind}; Swift test error {100 * (pick(swift) != labels).mean():.2f}%)")
    for runtime, out in [("onnxruntime", by_onnx), ("PyTorch", by_torch)]:
        diff = np.abs(out - swift)
        print(f"  {runtime:12s} largest output difference {diff.max():.3g} (relative {(diff / np.maximum(np.abs(swift), 1)).max():.3g}), "
              f"predictions differing from Swift's: {(pick(out) != pick(swift)).sum()} of {len(labels)}")
    print(f"  onnxruntime  probabilities: rows sum to {probabilities.sum(1).min():.4f}...{probabilities.sum(1).max():.4f}, "
          f"argmax agrees with the outputs' pick on {(probabilities.argmax(1) == pick(by_onnx)).sum()} of {len(labels)}")
