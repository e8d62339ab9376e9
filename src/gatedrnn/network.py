"""A finite gated network: couplings, vector field and Jacobian (SPEC §1)."""

from __future__ import annotations

import numpy as np

from .inputs import Inputs
from .nonlinearity import gate, gate_prime, phi, phi_prime
from .params import GatedRNN

__all__ = ["Network"]


class Network:
    """A gated RNN of N units with couplings drawn from (params, N, seed).

    The state x = (h, z, r) is stored as an array of shape (3, N) for one trajectory or
    (3, N, trials) for a batch of trajectories that share the couplings (so the coupling
    products are GEMMs). Flattened, x.reshape(3 * N, ...) orders the blocks h, z, r.

    Parameters
    ----------
    params : GatedRNN
        Model parameters.
    N : int
        Number of units (>= 1).
    seed : int
        Seed of the couplings (>= 0). J^h, J^z, J^r are drawn in that order from
        numpy.random.default_rng(seed), so a network is reproducible bit for bit.
    zero_diagonal : bool
        Set J_ii = 0 in all three coupling matrices.

    Examples
    --------
    >>> net = Network(GatedRNN(g_h=3.0, alpha_z=5.0), N=100, seed=1)
    >>> x = net.initial_state(trials=4)
    >>> x.shape, net.vector_field(x).shape
    ((3, 100, 4), (3, 100, 4))
    """

    def __init__(self, params: GatedRNN, N: int, seed: int = 0, zero_diagonal: bool = False):
        if not isinstance(params, GatedRNN):
            raise ValueError(f"params must be a GatedRNN, got {type(params).__name__}")
        if isinstance(N, bool) or not isinstance(N, (int, np.integer)) or N < 1:
            raise ValueError(f"N must be an integer >= 1, got {N!r}")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
        self.params = params
        self.N = int(N)
        self.seed = int(seed)
        self.zero_diagonal = bool(zero_diagonal)
        rng = np.random.default_rng(self.seed)
        scale = 1.0 / np.sqrt(self.N)
        self.J_h = rng.standard_normal((self.N, self.N)) * (params.g_h * scale)
        # J^z and J^r stacked, so that both gate currents come from one GEMM.
        self.J_zr = np.empty((2 * self.N, self.N))
        self.J_zr[: self.N] = rng.standard_normal((self.N, self.N)) * (params.g_z * scale)
        self.J_zr[self.N :] = rng.standard_normal((self.N, self.N)) * (params.g_r * scale)
        if self.zero_diagonal:
            np.fill_diagonal(self.J_h, 0.0)
            np.fill_diagonal(self.J_zr[: self.N], 0.0)
            np.fill_diagonal(self.J_zr[self.N :], 0.0)

    @property
    def J_z(self) -> np.ndarray:
        """Update-gate couplings, shape (N, N) (a view)."""
        return self.J_zr[: self.N]

    @property
    def J_r(self) -> np.ndarray:
        """Output-gate couplings, shape (N, N) (a view)."""
        return self.J_zr[self.N :]

    def describe(self) -> str:
        """Parameters, N and seed as text, for error messages and logs."""
        fields = ", ".join(f"{k}={v:g}" for k, v in self.params.to_dict().items())
        return f"GatedRNN({fields}), N={self.N}, seed={self.seed}"

    def initial_state(
        self, trials: int | None = None, scale: float = 1.0, seed: int = 0
    ) -> np.ndarray:
        """A random initial state: h ~ N(0, scale**2), z = J^z phi(h), r = J^r phi(h).

        Parameters
        ----------
        trials : int or None
            None for shape (3, N), else shape (3, N, trials).
        scale : float
            Standard deviation of h (> 0).
        seed : int
            Seed of the initial condition, independent of the coupling seed.
        """
        if scale <= 0 or not np.isfinite(scale):
            raise ValueError(f"scale must be finite and > 0, got {scale!r}")
        if trials is not None and (int(trials) != trials or trials < 1):
            raise ValueError(f"trials must be None or an integer >= 1, got {trials!r}")
        rng = np.random.default_rng([self.seed, int(seed)])
        shape = (self.N,) if trials is None else (self.N, int(trials))
        h = scale * rng.standard_normal(shape)
        gate_currents = self.J_zr @ phi(h)
        return np.stack([h, gate_currents[: self.N], gate_currents[self.N :]])

    def gates(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(sigma_z(z), sigma_r(r)) of a state x of shape (3, N, ...)."""
        p = self.params
        return gate(x[1], p.alpha_z, p.beta_z), gate(x[2], p.alpha_r, p.beta_r)

    def vector_field(
        self, x: np.ndarray, t: float = 0.0, inputs: Inputs | None = None
    ) -> np.ndarray:
        """dx/dt at state x (shape (3, N) or (3, N, trials)) and time t."""
        return self._evaluate(x, t, inputs, None)[0]

    def jacobian_apply(
        self,
        x: np.ndarray,
        tangent: np.ndarray,
        t: float = 0.0,
        inputs: Inputs | None = None,
    ) -> np.ndarray:
        """D(x) applied to a block of tangent vectors, without forming D.

        Parameters
        ----------
        x : array, shape (3, N) or (3, N, trials)
        tangent : array, shape x.shape + (k,)
            k tangent vectors per trajectory.

        Returns
        -------
        array, shape x.shape + (k,)
        """
        return self._evaluate(x, t, inputs, tangent)[1]

    def vector_field_and_jacobian_apply(
        self,
        x: np.ndarray,
        tangent: np.ndarray,
        t: float = 0.0,
        inputs: Inputs | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(dx/dt, D(x) tangent), sharing the work both need."""
        return self._evaluate(x, t, inputs, tangent)

    def jacobian(
        self, x: np.ndarray, t: float = 0.0, inputs: Inputs | None = None
    ) -> np.ndarray:
        """The dense 3N x 3N Jacobian at a single state x of shape (3, N) (small N only)."""
        if x.shape != (3, self.N):
            raise ValueError(f"x must have shape (3, {self.N}), got {x.shape}")
        p, N = self.params, self.N
        h, z, r = x
        u_h = _channel(inputs, t, 0)
        sigma_z, sigma_r = self.gates(x)
        dsigma_z = gate_prime(z, p.alpha_z, p.beta_z)
        dsigma_r = gate_prime(r, p.alpha_r, p.beta_r)
        phi_h, dphi_h = phi(h), phi_prime(h)
        xi = -h + self.J_h @ (sigma_r * phi_h) + u_h
        D = np.zeros((3 * N, 3 * N))
        hh, zz, rr = slice(0, N), slice(N, 2 * N), slice(2 * N, 3 * N)
        D[hh, hh] = sigma_z[:, None] * (self.J_h * (sigma_r * dphi_h)[None, :])
        D[hh, hh][np.diag_indices(N)] -= sigma_z
        D[hh, zz] = np.diag(dsigma_z * xi)
        D[hh, rr] = sigma_z[:, None] * (self.J_h * (dsigma_r * phi_h)[None, :])
        D[zz, hh] = self.J_z * dphi_h[None, :] / p.tau_z
        D[zz, zz] = -np.eye(N) / p.tau_z
        D[rr, hh] = self.J_r * dphi_h[None, :] / p.tau_r
        D[rr, rr] = -np.eye(N) / p.tau_r
        return D

    def _evaluate(self, x, t, inputs, tangent):
        if x.ndim < 2 or x.shape[:2] != (3, self.N):
            raise ValueError(f"x must have shape (3, {self.N}, ...), got {x.shape}")
        p, N = self.params, self.N
        h, z, r = x
        u_h, u_z, u_r = (
            (_align(u, h.ndim) for u in inputs.at(t)) if inputs is not None else (0.0, 0.0, 0.0)
        )
        batch_shape = h.shape
        phi_h = phi(h)
        sigma_z = gate(z, p.alpha_z, p.beta_z)
        sigma_r = gate(r, p.alpha_r, p.beta_r)
        recurrent = (self.J_h @ (sigma_r * phi_h).reshape(N, -1)).reshape(batch_shape)
        gate_currents = (self.J_zr @ phi_h.reshape(N, -1)).reshape((2 * N,) + batch_shape[1:])
        xi = -h + recurrent + u_h
        derivative = np.empty_like(x)
        derivative[0] = sigma_z * xi
        derivative[1] = (-z + gate_currents[:N] + u_z) / p.tau_z
        derivative[2] = (-r + gate_currents[N:] + u_r) / p.tau_r
        if tangent is None:
            return derivative, None
        if tangent.shape[:-1] != x.shape:
            raise ValueError(
                f"tangent must have shape {x.shape} + (k,), got {tangent.shape}"
            )
        dh, dz, dr = tangent
        dphi_h = phi_prime(h)[..., None]
        dsigma_z = gate_prime(z, p.alpha_z, p.beta_z)[..., None]
        dsigma_r = gate_prime(r, p.alpha_r, p.beta_r)[..., None]
        block_shape = dh.shape
        phi_dh = dphi_h * dh
        recurrent_input = sigma_r[..., None] * phi_dh + dsigma_r * phi_h[..., None] * dr
        d_recurrent = (self.J_h @ recurrent_input.reshape(N, -1)).reshape(block_shape)
        d_gate_currents = (self.J_zr @ phi_dh.reshape(N, -1)).reshape(
            (2 * N,) + block_shape[1:]
        )
        tangent_derivative = np.empty_like(tangent)
        tangent_derivative[0] = sigma_z[..., None] * (d_recurrent - dh) + dsigma_z * xi[
            ..., None
        ] * dz
        tangent_derivative[1] = (d_gate_currents[:N] - dz) / p.tau_z
        tangent_derivative[2] = (d_gate_currents[N:] - dr) / p.tau_r
        return derivative, tangent_derivative


def _channel(inputs: Inputs | None, t: float, index: int):
    return 0.0 if inputs is None else inputs.at(t)[index]


def _align(value, state_ndim: int):
    """A per-unit input of shape (N,) broadcast over the trials of an (N, trials) state."""
    if np.ndim(value) == 1 and state_ndim == 2:
        return value[:, None]
    return value
