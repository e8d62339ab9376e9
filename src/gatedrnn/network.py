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
        work: dict | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(dx/dt, D(x) tangent), sharing the work both need (one product per coupling matrix).

        Parameters
        ----------
        x, tangent, t, inputs :
            As in :meth:`jacobian_apply`.
        work : dict, optional
            Buffers kept by the caller for loops that apply D many times (e.g. a Lyapunov
            run): pass the same dict, initially empty, to every call, from one thread. The
            buffers are then allocated once, and the returned D tangent is one of them,
            overwritten by the next call (copy it to keep it). Without `work` every call
            allocates, and both results are new arrays; dx/dt always is.
        """
        return self._evaluate(x, t, inputs, tangent, work)

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

    def jacobian_trace(self, x: np.ndarray) -> np.ndarray | float:
        """tr D(x) without forming D (SPEC §1), for x of shape (3, N) or (3, N, trials).

        tr D = -sum_i sigma_z(z_i) (1 - J^h_ii sigma_r(r_i) phi'(h_i)) - N/tau_z - N/tau_r;
        the J^h_ii terms vanish with ``zero_diagonal``. Inputs do not enter.

        Returns
        -------
        float for a single state, array of shape (trials,) for a batch.
        """
        if x.ndim < 2 or x.shape[:2] != (3, self.N):
            raise ValueError(f"x must have shape (3, {self.N}, ...), got {x.shape}")
        p, N = self.params, self.N
        sigma_z, sigma_r = self.gates(x)
        weight = -sigma_z
        if not self.zero_diagonal:
            diagonal = np.diagonal(self.J_h).reshape((N,) + (1,) * (x.ndim - 2))
            weight = weight + sigma_z * sigma_r * phi_prime(x[0]) * diagonal
        return weight.sum(axis=0) - N / p.tau_z - N / p.tau_r

    def _evaluate(self, x, t, inputs, tangent, work=None):
        """(dx/dt, D(x) tangent or None).

        With a tangent block of k columns per trajectory, each coupling matrix does one
        product for the state and the tangent: J^h @ [sigma_r phi | sigma_r phi' dh +
        sigma_r' phi dr] and J^zr @ [phi | phi' dh], every trajectory's state column
        followed by its k tangent columns. Buffers come from `work` when given.
        """
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
        if tangent is None:
            recurrent = (self.J_h @ (sigma_r * phi_h).reshape(N, -1)).reshape(batch_shape)
            gate_currents = (self.J_zr @ phi_h.reshape(N, -1)).reshape(
                (2 * N,) + batch_shape[1:]
            )
        else:
            if tangent.shape[:-1] != x.shape:
                raise ValueError(
                    f"tangent must have shape {x.shape} + (k,), got {tangent.shape}"
                )
            k, trials = tangent.shape[-1], h.size // N
            dh, dz, dr = tangent.reshape(3, N, trials, k)
            result = _buffer(work, "jacobian_apply", (3, N, trials, k), avoid=tangent)
            # Rows: the inputs and outputs of the J^h and J^zr products.
            products = _buffer(work, "products", (5 * N, trials, k + 1))
            recurrent_in, gate_in = products[:N], products[N : 2 * N]
            recurrent_out, gate_out = products[2 * N : 3 * N], products[3 * N :]
            phi_h_, sigma_r_ = phi_h.reshape(N, trials, 1), sigma_r.reshape(N, trials, 1)
            dphi_h = phi_prime(h).reshape(N, trials, 1)
            np.multiply(sigma_r_, phi_h_, out=recurrent_in[..., :1])
            np.multiply(dh, sigma_r_ * dphi_h, out=recurrent_in[..., 1:])
            if p.alpha_r != 0.0:  # else sigma_r' = 0
                dsigma_r = gate_prime(r, p.alpha_r, p.beta_r).reshape(N, trials, 1)
                spare = result[0]  # written below, after the products
                np.multiply(dr, dsigma_r * phi_h_, out=spare)
                recurrent_in[..., 1:] += spare
            gate_in[..., :1] = phi_h_
            np.multiply(dh, dphi_h, out=gate_in[..., 1:])
            np.matmul(self.J_h, recurrent_in.reshape(N, -1), out=recurrent_out.reshape(N, -1))
            np.matmul(self.J_zr, gate_in.reshape(N, -1), out=gate_out.reshape(2 * N, -1))
            recurrent = recurrent_out[..., 0].reshape(batch_shape)
            gate_currents = gate_out[..., 0].reshape((2 * N,) + batch_shape[1:])
        xi = -h + recurrent + u_h
        derivative = np.empty_like(x)
        derivative[0] = sigma_z * xi
        derivative[1] = (-z + gate_currents[:N] + u_z) / p.tau_z
        derivative[2] = (-r + gate_currents[N:] + u_r) / p.tau_r
        if tangent is None:
            return derivative, None
        d_h, d_z, d_r = result
        # sigma_z (J^h [sigma_r phi' dh + sigma_r' phi dr] - dh) + sigma_z' xi dz
        np.subtract(recurrent_out[..., 1:], dh, out=d_h)
        d_h *= sigma_z.reshape(N, trials, 1)
        if p.alpha_z != 0.0:  # else sigma_z' = 0
            dsigma_z = gate_prime(z, p.alpha_z, p.beta_z) * xi
            np.multiply(dz, dsigma_z.reshape(N, trials, 1), out=d_z)
            d_h += d_z
        # (J^z phi' dh - dz) / tau_z and (J^r phi' dh - dr) / tau_r
        np.subtract(gate_out[:N, :, 1:], dz, out=d_z)
        np.subtract(gate_out[N:, :, 1:], dr, out=d_r)
        if p.tau_z != 1.0:  # dividing by 1 is exact: skipped
            d_z /= p.tau_z
        if p.tau_r != 1.0:
            d_r /= p.tau_r
        return derivative, result.reshape(tangent.shape)


def _buffer(work: dict | None, name: str, shape: tuple, avoid=None) -> np.ndarray:
    """An uninitialised float64 array: work[name] if it has `shape` and cannot overlap
    `avoid`, else a new one (then kept as work[name])."""
    buffer = None if work is None else work.get(name)
    if (
        buffer is None
        or buffer.shape != shape
        or (avoid is not None and np.may_share_memory(buffer, avoid))
    ):
        buffer = np.empty(shape)
        if work is not None:
            work[name] = buffer
    return buffer


def _channel(inputs: Inputs | None, t: float, index: int):
    return 0.0 if inputs is None else inputs.at(t)[index]


def _align(value, state_ndim: int):
    """A per-unit input of shape (N,) broadcast over the trials of an (N, trials) state."""
    if np.ndim(value) == 1 and state_ndim == 2:
        return value[:, None]
    return value
