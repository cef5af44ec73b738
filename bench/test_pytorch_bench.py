"""The PyTorch side's in-place Bop and straight-through estimator against element-by-element
references, and its OpenBLAS report; needs torch (python3-torch) and numpy."""
import json
import os
import subprocess
import sys
import unittest

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import openblas_kernel  # noqa: E402
import pytorch_bench  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def bop_reference(w, m, g, gamma, tau):
    """The authors' formula, one element at a time in float32: m = (1-gamma) m + gamma g;
    w = sign(-sign(w m - tau) w), the inner sign 0 at equality, the outer one +1 at 0."""
    w, m = w.copy(), m.copy()
    a, b, t = np.float32(1 - gamma), np.float32(gamma), np.float32(tau)
    for i in range(w.size):
        m[i] = m[i] * a + g[i] * b
        z = w[i] * m[i]
        inner = np.float32(1 if z > t else (-1 if z < t else 0))
        w[i] = 1 if -inner * w[i] >= 0 else -1
    return w, m


def ste_reference(x, g):
    forward = np.array([1 if v >= 0 else -1 for v in x], dtype=np.float32)
    backward = np.array([gv if -1 <= v <= 1 else 0 for v, gv in zip(x, g)], dtype=np.float32)
    return forward, backward


class BopAgainstReference(unittest.TestCase):
    def steps(self, w, gs, gamma, tau):
        """Runs the in-place Bop and the reference side by side, checking after every step."""
        p = torch.nn.Parameter(torch.tensor(w))
        opt = pytorch_bench.Bop([p], gamma=gamma, tau=tau)
        rw, rm = w.copy(), np.zeros_like(w)
        for g in gs:
            p.grad = torch.tensor(g)
            opt.step()
            rw, rm = bop_reference(rw, rm, g, gamma, tau)
            np.testing.assert_array_equal(rw, p.detach().numpy())
            np.testing.assert_allclose(rm, opt.state[p]["m"].numpy(), rtol=1e-5, atol=1e-9)  # lerp_ rounds differently
        return p.detach().numpy()

    def test_ties_at_tau_and_zero_momentum_exactly(self):
        # gamma 1/2 and multiples of 1/8: every momentum is exact, so the new m lands on +-tau and 0
        tau = 0.25
        w = np.array([1, -1, 1, -1, 1, -1, 1, -1, 1, -1], dtype=np.float32)
        g = np.array([0.5, 0.5, -0.5, -0.5, 0, 0, 1, -1, 0.375, -0.125], dtype=np.float32)
        # m after one step: 0.25 (= tau), 0.25, -0.25 (= -tau), -0.25, 0, 0, 0.5, -0.5, 0.1875, -0.0625
        out = self.steps(w, [g], 0.5, tau)
        np.testing.assert_array_equal(np.array([1, -1, 1, 1, 1, -1, -1, 1, 1, -1], dtype=np.float32), out)

    def test_zero_momentum_with_tau_zero_sets_plus_one(self):
        w = np.array([1, -1, 1, -1], dtype=np.float32)
        zero = np.zeros(4, dtype=np.float32)
        out = self.steps(w, [zero, np.array([0, 0, 1, -1], dtype=np.float32)], 0.5, 0.0)
        np.testing.assert_array_equal(np.array([1, 1, -1, 1], dtype=np.float32), out)

    def test_random_steps_match(self):
        rng = np.random.default_rng(7)
        w = np.where(rng.random(5000) < 0.5, -1, 1).astype(np.float32)
        gs = [(rng.standard_normal(5000) * 1e-3).astype(np.float32) for _ in range(5)]
        out = self.steps(w, gs, 1e-1, 1e-5)
        self.assertGreater(int((out != w).sum()), 100, "the steps flipped weights")


class SteAgainstReference(unittest.TestCase):
    def test_forward_and_backward(self):
        x = np.array([-3, -1.0000001, -1, -0.5, -0.0, 0, 0.5, 1, 1.0000001, 2], dtype=np.float32)
        g = np.arange(1, 11, dtype=np.float32)
        xt = torch.tensor(x, requires_grad=True)
        y = pytorch_bench.SignSTE.apply(xt)
        y.backward(torch.tensor(g))
        forward, backward = ste_reference(x, g)
        np.testing.assert_array_equal(forward, y.detach().numpy())
        np.testing.assert_array_equal(backward, xt.grad.numpy())

    def test_latent_sign_passes_the_gradient_through(self):
        w = torch.tensor([-0.5, 0.0, 2.0], requires_grad=True)
        y = pytorch_bench.LatentSign.apply(w)
        y.backward(torch.tensor([1.0, 2.0, 3.0]))
        self.assertEqual([-1.0, 1.0, 1.0], y.tolist())
        self.assertEqual([1.0, 2.0, 3.0], w.grad.tolist())


class OpenblasReport(unittest.TestCase):
    def test_a_forced_prescott_is_reported_as_the_fallback(self):
        env = dict(os.environ, OPENBLAS_CORETYPE="Prescott")
        env.pop(openblas_kernel.REPLACED, None)
        out = subprocess.run([sys.executable, os.path.join(HERE, "pytorch_bench.py"), "--environment"], env=env,
                             capture_output=True, text=True, check=True).stdout
        report = json.loads(out.splitlines()[0])["environment"]
        self.assertEqual("Prescott", report["openblas_core"])
        with open("/proc/cpuinfo") as f:
            best = openblas_kernel.best_family(openblas_kernel.cpu_flags(f.read()))
        expected = "Prescott, from OPENBLAS_CORETYPE=Prescott set by the user"
        if openblas_kernel.LEVELS[best] > openblas_kernel.LEVELS["Prescott"]:
            expected += "; a fallback: this CPU supports " + best
        self.assertEqual(expected, report["openblas_note"])
        self.assertIn("OpenBLAS", report["openblas_config"])
        self.assertEqual(torch.__version__, report["torch"])


if __name__ == "__main__":
    unittest.main()
