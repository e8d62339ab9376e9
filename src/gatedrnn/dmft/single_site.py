"""Periodic single-site integration of dh/dt = a(t) (eta(t) - h) on the time circle.

a(t) = sigma_z(z(t)) >= 0 and eta(t) are given on the grid t_n = n dt, n = 0..P-1 (periodic).
Each step is integrated exactly for a frozen at the step average (a_n + a_{n+1}) / 2 and eta
linear over the step (second order, unconditionally stable, exact as a -> 0 or a dt -> inf):

    h_{n+1} = E h_n + (phi1 - E) eta_n + (1 - phi1) eta_{n+1},
    E = exp(-a dt),  phi1 = (1 - E) / (a dt).

The linear recurrence h_{n+1} = d_n h_n + b_n is solved block-wise with cumulative products
and sums (vectorised over paths and over the steps of a block), a short loop over blocks, and
the periodic solution h_P = h_0 from h_0 = h_P(0) / (1 - prod d).
"""

from __future__ import annotations

import numpy as np

__all__ = ["integrate_periodic", "periodic_recurrence"]

#: Largest a * dt * block (a <= 1 for sigma_z): keeps 1 / cumprod(d) below e^40 in a block.
_BLOCK_DECAY = 40.0


def integrate_periodic(rate: np.ndarray | float, drive: np.ndarray, dt: float) -> np.ndarray:
    """The periodic solution h of dh/dt = rate(t) (drive(t) - h) on the circle.

    Parameters
    ----------
    rate : array of shape (M, P) or float
        a(t) >= 0 on the grid (units 1/tau_h); a float is a constant rate.
    drive : array of shape (M, P)
        eta(t) on the grid.
    dt : float
        Grid spacing (tau_h).

    Returns
    -------
    ndarray of shape (M, P): h on the grid.

    Examples
    --------
    >>> import numpy as np
    >>> h = integrate_periodic(1.0, np.ones((1, 64)), 0.1)   # constant drive: h = eta
    >>> bool(np.allclose(h, 1.0))
    True
    """
    drive = np.asarray(drive, dtype=float)
    if drive.ndim != 2:
        raise ValueError(f"drive must have shape (M, P), got {drive.shape}")
    n_paths, n_points = drive.shape
    rate = np.broadcast_to(np.asarray(rate, dtype=float), drive.shape)
    a_mid = 0.5 * (rate + np.roll(rate, -1, axis=1))
    x = a_mid * dt
    decay = np.exp(-x)
    small = x < 1e-8
    phi1 = np.where(small, 1.0 - 0.5 * x, -np.expm1(-x) / np.where(small, 1.0, x))
    drive_next = np.roll(drive, -1, axis=1)
    offset = (phi1 - decay) * drive + (1.0 - phi1) * drive_next

    max_rate = float(rate.max()) if rate.size else 0.0
    return periodic_recurrence(decay, offset, max_rate * dt)


def periodic_recurrence(decay: np.ndarray, offset: np.ndarray, largest_step: float) -> np.ndarray:
    """The periodic solution of u_{n+1} = decay_n u_n + offset_n, n = 0..P-1 (u_P = u_0).

    Solved block-wise: cumulative products and sums within blocks of steps (vectorised over
    paths), a loop over blocks, then u_0 = u_P(u_0 = 0) / (1 - prod decay).

    Parameters
    ----------
    decay, offset : arrays of shape (M, P)
        The step factors d_n and offsets b_n.
    largest_step : float
        Largest |log d_n| (e.g. rate * dt): blocks are kept short enough that 1 / cumprod(d)
        stays below e^40 within a block.

    Returns
    -------
    ndarray of shape (M, P): u on the grid.
    """
    n_paths, n_points = offset.shape
    block = n_points
    while block > 1 and (largest_step * block > _BLOCK_DECAY or n_points % block):
        block //= 2
    n_blocks = n_points // block
    d = decay.reshape(n_paths, n_blocks, block)
    b = offset.reshape(n_paths, n_blocks, block)
    prod = np.cumprod(d, axis=2)  # prod[..., n] = d_0 ... d_n within the block
    partial = prod * np.cumsum(b / prod, axis=2)  # u_{n+1} for a zero start value
    factor = prod[:, :, -1]
    end0 = partial[:, :, -1]
    start0 = np.empty((n_paths, n_blocks))  # block start values for u_0 = 0
    weight = np.empty((n_paths, n_blocks))  # d u_start / d u_0
    value = np.zeros(n_paths)
    gain = np.ones(n_paths)
    for k in range(n_blocks):
        start0[:, k] = value
        weight[:, k] = gain
        value = factor[:, k] * value + end0[:, k]
        gain = factor[:, k] * gain
    denominator = 1.0 - gain
    u0 = value / np.where(denominator == 0.0, 1e-300, denominator)
    start = start0 + weight * u0[:, None]
    after = prod * start[:, :, None] + partial  # u_{n+1}, n = 0..P-1
    u = np.empty((n_paths, n_points))
    u[:, 0] = u0
    u[:, 1:] = after.reshape(n_paths, n_points)[:, :-1]
    return u
