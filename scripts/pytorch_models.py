"""PyTorch definitions of the swift-lenet models, loading the safetensors files `lenet train` writes.

The tensor names and shapes match the Swift package (`c1.weight [6,1,5,5]`, `c3.weight [16,6,5,5]` with
zeros where Table I leaves kernels out, `output.prototypes [10,84]`, ...). The file's metadata says which
architecture it holds; `load(path)` builds the module and loads the weights (the `optimizer.*` tensors, the
training state, are dropped).
"""
import json

import torch
import torch.nn as nn
import torch.nn.functional as F

A, S = 1.7159, 2.0 / 3.0


def squash(x):
    return A * torch.tanh(S * x)


class Subsampling(nn.Module):
    """LeNet-5's S2/S4: (sum of each 2x2 block) * coefficient + bias, per map."""

    def __init__(self, channels):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(channels))
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        summed = F.avg_pool2d(x, 2) * 4
        return summed * self.weight.view(1, -1, 1, 1) + self.bias.view(1, -1, 1, 1)


class LeNet5(nn.Module):
    """Outputs the 10 RBF penalties (lower is better)."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5)
        self.s2 = Subsampling(6)
        self.c3 = nn.Conv2d(6, 16, 5)  # left-out kernels are stored as zeros and stay zero
        self.s4 = Subsampling(16)
        self.c5 = nn.Conv2d(16, 120, 5)
        self.f6 = nn.Linear(120, 84)
        self.output = nn.Module()
        self.output.register_buffer("prototypes", torch.zeros(10, 84))

    def forward(self, x):
        x = squash(self.s2(squash(self.c1(x))))
        x = squash(self.s4(squash(self.c3(x))))
        x = squash(self.c5(x)).flatten(1)
        x = squash(self.f6(x))
        return ((x.unsqueeze(1) - self.output.prototypes.unsqueeze(0)) ** 2).sum(-1)


class LeNet1(nn.Module):
    def __init__(self, pooling):
        super().__init__()
        self.pool = F.avg_pool2d if pooling == "average" else F.max_pool2d
        self.c1 = nn.Conv2d(1, 4, 5)
        self.c2 = nn.Conv2d(4, 12, 5)
        self.fc = nn.Linear(192, 10)

    def forward(self, x):
        x = self.pool(squash(self.c1(x)), 2)
        x = self.pool(squash(self.c2(x)), 2)
        return self.fc(x.flatten(1))


class LeNet5Modern(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5)
        self.c3 = nn.Conv2d(6, 16, 5)
        self.c5 = nn.Conv2d(16, 120, 5)
        self.f6 = nn.Linear(120, 84)
        self.output = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c3(x)), 2)
        x = F.relu(self.c5(x)).flatten(1)
        return self.output(F.relu(self.f6(x)))


class MLP(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        sizes = [784] + hidden + [10]
        for n in range(len(sizes) - 1):
            setattr(self, f"fc{n + 1}", nn.Linear(sizes[n], sizes[n + 1]))
        self.layers = len(sizes) - 1

    def forward(self, x):
        x = x.flatten(1)
        for n in range(1, self.layers + 1):
            x = squash(getattr(self, f"fc{n}")(x))  # the outputs too: trained towards ±1
        return x


def architecture(path):
    from safetensors import safe_open  # here, so the speed comparison runs without the package

    with safe_open(path, "pt") as f:
        return json.loads(f.metadata()["lenet.architecture"])


def build(arch):
    name = next(iter(arch))
    if name == "lenet5":
        return LeNet5(), 2, "penalties"
    if name == "lenet1":
        return LeNet1(arch[name]["pooling"]), 0, "scores"
    if name == "lenet5Modern":
        return LeNet5Modern(), 2, "scores"
    if name == "mlp":
        return MLP(arch[name]["hidden"]), 0, "scores"
    raise ValueError(f"unknown architecture {arch}")


def load(path):
    """(module, padding, kind): kind 'penalties' (argmin) or 'scores' (argmax)."""
    from safetensors.torch import load_file

    module, padding, kind = build(architecture(path))
    state = {k: v for k, v in load_file(path).items() if not k.startswith("optimizer.")}
    module.load_state_dict(state, strict=True)
    return module.eval(), padding, kind


def encode(images, padding):
    """uint8 [N,28,28] -> the networks' input: background -0.1, ink 1.175, padded with background."""
    x = -0.1 + (1.175 + 0.1) / 255 * images.float()
    return F.pad(x, (padding,) * 4, value=-0.1).unsqueeze(1)
