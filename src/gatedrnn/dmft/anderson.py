"""Anderson mixing (type II, Walker & Ni 2011) for fixed-point maps x = G(x), with a damped
fallback step when the accelerated step does not reduce the residual."""

from __future__ import annotations

import numpy as np

__all__ = ["Anderson"]


class Anderson:
    """Accelerated fixed-point iteration x_{k+1} = A(x_k, G(x_k)).

    Parameters
    ----------
    history : int
        Number of previous residual differences kept (>= 0; 0 is plain damped iteration).
    mixing : float
        Fraction of the new residual added in each step, in (0, 1] (1 = undamped).
    restart_factor : float
        If a residual exceeds `restart_factor` times the best one seen, the history is
        dropped and the next step is a damped step from the best point (the fallback).

    Examples
    --------
    >>> import numpy as np
    >>> acc = Anderson(history=3)
    >>> x = np.zeros(2)
    >>> for _ in range(20):
    ...     x = acc.step(x, np.cos(x))
    >>> bool(np.allclose(x, np.cos(x)))
    True
    """

    def __init__(self, history: int = 6, mixing: float = 1.0, restart_factor: float = 3.0):
        if int(history) != history or history < 0:
            raise ValueError(f"history must be an integer >= 0, got {history!r}")
        if not 0 < mixing <= 1:
            raise ValueError(f"mixing must be in (0, 1], got {mixing!r}")
        if not restart_factor > 1:
            raise ValueError(f"restart_factor must be > 1, got {restart_factor!r}")
        self.history = int(history)
        self.mixing = float(mixing)
        self.restart_factor = float(restart_factor)
        self._x: list[np.ndarray] = []
        self._g: list[np.ndarray] = []
        self._best: tuple[float, np.ndarray, np.ndarray] | None = None
        self.last_step = "none"

    def step(self, x: np.ndarray, gx: np.ndarray) -> np.ndarray:
        """The next iterate given the current one and its image G(x)."""
        x = np.asarray(x, dtype=float)
        gx = np.asarray(gx, dtype=float)
        residual = gx - x
        norm = float(np.linalg.norm(residual))
        if self._best is None or norm < self._best[0]:
            self._best = (norm, x.copy(), gx.copy())
        elif norm > self.restart_factor * self._best[0]:
            # fallback: forget the history, damped step from the best point
            self._x.clear()
            self._g.clear()
            _, xb, gb = self._best
            self.last_step = "damped"
            return xb + 0.5 * self.mixing * (gb - xb)
        self._x.append(x.copy())
        self._g.append(gx.copy())
        if len(self._x) > self.history + 1:
            self._x.pop(0)
            self._g.pop(0)
        if len(self._x) == 1:
            self.last_step = "damped"
            return x + self.mixing * residual
        xs = np.array(self._x)
        gs = np.array(self._g)
        fs = gs - xs
        d_f = np.diff(fs, axis=0).T
        d_g = np.diff(gs, axis=0).T
        d_x = np.diff(xs, axis=0).T
        gamma, *_ = np.linalg.lstsq(d_f, residual, rcond=1e-12)
        self.last_step = "anderson"
        x_bar = x - d_x @ gamma
        f_bar = residual - d_f @ gamma
        return x_bar + self.mixing * f_bar
