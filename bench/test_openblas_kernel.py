"""The OpenBLAS kernel choice as pure functions over cpuinfo flag sets; needs no torch."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from openblas_kernel import REPLACED, best_family, cpu_flags, decide, is_fallback, loaded_library  # noqa: E402

SSE = {"sse", "sse2", "pni", "ssse3", "sse4_1", "sse4_2"}
AVX2 = SSE | {"avx", "avx2", "fma"}
AVX512 = AVX2 | {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"}
# Intel family 6, model 207 (the flags of the machine OpenBLAS 0.3.21 does not know), abridged
MODEL_207 = AVX512 | {"avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16", "avx512_vnni"}


class BestFamily(unittest.TestCase):
    def test_widest_supported_family(self):
        self.assertEqual("Cooperlake", best_family(frozenset(MODEL_207)))
        self.assertEqual("SkylakeX", best_family(frozenset(AVX512)))
        self.assertEqual("Haswell", best_family(frozenset(AVX2)))
        self.assertEqual("Sandybridge", best_family(frozenset(SSE | {"avx"})))
        self.assertEqual("Nehalem", best_family(frozenset(SSE)))
        self.assertEqual("Prescott", best_family(frozenset({"sse", "sse2", "pni"})))
        self.assertIsNone(best_family(frozenset({"sse", "sse2"})))

    def test_avx512_needs_all_of_its_subsets(self):
        self.assertEqual("Haswell", best_family(frozenset(AVX512 - {"avx512bw"})))
        self.assertEqual("Sandybridge", best_family(frozenset(AVX2 - {"fma"})))


class Fallback(unittest.TestCase):
    def test_narrower_kernels_than_the_cpu_supports(self):
        self.assertTrue(is_fallback("Prescott", frozenset(MODEL_207)))
        self.assertTrue(is_fallback("Katmai", frozenset(AVX2)))
        self.assertTrue(is_fallback("Haswell", frozenset(AVX512)))
        self.assertFalse(is_fallback("Cooperlake", frozenset(MODEL_207)))
        self.assertFalse(is_fallback("Zen", frozenset(AVX2)))
        self.assertFalse(is_fallback("Prescott", frozenset({"sse", "sse2", "pni"})))

    def test_an_unknown_core_name_is_not_judged(self):
        self.assertFalse(is_fallback("Loongson3R4", frozenset(MODEL_207)))
        self.assertEqual((None, "Loongson3R4, OpenBLAS's own choice"), decide({}, "Loongson3R4", frozenset(MODEL_207)))


class Decide(unittest.TestCase):
    def test_a_fallback_is_replaced_by_the_best_family(self):
        self.assertEqual(("Cooperlake", None), decide({}, "Prescott", frozenset(MODEL_207)))
        self.assertEqual(("Haswell", None), decide({"OPENBLAS_CORETYPE": ""}, "Prescott", frozenset(AVX2)))

    def test_a_recognised_cpu_keeps_openblass_choice(self):
        self.assertEqual((None, "SkylakeX, OpenBLAS's own choice"), decide({}, "SkylakeX", frozenset(AVX512)))

    def test_the_users_coretype_is_kept_and_named(self):
        coretype, note = decide({"OPENBLAS_CORETYPE": "Prescott"}, "Prescott", frozenset(MODEL_207))
        self.assertIsNone(coretype)
        self.assertEqual("Prescott, from OPENBLAS_CORETYPE=Prescott set by the user; a fallback: this CPU supports"
                         " Cooperlake", note)
        self.assertEqual((None, "Haswell, from OPENBLAS_CORETYPE=Haswell set by the user"),
                         decide({"OPENBLAS_CORETYPE": "Haswell"}, "Haswell", frozenset(AVX2)))

    def test_the_restarted_process_says_what_it_replaced(self):
        env = {"OPENBLAS_CORETYPE": "Cooperlake", REPLACED: "Prescott"}
        self.assertEqual((None, "Cooperlake, set by bench: OpenBLAS picked Prescott on this CPU, which supports Cooperlake"),
                         decide(env, "Cooperlake", frozenset(MODEL_207)))


class Parsing(unittest.TestCase):
    def test_flags_of_the_first_processor(self):
        text = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu sse avx2 fma\n\nprocessor\t: 1\nflags\t: fpu\n"
        self.assertEqual(frozenset({"fpu", "sse", "avx2", "fma"}), cpu_flags(text))
        self.assertEqual(frozenset(), cpu_flags("processor\t: 0\n"))

    def test_the_loaded_openblas_from_the_memory_map(self):
        maps = ("7f00-7f01 r--p 00000000 08:01 12 /usr/lib/x86_64-linux-gnu/libm.so.6\n"
                "7f02-7f03 r-xp 00000000 08:01 13 /usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblasp-r0.3.21.so\n"
                "7f04-7f05 rw-p 00000000 00:00 0 \n")
        self.assertEqual("/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblasp-r0.3.21.so", loaded_library(maps))
        self.assertIsNone(loaded_library("7f00-7f01 r--p 00000000 08:01 12 /usr/lib/libblas.so.3\n"))


if __name__ == "__main__":
    unittest.main()
