"""Which OpenBLAS kernel family the PyTorch side runs, and the best one this CPU supports.

OpenBLAS built with DYNAMIC_ARCH (Debian's) picks its kernels from the CPU model at load time. A
model it does not know (OpenBLAS 0.3.21 and Intel family 6, model 207) gets the Prescott (SSE3)
kernels, several times slower than the AVX-512 ones the CPU runs. OPENBLAS_CORETYPE, read at load
time, overrides the choice. No torch here: these are pure functions and one ctypes read.
"""
import ctypes

# Kernel families OPENBLAS_CORETYPE accepts, best first, with the /proc/cpuinfo flags each needs.
FAMILIES = [
    ("Cooperlake", frozenset({"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx512_bf16"})),
    ("SkylakeX", frozenset({"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"})),
    ("Haswell", frozenset({"avx2", "fma"})),
    ("Sandybridge", frozenset({"avx"})),
    ("Nehalem", frozenset({"sse4_2"})),
    ("Core2", frozenset({"ssse3"})),
    ("Prescott", frozenset({"pni"})),
]

# The instruction-set level of each core name openblas_get_corename can return on x86-64 (higher
# is wider); names not listed are unknown and never overridden.
LEVELS = {
    "Katmai": 0, "Coppermine": 0, "Northwood": 0, "Banias": 0, "Opteron": 0, "Prescott": 1, "Opteron(SSE3)": 1,
    "Core2": 2, "Atom": 2, "Nano": 2, "Bobcat": 2, "Penryn": 3, "Dunnington": 3, "Nehalem": 3, "Barcelona": 3,
    "Sandybridge": 4, "Bulldozer": 4, "Piledriver": 4, "Steamroller": 4, "Haswell": 5, "Zen": 5, "Excavator": 5,
    "SkylakeX": 6, "Cooperlake": 7, "SapphireRapids": 7,
}

# Set in the environment of the process bench restarts with its own OPENBLAS_CORETYPE: the core
# OpenBLAS had picked itself.
REPLACED = "BOPSWEEP_BENCH_OPENBLAS_REPLACED"


def cpu_flags(cpuinfo_text):
    """The flags of the first processor in a /proc/cpuinfo text."""
    for line in cpuinfo_text.splitlines():
        if line.startswith("flags"):
            return frozenset(line.split(":", 1)[1].split())
    return frozenset()


def best_family(flags):
    """The widest kernel family whose instructions are all in the flag set, or None."""
    for name, needs in FAMILIES:
        if needs <= flags:
            return name
    return None


def is_fallback(core, flags):
    """Whether OpenBLAS runs narrower kernels than the CPU supports (False for a core name it cannot judge)."""
    best = best_family(flags)
    return core in LEVELS and best is not None and LEVELS[core] < LEVELS[best]


def decide(env, core, flags):
    """What to do about the loaded kernels.

    Returns (coretype to restart with or None, note): the user's OPENBLAS_CORETYPE is kept; a core
    narrower than the CPU supports is replaced by the best family; otherwise OpenBLAS's own choice stands.
    """
    best = best_family(flags)
    if REPLACED in env:
        return None, "%s, set by bench: OpenBLAS picked %s on this CPU, which supports %s" % (
            core, env[REPLACED], best)
    if env.get("OPENBLAS_CORETYPE"):
        note = "%s, from OPENBLAS_CORETYPE=%s set by the user" % (core, env["OPENBLAS_CORETYPE"])
        if is_fallback(core, flags):
            note += "; a fallback: this CPU supports %s" % best
        return None, note
    if is_fallback(core, flags):
        return best, None
    return None, "%s, OpenBLAS's own choice" % core


def loaded_library(maps_text):
    """The path of the libopenblas this process has loaded, from /proc/self/maps, or None."""
    for line in maps_text.splitlines():
        path = line.split()[-1] if line.split() else ""
        if "/libopenblas" in path:
            return path
    return None


def corename(path):
    """openblas_get_corename() of the library at path."""
    get = ctypes.CDLL(path).openblas_get_corename
    get.restype = ctypes.c_char_p
    return get().decode()
