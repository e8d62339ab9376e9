"""Speed of the simulation step against the unavoidable work and against scipy's solve_ivp.

For each N and batch size (trials) it prints
  - time per RK4 step of `gatedrnn` (4 right-hand-side evaluations);
  - the ratio to the bare matrix products one step must do: 4 x (J^h @ X and [J^z; J^r] @ X)
    with X of shape (N, trials), i.e. 3 N x N products per evaluation, timed alone;
  - the ratio of scipy.integrate.solve_ivp (RK45, vectorised right-hand side) to gatedrnn at
    equal accuracy: for each target error of the state at t = 10 (max norm, against RK4 at
    dt = 0.1 / 16), the largest RK4 step and the loosest RK45 rtol that reach it, timed;
    "ivp" integrates all trials as one vectorised system, "loop" calls solve_ivp per trial.

Run:  OMP_NUM_THREADS=1 python benchmarks/bench_simulate.py [--quick]
BLAS must run one thread (the pipeline's setting); the script refuses otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
from scipy.integrate import solve_ivp

from gatedrnn import GatedRNN, Network
from gatedrnn.integrate import rk4_step

PARAMS = GatedRNN(g_h=4.0, alpha_z=5.0, alpha_r=2.0)
DT = 0.1


def best_time(function, repeats: int) -> float:
    """Smallest wall time of `repeats` calls (seconds)."""
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def time_rk4_step(network, x, n_steps: int) -> float:
    rhs = lambda t, state: network.vector_field(state, t)  # noqa: E731

    def run():
        state = x
        for i in range(n_steps):
            state = rk4_step(rhs, i * DT, state, DT)

    return best_time(run, 3) / n_steps


def time_bare_products(network, x, n_steps: int) -> float:
    h = np.ascontiguousarray(x[0].reshape(network.N, -1))

    def run():
        for _ in range(4 * n_steps):
            network.J_h @ h
            network.J_zr @ h

    return best_time(run, 3) / n_steps


def rk4_final(network, x, t_end: float, dt: float) -> np.ndarray:
    rhs = lambda t, state: network.vector_field(state, t)  # noqa: E731
    state = x
    for i in range(int(round(t_end / dt))):
        state = rk4_step(rhs, i * dt, state, dt)
    return state


def solve_ivp_run(network, x, t_end: float, rtol: float):
    shape = x.shape

    def rhs(t, flat):
        # solve_ivp's vectorised calls pass (n, m); plain calls pass (n,).
        columns = flat.reshape(shape + (-1,)) if flat.ndim == 2 else flat.reshape(shape)
        return network.vector_field(columns, t).reshape(flat.shape)

    start = time.perf_counter()
    solution = solve_ivp(rhs, (0.0, t_end), x.ravel(), method="RK45", rtol=rtol, atol=rtol * 1e-2)
    elapsed = time.perf_counter() - start
    return solution.y[:, -1].reshape(shape), elapsed, solution.nfev


RK4_STEPS = (0.5, 0.4, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05, 0.025)
IVP_RTOLS = (1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6, 3e-7, 1e-7, 3e-8, 1e-8)


def cheapest_rk4(network, x, t_end: float, reference: np.ndarray, target: float):
    """(seconds, dt, error) of the largest RK4 step whose error at t_end is <= target."""
    for dt in RK4_STEPS:
        start = time.perf_counter()
        state = rk4_final(network, x, t_end, dt)
        elapsed = time.perf_counter() - start
        error = np.max(np.abs(state - reference))
        if error <= target:
            return elapsed, dt, error
    return elapsed, dt, error


def cheapest_solve_ivp(network, x, t_end: float, reference: np.ndarray, target: float):
    """(seconds, rtol, error, nfev) of the loosest RK45 tolerance meeting the target."""
    for rtol in IVP_RTOLS:
        state, elapsed, nfev = solve_ivp_run(network, x, t_end, rtol)
        error = np.max(np.abs(state - reference))
        if error <= target:
            return elapsed, rtol, error, nfev
    return elapsed, rtol, error, nfev


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N in {500, 1000} only, fewer steps")
    parser.add_argument("--output", default="benchmarks/out/simulate.json")
    args = parser.parse_args()
    if os.environ.get("OMP_NUM_THREADS") != "1" and os.environ.get("OPENBLAS_NUM_THREADS") != "1":
        raise SystemExit("set OMP_NUM_THREADS=1 (one BLAS thread per job, as in the pipeline)")
    sizes = (500, 1000) if args.quick else (500, 1000, 2000)
    targets = (1e-3, 1e-6)
    rows = []
    header = f"{'N':>5} {'trials':>6} {'step ms':>8} {'bare ms':>8} {'ratio':>6} " + " ".join(
        f"{'target':>7} {'rk4 dt':>6} {'ivp rtol':>8} {'ivp/rk4':>7} {'loop/rk4':>7}"
        for _ in targets
    )
    print(header)
    for N in sizes:
        network = Network(PARAMS, N=N, seed=0)
        for trials in (1, 8):
            x = network.initial_state(trials=trials)
            # a point on the attractor, so the accuracy comparison is representative
            x = rk4_final(network, x, 20.0, DT)
            n_steps = max(5, int(2e8 / (N * N * trials**0.5)) // 10)
            step = time_rk4_step(network, x, n_steps)
            bare = time_bare_products(network, x, n_steps)
            row = dict(N=N, trials=trials, step_ms=1e3 * step, bare_ms=1e3 * bare, ratio=step / bare)
            t_end = 10.0
            reference = rk4_final(network, x, t_end, DT / 16)
            cells = []
            for target in targets:
                rk4_time, dt, rk4_error = cheapest_rk4(network, x, t_end, reference, target)
                ivp_time, rtol, ivp_error, nfev = cheapest_solve_ivp(network, x, t_end, reference, target)
                # what a user typically does with several trials: one solve_ivp call per trial
                looped = sum(
                    solve_ivp_run(network, x[..., k], t_end, rtol)[1] for k in range(trials)
                ) if trials > 1 else ivp_time
                row[f"target_{target:g}"] = dict(
                    rk4_dt=dt, rk4_error=rk4_error, rk4_nfev=4 * int(round(t_end / dt)),
                    ivp_rtol=rtol, ivp_error=ivp_error, ivp_nfev=nfev,
                    ivp_over_rk4=ivp_time / rk4_time, ivp_per_trial_over_rk4=looped / rk4_time,
                )
                cells.append(
                    f"{target:>7.0e} {dt:>6g} {rtol:>8.0e} {ivp_time / rk4_time:>7.2f} "
                    f"{looped / rk4_time:>7.2f}"
                )
            rows.append(row)
            print(
                f"{N:>5} {trials:>6} {row['step_ms']:>8.3f} {row['bare_ms']:>8.3f} "
                f"{row['ratio']:>6.2f} " + " ".join(cells),
                flush=True,
            )
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(rows, indent=2))
    print(f"written {args.output}")


if __name__ == "__main__":
    main()
