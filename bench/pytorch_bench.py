#!/usr/bin/env python3
"""The bopsweep benchmark configurations in PyTorch eager, written as a careful PyTorch user would.

Not part of bopsweep itself; `bopsweep bench --pytorch` runs it once for the matmul peak and once
per configuration, and reads the JSON lines it prints. Needs Debian's python3-torch and
libopenblas0-openmp (apt-get install python3-torch libopenblas0-openmp), under /usr/bin/python3.

Same models, batch and threads as the Java side, the same timing split: forward (with the loss),
backward, optimizer step. Bop and the straight-through estimator work in place (see bop_step and
SignSTE); test_pytorch_bench.py checks both against element-by-element references.

When OpenBLAS does not know the CPU and falls back to narrower kernels than the CPU supports, the
script restarts itself once with OPENBLAS_CORETYPE set to the best family (see openblas_kernel.py);
a user's OPENBLAS_CORETYPE is kept. The first JSON line says which kernels ran and why.
"""
import argparse
import ctypes
import json
import os
import re
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import openblas_kernel  # noqa: E402


class SignSTE(torch.autograd.Function):
    """sign (+1 at 0) forward; the straight-through gradient, g where |x| <= 1, backward."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.where(x >= 0, 1.0, -1.0)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        outside = torch.gt(x, 1).logical_or_(torch.lt(x, -1))
        # g is the fresh gradient of the next layer's input, used by no one else
        return g.masked_fill_(outside, 0.0)


class LatentSign(torch.autograd.Function):
    """sign in the forward pass, identity in the backward pass (latent weights)."""

    @staticmethod
    def forward(ctx, w):
        return torch.where(w >= 0, 1.0, -1.0)

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


def bn1d(n):
    layer = nn.BatchNorm1d(n, eps=1e-3, momentum=0.01)
    layer.weight.requires_grad_(False)  # BatchNorm without a learned scale, as the authors'
    return layer


def bn2d(n):
    layer = nn.BatchNorm2d(n, eps=1e-3, momentum=0.01)
    layer.weight.requires_grad_(False)
    return layer


def mlp(width, latent):
    layers, n_in = [nn.Flatten()], 784
    for i in range(3):
        layers += [QLayer((width, n_in), False, 0, i > 0, latent), bn1d(width)]
        n_in = width
    layers += [QLayer((10, n_in), False, 0, True, latent), bn1d(10)]
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
        L.append(bn2d(ch(c)))
        c_in, first = ch(c), False
    L.append(nn.Flatten())
    n_in = c_in * 3 * 3
    for d in (ch(1024), ch(1024), 10):
        L += [QLayer((d, n_in), False, 0, True, latent), bn1d(d)]
        n_in = d
    return nn.Sequential(*L)


@torch.no_grad()
def bop_step(w, m, g, gamma, tau, mask):
    """One Bop step in place, the authors' strict rule, for weights that are +-1.

    m = (1 - gamma) m + gamma g; w = sign(-sign(w m - tau) w) with +1 where w m == tau. For w = +-1
    and tau >= 0 that is: -1 where m > tau, +1 where m <= -tau, w unchanged in between. mask is a
    bool buffer of w's shape, kept between steps.
    """
    m.lerp_(g, gamma)
    torch.gt(m, tau, out=mask)
    w.masked_fill_(mask, -1.0)
    torch.le(m, -tau, out=mask)
    w.masked_fill_(mask, 1.0)


class Bop(torch.optim.Optimizer):
    """Bop on binary (+-1) kernels, zero initial momentum; see bop_step."""

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
                    state["mask"] = torch.empty_like(p, dtype=torch.bool)
                bop_step(p, state["m"], p.grad, group["gamma"], group["tau"], state["mask"])


def run(name, model, shape, batch, optimizer, steps, warmup, warmup_seconds, repeat_seconds, repeats):
    """Medians over repeats; each repeat runs at least `steps` steps and at least `repeat_seconds`."""
    kernels = [m.weight for m in model.modules() if isinstance(m, QLayer)]
    others = [p for p in model.parameters() if p.requires_grad and all(p is not k for k in kernels)]
    if optimizer == "bop":
        with torch.no_grad():
            for k in kernels:
                k.copy_(torch.where(k >= 0, 1.0, -1.0))
        opts = [Bop(kernels), torch.optim.Adam(others, lr=1e-2, eps=1e-7)]
    else:
        opts = [torch.optim.Adam(list(kernels) + others, lr=1e-3, eps=1e-7)]
    model.train()
    per_repeat = []
    for r in range(-1, repeats):
        f = b = o = 0.0
        n = warmup if r < 0 else steps
        until = time.perf_counter() + (warmup_seconds if r < 0 else repeat_seconds)
        s = 0
        while s < n or time.perf_counter() < until:
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
            per_repeat.append((f / s * 1e3, b / s * 1e3, o / s * 1e3, s, f + b + o))
    fwd, bwd, opt = (statistics.median(t[i] for t in per_repeat) for i in range(3))
    steps_ms = [t[0] + t[1] + t[2] for t in per_repeat]
    step = statistics.median(steps_ms)
    return dict(name=name, batch=batch, threads=torch.get_num_threads(),
                samples_per_sec=batch / step * 1e3, samples_per_sec_min=batch / max(steps_ms) * 1e3,
                samples_per_sec_max=batch / min(steps_ms) * 1e3,
                ms_forward=fwd, ms_backward=bwd, ms_optimizer=opt, ms_step=step,
                ms_step_min=min(steps_ms), ms_step_max=max(steps_ms), optimizer_share=opt / (fwd + bwd + opt),
                steps_per_repeat=[t[3] for t in per_repeat], seconds_per_repeat=[t[4] for t in per_repeat])


def matmul_peak(sizes, seconds, repeats):
    """Best GFLOP/s of n x n times n x n, per size: each repeat multiplies for at least `seconds`."""
    best = {}
    for n in sizes:
        a = torch.rand(n, n) * 2 - 1
        b = torch.rand(n, n) * 2 - 1
        c = torch.empty(n, n)
        torch.mm(a, b, out=c)
        rates = []
        for _ in range(repeats):
            k, t0 = 0, time.perf_counter()
            while k == 0 or time.perf_counter() - t0 < seconds:
                torch.mm(a, b, out=c)
                k += 1
            rates.append(2.0 * n ** 3 * k / (time.perf_counter() - t0) / 1e9)
        best[str(n)] = max(rates)
    return best


def environment():
    """The torch build, its BLAS and the OpenBLAS kernels this process runs (restarting once for better ones)."""
    with open("/proc/self/maps") as f:
        lib = openblas_kernel.loaded_library(f.read())
    core = openblas_kernel.corename(lib) if lib else None
    try:
        with open("/proc/cpuinfo") as f:
            flags = openblas_kernel.cpu_flags(f.read())
    except OSError:
        flags = frozenset()
    coretype, note = openblas_kernel.decide(os.environ, core, flags) if core else (None, "no OpenBLAS loaded")
    if coretype:
        env = dict(os.environ, OPENBLAS_CORETYPE=coretype, **{openblas_kernel.REPLACED: core})
        sys.stdout.flush()
        os.execve(sys.executable, [sys.executable] + sys.argv, env)
    blas = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    openblas_config = None
    if lib:
        get = ctypes.CDLL(lib).openblas_get_config
        get.restype = ctypes.c_char_p
        openblas_config = get().decode()
    return dict(torch=torch.__version__, blas=blas.group(1) if blas else "unknown", blas_library=lib,
                openblas_config=openblas_config, openblas_core=core, openblas_note=note,
                openblas_l2_size=os.environ.get("OPENBLAS_L2_SIZE"), threads=torch.get_num_threads())


CONFIGS = {
    "mlp-bop": (lambda: mlp(2048, False), (1, 28, 28), 100, "bop"),
    "mlp-adam": (lambda: mlp(2048, True), (1, 28, 28), 100, "adam"),
    "vgg-1.0": (lambda: vgg(1.0, False), (3, 32, 32), 50, "bop"),
    "vgg-0.25": (lambda: vgg(0.25, False), (3, 32, 32), 50, "bop"),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=10, help="timed steps per repeat, at least (VGG 1.0: a quarter)")
    ap.add_argument("--repeat-seconds", type=float, default=3.0, help="and for at least this long")
    ap.add_argument("--warmup", type=int, default=3, help="untimed steps first, at least")
    ap.add_argument("--warmup-seconds", type=float, default=3.0, help="and for at least this long")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", default="", help="configurations, comma-separated (default: all)")
    ap.add_argument("--peak", default="", help="instead: float32 matmul peak at these sizes, comma-separated")
    ap.add_argument("--peak-seconds", type=float, default=1.0, help="each peak repeat multiplies this long")
    ap.add_argument("--environment", action="store_true", help="only print the environment line")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    print(json.dumps(dict(environment=environment())), flush=True)
    if a.environment:
        return
    if a.peak:
        sizes = [int(s) for s in a.peak.split(",")]
        print(json.dumps(dict(peak=matmul_peak(sizes, a.peak_seconds, a.repeats))), flush=True)
        return
    names = a.only.split(",") if a.only else list(CONFIGS)
    for name in names:
        if name not in CONFIGS:
            sys.exit("--only: unknown configuration '%s' (one of %s)" % (name, ", ".join(CONFIGS)))
    for name in names:
        build, shape, batch, opt = CONFIGS[name]
        steps = a.steps if not name.startswith("vgg-1") else max(2, a.steps // 4)
        row = run(name, build(), shape, batch, opt, steps, a.warmup, a.warmup_seconds, a.repeat_seconds, a.repeats)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
