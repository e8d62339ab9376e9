"""Benchmark of the QR Lyapunov spectrum step (gatedrnn.lyapunov).

Time per RK4 step (QR amortised over the QR interval) for k tangent vectors at several N,
compared with

- bare: the unavoidable linear algebra of the same shapes -- per RK4 stage J^h @ (N x k),
  J^zr @ (N x k) (J^z and J^r stacked, 2N x N) and the two state products J^h @ (N,),
  J^zr @ (N,), times four stages; plus one reduced QR of the 3N x k frame divided by the
  number of steps per QR interval;
- explicit: what common demos do -- form the dense 3N x 3N Jacobian with
  ``Network.jacobian`` at every RK4 stage, run RK4 on the frame with dense products, QR.

and the effect of the QR interval. Run with one BLAS thread (project rule):

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/bench_lyapunov.py [--quick]
        [--sizes 200 500]

Timings are the minimum over repeats (other jobs share the cores); each measurement runs for
about --budget seconds. k = 3N is skipped at N = 1000: one implicit step is ~70 GFLOP and
one explicit step ~220 GFLOP, seconds to minutes per step on one core.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from gatedrnn import GatedRNN, Network  # noqa: E402
from gatedrnn.lyapunov import _tangent_step, initial_frame, qr_exponents  # noqa: E402

PARAMS = GatedRNN(g_h=3.0, alpha_z=2.0, alpha_r=1.0)
DT = 0.05


def timed(function, budget: float, repeats: int = 3) -> float:
    """Minimum over `repeats` of the mean time of function() over ~budget/repeats seconds."""
    start = time.perf_counter()
    function()  # warm-up (allocations, caches) and estimate
    once = max(time.perf_counter() - start, 1e-7)
    calls = max(1, int(budget / repeats / once))
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            function()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def library_step_time(net, k, steps_per_qr, budget):
    """Seconds per step of the code path of lyapunov.spectrum in its measurement window
    (integrate.rk4_tangent_step on Network.vector_field_and_jacobian_apply, sigma_z and tr D
    sampled at each step point, QR with sign fix, finiteness checks)."""
    x = net.initial_state(None)
    frame = initial_frame(3 * net.N, k, 0).reshape(3, net.N, k)
    samples = []
    step = _tangent_step(net, DT, None, samples)

    def interval():
        samples.clear()
        qr_exponents(step, x, frame, dt=DT, steps_per_qr=steps_per_qr, n_intervals=1)

    return timed(interval, budget) / steps_per_qr


def qr_time(net, k, budget):
    frame = initial_frame(3 * net.N, k, 0)
    return timed(lambda: np.linalg.qr(frame, mode="reduced"), budget)


def bare_step_time(net, k, budget):
    """The GEMMs and GEMVs of one RK4 tangent step, preallocated outputs."""
    N = net.N
    rng = np.random.default_rng(0)
    block, out_h, out_zr = rng.standard_normal((N, k)), np.empty((N, k)), np.empty((2 * N, k))
    vector, vec_h, vec_zr = rng.standard_normal(N), np.empty(N), np.empty(2 * N)

    def stages():
        for _ in range(4):
            np.matmul(net.J_h, block, out=out_h)
            np.matmul(net.J_zr, block, out=out_zr)
            np.matmul(net.J_h, vector, out=vec_h)
            np.matmul(net.J_zr, vector, out=vec_zr)

    return timed(stages, budget)


def explicit_step_time(net, k, budget):
    """RK4 on state and frame with the dense Jacobian formed at every stage (no QR)."""
    x = net.initial_state(None)
    frame = initial_frame(3 * net.N, k, 0)
    half = 0.5 * DT

    def step():
        f1, K1 = net.vector_field(x), net.jacobian(x) @ frame
        x2 = x + half * f1
        f2, K2 = net.vector_field(x2), net.jacobian(x2) @ (frame + half * K1)
        x3 = x + half * f2
        f3, K3 = net.vector_field(x3), net.jacobian(x3) @ (frame + half * K2)
        x4 = x + DT * f3
        K4 = net.jacobian(x4) @ (frame + DT * K3)
        return (x + DT / 6 * (f1 + 2 * (f2 + f3) + net.vector_field(x4)),
                frame + DT / 6 * (K1 + 2 * (K2 + K3) + K4))

    return timed(step, budget)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 200 only, short budgets")
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 500, 1000],
                        help="network sizes N (default 200 500 1000; --quick: 200)")
    parser.add_argument("--budget", type=float, default=1.5, help="seconds per measurement")
    parser.add_argument("--qr-interval", type=float, default=0.5, help="tau_h (default 0.5)")
    args = parser.parse_args(argv)
    sizes = (200,) if args.quick else tuple(args.sizes)
    budget = 0.3 if args.quick else args.budget
    steps_per_qr = int(round(args.qr_interval / DT))
    print(f"# gatedrnn Lyapunov step benchmark: dt={DT}, QR every {steps_per_qr} steps "
          f"({args.qr_interval} tau_h), BLAS threads={os.environ.get('OPENBLAS_NUM_THREADS')}, "
          f"numpy {np.__version__}")
    header = (f"{'N':>5} {'k':>5} {'library ms':>11} {'bare ms':>9} {'QR ms':>8} "
              f"{'explicit ms':>12} {'lib/bare':>9} {'expl/lib':>9}")
    print(header)
    print("-" * len(header))
    t_start = time.perf_counter()
    for N in sizes:
        net = Network(PARAMS, N, seed=0)
        for k in (10, 100, 3 * N):
            if N >= 1000 and k == 3 * N:
                print(f"{N:>5} {k:>5}   skipped (k = 3N at N = 1000: ~70 GFLOP per step)")
                continue
            heavy = k * N * N > 1e8
            b = budget * (2 if heavy else 1)
            lib = library_step_time(net, k, steps_per_qr, b)
            bare_gemm = bare_step_time(net, k, b)
            qr = qr_time(net, k, b / 2)
            bare = bare_gemm + qr / steps_per_qr
            explicit = explicit_step_time(net, k, b) + qr / steps_per_qr
            print(f"{N:>5} {k:>5} {lib * 1e3:>11.3f} {bare * 1e3:>9.3f} {qr * 1e3:>8.3f} "
                  f"{explicit * 1e3:>12.3f} {lib / bare:>9.2f} {explicit / lib:>9.2f}",
                  flush=True)
    N, k = (200, 100) if args.quick or max(sizes) < 500 else (500, 100)
    net = Network(PARAMS, N, seed=0)
    print(f"\n# QR interval at N={N}, k={k}: library time per step")
    print(f"{'QR every':>9} {'tau_h':>6} {'ms/step':>9}")
    for every in (1, 2, 5, 10, 20):
        t = library_step_time(net, k, every, budget)
        print(f"{every:>9} {every * DT:>6.2f} {t * 1e3:>9.3f}", flush=True)
    print(f"\n# total benchmark time {time.perf_counter() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
