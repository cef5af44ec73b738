#!/usr/bin/env python3
"""The tables of docs/performance.md from what bench/measure wrote:

    bench/summarize.py DIR

reads DIR/bench-*.json (bench --pytorch --json), DIR/plan-*.txt and DIR/sweep-*.txt, and prints
Markdown rows, one value per bench run in run order. Needs no torch.
"""
import glob
import json
import os
import re
import sys

CONFIGS = ["mlp-bop", "mlp-adam", "vgg-1.0", "vgg-0.25"]


def config_rows(runs):
    """Per configuration: each run's img/s both sides, ratio, step, optimizer shares and % of peak."""
    rows = []
    for name in CONFIGS:
        cells = {k: [] for k in ("ours", "torch", "ratio", "step", "share", "peak")}
        for run in runs:
            ours = next((r for r in run.get("bopsweep", []) if r["name"] == name), None)
            torch = next((r for r in run.get("pytorch", []) if r["name"] == name), None)
            if ours is None or torch is None:
                continue
            peak = run["matmul_peak_gflops"]
            torch_gflops = ours["flops_per_sample"] * torch["samples_per_sec"] / 1e9
            cells["ours"].append("%.0f" % ours["samples_per_sec"])
            cells["torch"].append("%.0f" % torch["samples_per_sec"])
            cells["ratio"].append("%.2fx" % (ours["samples_per_sec"] / torch["samples_per_sec"]))
            cells["step"].append("%.1f (%.1f-%.1f) = %.1f + %.1f + %.1f" % (
                ours["ms_step"], ours["ms_step_min"], ours["ms_step_max"], ours["ms_forward"], ours["ms_backward"],
                ours["ms_optimizer"]))
            cells["share"].append("%.1f %% / %.1f %%" % (100 * ours["optimizer_share"], 100 * torch["optimizer_share"]))
            cells["peak"].append("%.0f %% / %.0f %%" % (100 * ours["gflops"] / peak, 100 * torch_gflops / peak))
        if cells["ours"]:
            rows.append("| %s | %s |" % (name, " | ".join("; ".join(cells[k]) for k in cells)))
    return rows


def peak_rows(runs):
    """Per side: each run's best GFLOP/s at each size."""
    sides = {}
    for run in runs:
        for side, by_size in run.get("matmul_peaks_gflops", {}).items():
            for size, gflops in by_size.items():
                sides.setdefault(side, {}).setdefault(int(size), []).append("%.1f" % gflops)
    sizes = sorted({s for by_size in sides.values() for s in by_size})
    rows = ["| GFLOP/s | %s |" % " | ".join("%d^3" % s for s in sizes)]
    for side, by_size in sides.items():
        rows.append("| %s | %s |" % (side, " | ".join("; ".join(by_size.get(s, [])) for s in sizes)))
    return rows


def seconds(human):
    """plan's '1h02m' or '3m07s' as seconds."""
    m = re.fullmatch(r"(?:(\d+)h)?(\d+)m(?:(\d+)s)?", human)
    if not m:
        raise ValueError("not a duration: " + human)
    h, mnt, s = (int(x) if x else 0 for x in m.groups())
    return 3600 * h + 60 * mnt + s


def sweep_row(name, plan_text, sweep_text):
    est = re.search(r"estimated time: \S+ of training, about (\S+) with (\d+) trials at once", plan_text)
    wall = re.search(r"wall ([\d.]+) s since the JVM started: ([\d.]+) s running trials, (-?[\d.]+) s outside them",
                     sweep_text)
    if not est or not wall:
        raise ValueError(name + ": no estimate or no wall line")
    estimate, measured = seconds(est.group(1)), float(wall.group(1))
    return "| %s | %d s | %.1f s | %.1f s | %.1f s | %.2f |" % (
        name, estimate, measured, float(wall.group(2)), float(wall.group(3)), estimate / measured)


def main(argv):
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        sys.stderr.write("summarize.py: usage: bench/summarize.py DIR (a directory bench/measure wrote)\n")
        return 2
    d = argv[1]
    paths = sorted(glob.glob(os.path.join(d, "bench-*.json")))
    runs = []
    for p in paths:
        try:
            with open(p) as f:
                runs.append(json.load(f))
        except (OSError, ValueError) as e:
            sys.stderr.write("summarize.py: %s: not a bench JSON (%s)\n" % (p, e))
            return 2
    print("runs: " + ", ".join(os.path.basename(p) for p in paths))
    print("| config | bopsweep img/s | PyTorch img/s | ratio | step ms ours (range) = fwd + bwd + opt"
          " | optimizer share ours / PyTorch | % of peak ours / PyTorch |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(config_rows(runs)))
    print()
    rows = peak_rows(runs)
    print(rows[0])
    print("|---|" + "---|" * (rows[0].count("|") - 2))
    print("\n".join(rows[1:]))
    print()
    print("| sweep | plan's estimate | measured wall | in trials | outside | estimate / measured |")
    print("|---|---|---|---|---|---|")
    for plan in sorted(glob.glob(os.path.join(d, "plan-*.txt"))):
        name = os.path.basename(plan)[len("plan-"):-len(".txt")]
        sweep = os.path.join(d, "sweep-%s.txt" % name)
        try:
            with open(plan) as f, open(sweep) as g:
                print(sweep_row(name, f.read(), g.read()))
        except (OSError, ValueError) as e:
            sys.stderr.write("summarize.py: %s\n" % e)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
