"""Benchmark of the Jacobian-spectrum jobs (gatedrnn.spectra, gatedrnn.rmt).

For each N: time of the dense eigenvalues of the 3N x 3N Jacobian along a trajectory
(`spectra.jacobian_eigenvalues`), against

- bare: LAPACK eigenvalues (numpy.linalg.eigvals) of the same, already formed Jacobian, the
  unavoidable work of one dense spectrum (a random Gaussian 3N x 3N matrix, shown for
  reference, takes ~3x longer: the Jacobian's structure speeds up LAPACK's QR iteration);
- at a fixed point, the block reduction (`spectra.fixed_point_eigenvalues`: the N-fold
  -1/tau_z of the decoupled z block, eigenvalues of the 2N x 2N (h, r) block) against the
  full 3N problem at the same state;

and the time of the predicted boundary (`rmt.boundary`, 128 rays, the network's own unit
averages of one state). Run with one BLAS thread (project rule):

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/bench_spectra.py [--sizes 250 500]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from gatedrnn import GatedRNN, Network  # noqa: E402
from gatedrnn.fixed_points import find_fixed_points  # noqa: E402
from gatedrnn.integrate import integrate  # noqa: E402
from gatedrnn.rmt import boundary, network_site_averages  # noqa: E402
from gatedrnn.spectra import fixed_point_eigenvalues, jacobian_eigenvalues  # noqa: E402

PARAMS = GatedRNN(g_h=3.0, alpha_z=5.0)


def best_of(function, repeats: int = 2) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def chaotic_state(network: Network) -> np.ndarray:
    _, _, x = integrate(lambda t, s: network.vector_field(s, t), network.initial_state(),
                        dt=0.1, n_steps=500, record_every=500)
    return x


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 500, 1000])
    parser.add_argument("--fixed-point-sizes", type=int, nargs="+", default=[100, 150])
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print("trajectory spectra (seconds; bare = numpy eigvals of the formed Jacobian)")
    print(f"{'N':>6} {'jacobian eig':>13} {'bare eig':>10} {'ratio':>6} {'random 3N':>10} "
          f"{'boundary':>9}")
    for N in args.sizes:
        network = Network(PARAMS, N=N, seed=0)
        x = chaotic_state(network)
        ours = best_of(lambda: jacobian_eigenvalues(network, x))
        jacobian = network.jacobian(x)
        bare = best_of(lambda: np.linalg.eigvals(jacobian))
        matrix = rng.standard_normal((3 * N, 3 * N))
        random = best_of(lambda: np.linalg.eigvals(matrix), repeats=1)
        averages = network_site_averages(network, x[None])
        curve = best_of(lambda: boundary(averages, PARAMS, 128), repeats=1)
        print(f"{N:>6} {ours:>13.2f} {bare:>10.2f} {ours / bare:>6.2f} {random:>10.2f} "
              f"{curve:>9.2f}")
    print("\nfixed points (seconds): block reduction 2N x 2N + N-fold -1/tau_z vs full 3N")
    print(f"{'N':>6} {'reduced':>9} {'full 3N':>9} {'saved':>7}")
    for N in args.fixed_point_sizes:
        network = Network(PARAMS, N=N, seed=0)
        found = find_fixed_points(network, n_starts=6, seed=0)
        pick = int(np.argmax(found["q_h"].values))
        x = np.stack([found[name].values[pick] for name in ("h", "z", "r")])
        reduced = best_of(lambda: fixed_point_eigenvalues(network, x))
        full = best_of(lambda: jacobian_eigenvalues(network, x))
        print(f"{N:>6} {reduced:>9.3f} {full:>9.3f} {full / reduced:>6.1f}x")


if __name__ == "__main__":
    main()
