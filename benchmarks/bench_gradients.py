"""Benchmark of the discrete adjoint (gatedrnn.gradients.adjoint_gradients).

For each N and trajectory length n_steps (RK4, dt = 0.05, one trajectory unless --trials) it
prints

- fwd ms/step: the plain forward pass (``integrate.rk4_step`` on ``Network.vector_field``);
- bwd ms/step: adjoint_gradients minus one forward pass, i.e. the backward pass (segment
  recomputation, stage pullbacks, parameter gradients), per step, with checkpoints every
  ceil(sqrt(n)) steps ("ckpt") and with the whole trajectory kept ("full");
- bare ms/step: the unavoidable linear algebra of a backward step -- per RK4 stage
  J^h^T @ (N x trials) and [J^z; J^r]^T @ (2N x trials), plus the coupling-gradient GEMMs
  (N x 4 trials) (4 trials x N) and (2N x 4 trials) (4 trials x N) done in the same 128-column
  chunks as the library; the checkpointed pass also recomputes each segment (one more forward
  pass, not counted in bare);
- bwd/fwd and bwd/bare ratios;
- peak MiB: tracemalloc peak during the adjoint call (a separate run) less the 3 N^2 coupling
  gradients it returns, and the same in units of one state (3 N trials float64): the
  checkpointed pass holds O(sqrt(n)) states, the full one O(n).

Run with one BLAS thread (project rule):

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/bench_gradients.py [--quick]
        [--sizes 200 500] [--steps 100 400 1600] [--trials 1]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from gatedrnn import GatedRNN, Network  # noqa: E402
from gatedrnn.gradients import adjoint_gradients, squared_error  # noqa: E402
from gatedrnn.integrate import rk4_step  # noqa: E402

PARAMS = GatedRNN(g_h=3.0, alpha_z=2.0, alpha_r=1.0)
DT = 0.05
GEMM_COLUMNS = 128


def best_of(function, repeats: int) -> float:
    """Smallest wall time (s) of `repeats` calls."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def forward(net, x0, n_steps):
    rhs = lambda t, x: net.vector_field(x, t)  # noqa: E731
    x = x0
    for i in range(n_steps):
        x = rk4_step(rhs, i * DT, x, DT)
    return x


def adjoint(net, x0, n_steps, loss, full):
    return adjoint_gradients(net, x0, dt=DT, n_steps=n_steps, final_loss=loss,
                             store_trajectory=full)


def bare_backward_step(net, trials, budget):
    """Seconds per RK4 step of the transposed GEMMs and the chunked outer-product GEMMs."""
    N = net.N
    rng = np.random.default_rng(0)
    c_h, c_zr = rng.standard_normal((N, trials)), rng.standard_normal((2 * N, trials))
    out = np.empty((N, trials))
    stages = max(1, GEMM_COLUMNS // trials)
    columns = stages * trials
    left_h, right = rng.standard_normal((N, columns)), rng.standard_normal((N, columns))
    left_zr = rng.standard_normal((2 * N, columns))
    J_hT, J_zrT = net.J_h.T, net.J_zr.T

    def pullbacks():
        for _ in range(4):
            np.matmul(J_hT, c_h, out=out)
            np.matmul(J_zrT, c_zr, out=out)

    def outer_products():
        left_h @ right.T
        left_zr @ right.T

    calls = max(1, int(budget / max(best_of(pullbacks, 1), 1e-6) / 3))
    per_step = best_of(lambda: [pullbacks() for _ in range(calls)], 3) / calls
    per_chunk = best_of(outer_products, 3)
    return per_step + per_chunk * 4 / stages


def peak_memory(function) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 200, n_steps 100 and 400")
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 500])
    parser.add_argument("--steps", type=int, nargs="+", default=[100, 400, 1600])
    parser.add_argument("--trials", type=int, default=1)
    args = parser.parse_args(argv)
    sizes = (200,) if args.quick else tuple(args.sizes)
    steps = (100, 400) if args.quick else tuple(args.steps)
    trials = args.trials
    print(f"# gatedrnn adjoint benchmark: dt={DT}, trials={trials}, BLAS threads="
          f"{os.environ.get('OPENBLAS_NUM_THREADS')}, numpy {np.__version__}")
    header = (f"{'N':>5} {'n_steps':>7} {'mode':>5} {'k':>5} {'fwd ms':>7} {'bwd ms':>7} "
              f"{'bare ms':>8} {'bwd/fwd':>8} {'bwd/bare':>9} {'peak MiB':>9} {'states':>7} "
              f"{'tally MiB':>9}")
    print(header)
    print("-" * len(header))
    t_start = time.perf_counter()
    for N in sizes:
        net = Network(PARAMS, N, seed=0)
        x0 = forward(net, net.initial_state(trials=trials), 200)  # on the attractor
        loss = squared_error(np.zeros((3, N, trials)))
        bare = bare_backward_step(net, trials, budget=0.3)
        state_bytes = 3 * N * trials * 8
        gradient_bytes = 3 * N * N * 8
        for n_steps in steps:
            repeats = 2 if N * N * n_steps < 1e8 else 1
            fwd = best_of(lambda: forward(net, x0, n_steps), repeats)
            for full in (False, True):
                total = best_of(lambda: adjoint(net, x0, n_steps, loss, full), repeats)
                result = adjoint(net, x0, n_steps, loss, full)
                peak = peak_memory(lambda: adjoint(net, x0, n_steps, loss, full))
                held = max(peak - gradient_bytes, 0)
                bwd = (total - fwd) / n_steps
                print(f"{N:>5} {n_steps:>7} {'full' if full else 'ckpt':>5} "
                      f"{result.checkpoint_every:>5} {fwd / n_steps * 1e3:>7.3f} "
                      f"{bwd * 1e3:>7.3f} {bare * 1e3:>8.3f} {bwd / (fwd / n_steps):>8.2f} "
                      f"{bwd / bare:>9.2f} {held / 2**20:>9.2f} {held / state_bytes:>7.0f} "
                      f"{result.memory_bytes['total'] / 2**20:>9.2f}", flush=True)
    print(f"\n# states = (tracemalloc peak - 3 N^2 gradient floats) / (3 N trials floats); "
          f"tally = checkpoints + tape + GEMM buffers as reported by the result")
    print(f"# total benchmark time {time.perf_counter() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
