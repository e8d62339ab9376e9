"""External inputs u^h, u^z, u^r of the network (SPEC §1)."""

from __future__ import annotations

import dataclasses
from typing import Callable, Union

import numpy as np

__all__ = ["Inputs", "InputValue"]

#: An input channel: absent, a static array of shape (N,) or (N, trials), or a function of
#: time t (float) returning such an array.
InputValue = Union[None, np.ndarray, Callable[[float], np.ndarray]]

_CHANNELS = ("h", "z", "r")


@dataclasses.dataclass(frozen=True)
class Inputs:
    """External drive of the three populations.

    Parameters
    ----------
    h, z, r : None, array of shape (N,) or (N, trials), or callable t -> array
        Inputs u^h (added inside the h bracket), u^z and u^r (added to the gate currents).
        Static arrays are used at every time; callables are evaluated at each stage time.

    Examples
    --------
    >>> import numpy as np
    >>> pulse = Inputs(h=lambda t: np.full(3, 1.0 if 10 <= t < 11 else 0.0))
    >>> pulse.at(10.5)[0]
    array([1., 1., 1.])
    """

    h: InputValue = None
    z: InputValue = None
    r: InputValue = None

    def at(self, t: float) -> tuple:
        """(u^h, u^z, u^r) at time t; an absent channel is the scalar 0.0."""
        return tuple(_evaluate(getattr(self, name), t) for name in _CHANNELS)

    def check(self, n_units: int, trials: int | None) -> None:
        """Raise ValueError if a static channel has a shape other than (N,) or (N, trials)."""
        for name in _CHANNELS:
            value = getattr(self, name)
            if value is None or callable(value):
                continue
            shape = np.shape(value)
            allowed = [(n_units,)] + ([(n_units, trials)] if trials is not None else [])
            if shape not in allowed:
                raise ValueError(
                    f"input u^{name} has shape {shape}; allowed shapes are "
                    f"{' or '.join(map(str, allowed))}"
                )


def _evaluate(value: InputValue, t: float):
    if value is None:
        return 0.0
    if callable(value):
        return np.asarray(value(t), dtype=float)
    return np.asarray(value, dtype=float)
