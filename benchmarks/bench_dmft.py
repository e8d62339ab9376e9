"""Benchmark of the sampled stationary DMFT: time per iteration vs paths M and points P.

One iteration = one evaluation of the sampling map (sample fields from the spectra,
integrate M single-site paths on the circle, averaged periodograms with control variates).
Times are CPU times (process_time; robust on a shared machine), best of --repeats.
The floor is the unavoidable work of the same sizes timed bare: the inverse FFTs that sample
the fields (irfft(sqrt(S) W), white noise cached as in the solver) plus the vectorised
single-site integration (`integrate_periodic`). For reference the same integration as a plain
Python loop over time steps (vectorised over paths) is timed too.

Columns: iter = one map evaluation; sample = field sampling alone; integ* = floor - sample;
floor = sampling + integration per batch; ratio = iter / floor; loop integ = the naive loop
over all M paths at once (one lap).

Usage: OMP_NUM_THREADS=1 python benchmarks/bench_dmft.py [--quick]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from gatedrnn import GatedRNN
from gatedrnn.dmft.circle import Circle
from gatedrnn.dmft.single_site import integrate_periodic
from gatedrnn.dmft.stationary import _Sampler
from gatedrnn.gaussian import sample_stationary
from gatedrnn.nonlinearity import gate


def best_of(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return min(times)


def loop_integrate(rate, drive, dt):
    """The naive reference: one vectorised numpy step per time point (one lap, no periodic
    start value, so a lower bound on that approach)."""
    h = np.zeros(drive.shape[0])
    for n in range(drive.shape[1] - 1):
        a = 0.5 * (rate[:, n] + rate[:, n + 1]) * dt
        e = np.exp(-a)
        p1 = -np.expm1(-a) / a
        h = e * h + (p1 - e) * drive[:, n] + (1 - p1) * drive[:, n + 1]
    return h


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    paths = [250, 1000] if args.quick else [250, 1000, 2000]
    points = [2048, 8192] if args.quick else [2048, 8192, 32768]
    params = GatedRNN(g_h=4.0, alpha_z=5.0)  # fields eta_h and z; output gate frozen
    dt = 0.1
    print(f"gated DMFT iteration, {params}, dt = {dt}; CPU times, best of {args.repeats}")
    header = (
        f"{'M':>6} {'P':>7} {'iter [s]':>9} {'sample [s]':>10} {'integ* [s]':>10} {'floor [s]':>9} "
        f"{'ratio':>6} {'ns/path/pt':>10} {'loop integ [s]':>14}"
    )
    print(header)
    print("-" * len(header))
    for n_points in points:
        circle = Circle(n_points, dt)
        c_phi = 0.5 * np.exp(-circle.lags / 20.0)
        c_src = 0.25 * c_phi
        for n_paths in paths:
            batches = max(8, -(-n_paths * n_points // 2**20))
            sampler = _Sampler(params, circle, n_paths, seed=0, n_batches=batches)
            sampler(c_phi, c_src)  # warm caches
            t_iter = best_of(lambda: sampler(c_phi, c_src), args.repeats)
            s_eta = params.g_h**2 * circle.tapered_spectrum(c_src)
            s_z = sampler.z_filter * circle.tapered_spectrum(c_phi)

            def sample():
                out = []
                for k in range(len(sampler.batches)):
                    white = sampler.noise(k)
                    eta = sample_stationary(s_eta, white["h"])
                    z = sample_stationary(s_z, white["z"])
                    out.append((gate(z, params.alpha_z, params.beta_z), eta))
                return out

            def floor():  # per batch, as in the solver: sample, then integrate
                for k in range(len(sampler.batches)):
                    white = sampler.noise(k)
                    eta = sample_stationary(s_eta, white["h"])
                    rate = gate(sample_stationary(s_z, white["z"]), params.alpha_z, params.beta_z)
                    integrate_periodic(rate, eta, dt)

            t_sample = best_of(sample, args.repeats)
            t_floor = best_of(floor, args.repeats)
            t_integrate = t_floor - t_sample
            fields = sample()
            rate = np.concatenate([f[0] for f in fields])
            eta = np.concatenate([f[1] for f in fields])
            t_loop = best_of(lambda: loop_integrate(rate, eta, dt), 1)
            per = t_iter / (n_paths * n_points) * 1e9
            print(
                f"{n_paths:>6} {n_points:>7} {t_iter:>9.3f} {t_sample:>10.3f} {t_integrate:>10.3f} "
                f"{t_floor:>9.3f} {t_iter / t_floor:>6.2f} {per:>10.1f} {t_loop:>14.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
