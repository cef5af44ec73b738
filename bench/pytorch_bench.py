#!/usr/bin/env python3
"""The bopsweep benchmark configurations in PyTorch eager, for side-by-side ratios.

Not part of the tests. Needs Debian's python3-torch and libopenblas0-openmp
(apt-get install python3-torch libopenblas0-openmp) and runs under /usr/bin/python3.
`bopsweep bench --pytorch` runs it with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset and reads the
JSON it prints (one object per configuration). Same models, same timing split as the Java side:
forward (with the loss), backward, optimizer step; median of repeats.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class SignSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (x.abs() <= 1).to(g.dtype)


class LatentSign(torch.autograd.Function):
    """sign in the forward pass, identity in the backward pass (latent weights)."""

    @staticmethod
    def forward(ctx, w):
        return torch.where(w >= 0, torch.ones_like(w), -torch.ones_like(w))

    @staticmethod
    def backward(ctx, g):
        return g


class QLayer(nn.Module):
    def __init__(self, shape, conv, padding, binarize_input, latent):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(shape).uniform_(-0.05, 0.05))
        self.conv, self.padding, self.binarize_input, self.latent = conv, padding, binarize_input, latent

    def forward(self, x):
        if self.binarize_input:
            x = SignSTE.apply(x)
        w = LatentSign.apply(self.weight) if self.latent else self.weight
        return F.conv2d(x, w, padding=self.padding) if self.conv else F.linear(x, w)


def bn(n):
    layer = nn.BatchNorm2d(n, eps=1e-3, momentum=0.01) if isinstance(n, tuple) else nn.BatchNorm1d(n, eps=1e-3, momentum=0.01)
    layer.weight.requires_grad_(False)  # BatchNorm without a learned scale, as the authors'
    return layer


def mlp(width, latent):
    layers, n_in = [nn.Flatten()], 784
    for i in range(3):
        layers += [QLayer((width, n_in), False, 0, i > 0, latent), nn.BatchNorm1d(width, eps=1e-3, momentum=0.01)]
        n_in = width
    layers += [QLayer((10, n_in), False, 0, True, latent), nn.BatchNorm1d(10, eps=1e-3, momentum=0.01)]
    return nn.Sequential(*layers)


def vgg(width, latent):
    def ch(c):
        return max(1, round(c * width))

    L, c_in, first = [], 3, True
    spec = [(128, 0, False), (128, 1, True), (256, 1, False), (256, 1, True), (512, 1, False), (512, 1, True)]
    for c, pad, pool in spec:
        L.append(QLayer((ch(c), c_in, 3, 3), True, pad, not first, latent))
        if pool:
            L.append(nn.MaxPool2d(2))
        L.append(nn.BatchNorm2d(ch(c), eps=1e-3, momentum=0.01))
        c_in, first = ch(c), False
    L.append(nn.Flatten())
    n_in = c_in * 3 * 3
    for d in (ch(1024), ch(1024), 10):
        L += [QLayer((d, n_in), False, 0, True, latent), nn.BatchNorm1d(d, eps=1e-3, momentum=0.01)]
        n_in = d
    return nn.Sequential(*L)


class Bop(torch.optim.Optimizer):
    """Bop as in the authors' code: m = (1-gamma) m + gamma g; w = sign(-sign(w m - tau) w)."""

    def __init__(self, params, gamma=1e-3, tau=1e-6):
        super().__init__(params, dict(gamma=gamma, tau=tau))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "m" not in state:
                    state["m"] = torch.zeros_like(p)
                m = state["m"]
                m.mul_(1 - group["gamma"]).add_(p.grad, alpha=group["gamma"])
                z = torch.sign(-torch.sign(p * m - group["tau"]) * p)
                p.copy_(torch.where(z >= 0, torch.ones_like(z), -torch.ones_like(z)))
                p.grad = None


def run(name, model, shape, batch, optimizer, steps, warmup, warmup_seconds, repeats):
    kernels = [m.weight for m in model.modules() if isinstance(m, QLayer)]
    others = [p for p in model.parameters() if p.requires_grad and all(p is not k for k in kernels)]
    if optimizer == "bop":
        with torch.no_grad():
            for k in kernels:
                k.copy_(torch.where(k >= 0, torch.ones_like(k), -torch.ones_like(k)))
        opts = [Bop(kernels), torch.optim.Adam(others, lr=1e-2, eps=1e-7)]
    else:
        opts = [torch.optim.Adam(list(kernels) + others, lr=1e-3, eps=1e-7)]
    model.train()
    times = []
    for r in range(-1, repeats):
        f = b = o = 0.0
        n = warmup if r < 0 else steps
        warm_until = time.perf_counter() + warmup_seconds if r < 0 else 0.0
        s = 0
        while s < n or time.perf_counter() < warm_until:
            s += 1
            x = torch.rand((batch,) + shape) * 2 - 1
            y = torch.randint(0, 10, (batch,))
            t0 = time.perf_counter()
            loss = F.cross_entropy(model(x), y)
            loss.item()
            t1 = time.perf_counter()
            loss.backward()
            t2 = time.perf_counter()
            for opt in opts:
                opt.step()
                opt.zero_grad(set_to_none=True)
            if optimizer != "bop":
                with torch.no_grad():
                    for k in kernels:
                        k.clamp_(-1, 1)
            t3 = time.perf_counter()
            f, b, o = f + t1 - t0, b + t2 - t1, o + t3 - t2
        if r >= 0:
            times.append((f / n * 1e3, b / n * 1e3, o / n * 1e3))
    med = lambda i: sorted(t[i] for t in times)[len(times) // 2]
    step = med(0) + med(1) + med(2)
    return dict(name=name, batch=batch, threads=torch.get_num_threads(), samples_per_sec=batch / step * 1e3,
                ms_forward=med(0), ms_backward=med(1), ms_optimizer=med(2), ms_step=step,
                optimizer_share=med(2) / step)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3, help="untimed steps first, at least")
    ap.add_argument("--warmup-seconds", type=float, default=3.0, help="and for at least this long")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    configs = [
        ("mlp-bop", lambda: mlp(2048, False), (1, 28, 28), 100, "bop"),
        ("mlp-adam", lambda: mlp(2048, True), (1, 28, 28), 100, "adam"),
        ("vgg-1.0", lambda: vgg(1.0, False), (3, 32, 32), 50, "bop"),
        ("vgg-0.25", lambda: vgg(0.25, False), (3, 32, 32), 50, "bop"),
    ]
    for name, build, shape, batch, opt in configs:
        if a.only and name not in a.only.split(","):
            continue
        steps = a.steps if not name.startswith("vgg-1") else max(2, a.steps // 4)
        print(json.dumps(run(name, build(), shape, batch, opt, steps, a.warmup, a.warmup_seconds, a.repeats)), flush=True)


if __name__ == "__main__":
    main()
