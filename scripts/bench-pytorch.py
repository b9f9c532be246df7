#!/usr/bin/env python3
"""Side-by-side speed: `lenet bench --json` and the same architectures in PyTorch, on this
machine, same batch sizes, same thread count. Not part of CI.

    swift build -c release && python3 scripts/bench-pytorch.py [--threads N] [--seconds S]

Installs the CPU wheel from /opt/wheels when PyTorch is missing and the wheel is there; says
so and exits when neither is. PyTorch trains with plain SGD (our lenet5 uses SDLM and
lenet5-modern Adam: the optimizer step is a small share of either), LeNet-5's loss is the sum
of the correct class's RBF penalty (the MAP criterion's main term), the others cross-entropy.
C3 is a dense convolution in PyTorch (Table I's missing kernels are zeros), so PyTorch does
60% more C3 work than we do; that is what a PyTorch user would run.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import time


def ensure_torch():
    try:
        import torch  # noqa: F401
        return True
    except ImportError:
        wheels = sorted(glob.glob("/opt/wheels/torch-*.whl"))
        if not wheels:
            print("PyTorch is not installed and there is no wheel in /opt/wheels: pip install torch, then run again.")
            return False
        print(f"installing {wheels[-1]} ...", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", wheels[-1]], check=True)
        return True


def rate(body, images, seconds):
    end = time.perf_counter() + seconds * 0.2
    while time.perf_counter() < end:
        body()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        body()
        count += 1
    return count * images / (time.perf_counter() - start)


def bench_torch(name, batches, seconds):
    import torch
    import torch.nn.functional as F
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import pytorch_models as pm

    module = {"lenet5": pm.LeNet5, "lenet5-modern": pm.LeNet5Modern, "lenet1": lambda: pm.LeNet1("average")}[name]()
    if name == "lenet5":
        module.output.prototypes.copy_(torch.randn(10, 84).sign())
    padding = 0 if name == "lenet1" else 2
    side = 28 + 2 * padding
    optimizer = torch.optim.SGD(module.parameters(), lr=1e-4)
    largest = max(batches + [256])
    x = torch.rand(largest, 1, side, side) * 1.275 - 0.1
    y = torch.randint(0, 10, (largest,))

    def step(b):
        optimizer.zero_grad(set_to_none=True)
        out = module(x[:b])
        loss = out.gather(1, y[:b, None]).sum() if name == "lenet5" else F.cross_entropy(out, y[:b], reduction="sum")
        loss.backward()
        optimizer.step()

    result = {"training": [{"batchSize": b, "imagesPerSecond": rate(lambda: step(b), b, seconds)} for b in batches]}
    module.eval()
    with torch.no_grad():
        latencies = []
        for _ in range(2000):
            start = time.perf_counter()
            module(x[:1])
            latencies.append((time.perf_counter() - start) * 1e6)
        result["latencyMicroseconds"] = sorted(latencies)[len(latencies) // 2]
        result["inferenceImagesPerSecond"] = rate(lambda: module(x[:256]), 256, seconds)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=None, help="PyTorch threads (default: the threads lenet bench reports)")
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--lenet", default=os.environ.get("LENET", ".build/release/lenet"))
    parser.add_argument("--model", nargs="+", default=["lenet5", "lenet5-modern", "lenet1"])
    args = parser.parse_args()
    if not ensure_torch():
        return 1
    import torch

    ours = json.loads(subprocess.run([args.lenet, "bench", "--json", "--seconds", str(args.seconds), "--model", *args.model],
                                     check=True, capture_output=True, text=True).stdout)
    print(f"this machine: {os.cpu_count()} cores; PyTorch {torch.__version__}")
    for mine in ours["models"]:
        threads = args.threads or mine["threads"]
        torch.set_num_threads(threads)
        batches = [t["batchSize"] for t in mine["training"]]
        theirs = bench_torch(mine["model"], batches, args.seconds)
        print(f"\n{mine['model']}: swift-lenet {mine['threads']} thread(s), PyTorch {threads} thread(s)")
        print("  training  batch   ours img/s   PyTorch img/s   ours/PyTorch")
        for a, b in zip(mine["training"], theirs["training"]):
            print(f"           {a['batchSize']:5d}  {a['imagesPerSecond']:11.0f}  {b['imagesPerSecond']:14.0f}  {a['imagesPerSecond'] / b['imagesPerSecond']:12.2f}x")
        print(f"  one image    {mine['latencyMicroseconds']:9.1f} µs  {theirs['latencyMicroseconds']:11.1f} µs"
              f"  {theirs['latencyMicroseconds'] / mine['latencyMicroseconds']:12.2f}x")
        print(f"  batch 256  {mine['inferenceImagesPerSecond']:11.0f}  {theirs['inferenceImagesPerSecond']:14.0f}"
              f"  {mine['inferenceImagesPerSecond'] / theirs['inferenceImagesPerSecond']:12.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
