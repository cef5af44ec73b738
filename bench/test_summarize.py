"""bench/summarize.py over a directory like bench/measure's, with numbers chosen so that every
figure can be worked out by hand; needs no torch."""
import contextlib
import io
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import summarize  # noqa: E402


def ours(name, sps):
    return dict(name=name, samples_per_sec=sps, ms_step=50.0, ms_step_min=48.0, ms_step_max=53.5, ms_forward=20.0,
                ms_backward=27.0, ms_optimizer=3.0, optimizer_share=0.06, flops_per_sample=1e8, gflops=150.0)


def run(ours_sps, torch_sps, peak):
    return dict(matmul_peak_gflops=peak, matmul_peaks_gflops={"libtorch": {"1024": peak}, "pytorch": {"1024": 200.0}},
                bopsweep=[ours("mlp-bop", ours_sps)],
                pytorch=[dict(name="mlp-bop", samples_per_sec=torch_sps, optimizer_share=0.25)])


class Summarize(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def write(self, name, text):
        with open(os.path.join(self.dir, name), "w") as f:
            f.write(text)

    def summarize(self):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = summarize.main(["summarize.py", self.dir])
        return code, out.getvalue(), err.getvalue()

    def test_each_run_in_order(self):
        self.write("bench-1.json", json.dumps(run(2000.0, 1000.0, 300.0)))
        self.write("bench-2.json", json.dumps(run(1800.0, 1200.0, 250.0)))
        self.write("plan-quickstart.txt", "estimated time: 1m20s of training, about 0m48s with 2 trials at once, ...\n")
        self.write("sweep-quickstart.txt", "sweep quickstart: 4 done, 0 diverged, 0 failed (of 4 run; 0 were already done);"
                   " wall 40.0 s since the JVM started: 31.5 s running trials, 8.5 s outside them\n")
        code, out, err = self.summarize()
        self.assertEqual(0, code, err)
        # run 1: 2000/1000; 150 of 300 GFLOP/s; PyTorch 1e8 FLOPs x 1000 img/s = 100 GFLOP/s of 300
        # run 2: 1800/1200; 150 of 250; 1e8 x 1200 = 120 of 250
        self.assertIn("| mlp-bop | 2000; 1800 | 1000; 1200 | 2.00x; 1.50x | 50.0 (48.0-53.5) = 20.0 + 27.0 + 3.0; "
                      "50.0 (48.0-53.5) = 20.0 + 27.0 + 3.0 | 6.0 % / 25.0 %; 6.0 % / 25.0 % | 50 % / 33 %; 60 % / 48 % |",
                      out)
        self.assertIn("| libtorch | 300.0; 250.0 |", out)
        self.assertIn("| pytorch | 200.0; 200.0 |", out)
        # 48 s estimated against 40.0 s measured
        self.assertIn("| quickstart | 48 s | 40.0 s | 31.5 s | 8.5 s | 1.20 |", out)

    def test_durations(self):
        self.assertEqual(3 * 3600 + 7 * 60, summarize.seconds("3h07m"))
        self.assertEqual(65, summarize.seconds("1m05s"))
        with self.assertRaises(ValueError):
            summarize.seconds("2.5 days")

    def test_bad_input_is_one_line_and_exit_2(self):
        self.write("bench-1.json", "{not json")
        code, _, err = self.summarize()
        self.assertEqual(2, code)
        self.assertTrue(err.startswith("summarize.py: %s: not a bench JSON" % os.path.join(self.dir, "bench-1.json")), err)
        self.assertEqual(1, len(err.strip().splitlines()))

    def test_a_plan_without_its_sweep(self):
        self.write("plan-x.txt", "estimated time: 1m20s of training, about 0m48s with 2 trials at once\n")
        code, _, err = self.summarize()
        self.assertEqual(2, code)
        self.assertIn("sweep-x.txt", err)

    def test_not_a_directory(self):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = summarize.main(["summarize.py", os.path.join(self.dir, "nope")])
        self.assertEqual(2, code)
        self.assertEqual("summarize.py: usage: bench/summarize.py DIR (a directory bench/measure wrote)\n", err.getvalue())


if __name__ == "__main__":
    unittest.main()
