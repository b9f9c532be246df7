#!/usr/bin/env python3
"""Side-by-side speed: `lenet bench --json` and the same architectures in PyTorch, on this
machine, same batch sizes, same thread count. Not part of CI.

    swift build -c release && python3 scripts/bench-pytorch.py [--threads N] [--seconds S] [--rounds R]

Each model is measured in our build and then in PyTorch right after, so both see the machine
in the same state; with --rounds R that pair is repeated R times and the table shows the
medians, the ratio being the median of the rounds' ratios and its range beside it (a VM's speed
drifts by tens of percent within minutes, for PyTorch as for us).

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


def median(values):
    ordered = sorted(values)
    n = len(ordered)
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=None, help="PyTorch threads (default: the threads lenet bench reports)")
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=1, help="measure each model this many times, ours then PyTorch's")
    parser.add_argument("--lenet", default=os.environ.get("LENET", ".build/release/lenet"))
    parser.add_argument("--model", nargs="+", default=["lenet5", "lenet5-modern", "lenet1"])
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if not ensure_torch():
        return 1
    import torch

    print(f"this machine: {os.cpu_count()} cores; PyTorch {torch.__version__}")
    for model in args.model:
        rounds = []
        for _ in range(args.rounds):
            mine = json.loads(subprocess.run([args.lenet, "bench", "--json", "--seconds", str(args.seconds), "--model", model],
                                             check=True, capture_output=True, text=True).stdout)["models"][0]
            threads = args.threads or mine["threads"]
            torch.set_num_threads(threads)
            theirs = bench_torch(model, [t["batchSize"] for t in mine["training"]], args.seconds)
            rounds.append((mine, theirs))
        mine = rounds[0][0]
        threads = args.threads or mine["threads"]
        print(f"\n{model}: swift-lenet {mine['threads']} thread(s), PyTorch {threads} thread(s)"
              + (f"; medians of {args.rounds} rounds" if args.rounds > 1 else ""))
        print("  training  batch   ours img/s   PyTorch img/s   ours/PyTorch" + ("   (rounds)" if args.rounds > 1 else ""))

        def spread(ratios):
            return f"   ({min(ratios):.2f}-{max(ratios):.2f})" if args.rounds > 1 else ""

        for i, t in enumerate(mine["training"]):
            ours = [m["training"][i]["imagesPerSecond"] for m, _ in rounds]
            pytorch = [p["training"][i]["imagesPerSecond"] for _, p in rounds]
            ratios = [a / b for a, b in zip(ours, pytorch)]
            print(f"           {t['batchSize']:5d}  {median(ours):11.0f}  {median(pytorch):14.0f}  {median(ratios):12.2f}x{spread(ratios)}")
        ours = [m["latencyMicroseconds"] for m, _ in rounds]
        pytorch = [p["latencyMicroseconds"] for _, p in rounds]
        ratios = [b / a for a, b in zip(ours, pytorch)]
        print(f"  one image    {median(ours):9.1f} µs  {median(pytorch):11.1f} µs  {median(ratios):12.2f}x{spread(ratios)}")
        ours = [m["inferenceImagesPerSecond"] for m, _ in rounds]
        pytorch = [p["inferenceImagesPerSecond"] for _, p in rounds]
        ratios = [a / b for a, b in zip(ours, pytorch)]
        print(f"  batch 256  {median(ours):11.0f}  {median(pytorch):14.0f}  {median(ratios):12.2f}x{spread(ratios)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
