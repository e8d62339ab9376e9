"""Model parameters of the gated RNN (SPEC §1)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import numbers

__all__ = ["GatedRNN", "CLASSICAL_BETA", "PARAMETER_LONG_NAMES"]

#: Gate bias that saturates a gate at exactly 1 in float64: expit(40) == 1.0.
CLASSICAL_BETA = -40.0


#: Descriptions of the GatedRNN fields (and of N, seed) for dataset attributes.
PARAMETER_LONG_NAMES = {
    "g_h": "gain of the recurrent couplings J^h",
    "g_z": "gain of the update-gate couplings J^z",
    "g_r": "gain of the output-gate couplings J^r",
    "alpha_z": "update-gate sensitivity",
    "beta_z": "update-gate bias",
    "alpha_r": "output-gate sensitivity",
    "beta_r": "output-gate bias",
    "tau_z": "update-gate time constant",
    "tau_r": "output-gate time constant",
    "N": "number of units",
    "seed": "coupling seed",
}

_UNITS = {"tau_z": "tau_h", "tau_r": "tau_h"}


def _expit(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@dataclasses.dataclass(frozen=True)
class GatedRNN:
    """Parameters of the gated recurrent network (dimensionless, time in units of tau_h = 1).

    Parameters
    ----------
    g_h : float
        Gain of the recurrent couplings J^h, entries N(0, g_h**2 / N). Must be >= 0.
    g_z, g_r : float
        Gains of the update-gate (z) and output-gate (r) couplings. Must be >= 0.
    alpha_z, alpha_r : float
        Gate sensitivities: sigma_k(x) = 1 / (1 + exp(-alpha_k x + beta_k)). Finite.
    beta_z, beta_r : float
        Gate biases. Finite.
    tau_z, tau_r : float
        Gate time constants in units of tau_h. Must be > 0.

    Examples
    --------
    >>> p = GatedRNN(g_h=4.0)
    >>> p.gate_z_at_zero, p.gate_r_at_zero
    (0.5, 0.5)
    >>> p.classical_gain   # alpha = 0: the SCS network at g = g_h * sigma_r(0)
    2.0
    """

    g_h: float
    g_z: float = 1.0
    g_r: float = 1.0
    alpha_z: float = 0.0
    beta_z: float = 0.0
    alpha_r: float = 0.0
    beta_r: float = 0.0
    tau_z: float = 1.0
    tau_r: float = 1.0

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ValueError(
                    f"{field.name} must be a real number, got {value!r} "
                    f"of type {type(value).__name__}"
                )
            if not math.isfinite(value):
                raise ValueError(f"{field.name} must be finite, got {value!r}")
            object.__setattr__(self, field.name, float(value))
        for name in ("g_h", "g_z", "g_r"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)!r}")
        for name in ("tau_z", "tau_r"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)!r}")

    @classmethod
    def classical(cls, g: float) -> GatedRNN:
        """The classical (SCS) network dh/dt = -h + J phi(h), J ~ N(0, g**2/N).

        Both gates are frozen open (alpha = 0, beta = CLASSICAL_BETA, so sigma = 1 exactly
        in float64) and z, r decouple from h.
        """
        return cls(g_h=g, beta_z=CLASSICAL_BETA, beta_r=CLASSICAL_BETA)

    @property
    def gate_z_at_zero(self) -> float:
        """sigma_z(0) = 1 / (1 + exp(beta_z)): the update gate when alpha_z = 0."""
        return _expit(-self.beta_z)

    @property
    def gate_r_at_zero(self) -> float:
        """sigma_r(0) = 1 / (1 + exp(beta_r)): the output gate when alpha_r = 0."""
        return _expit(-self.beta_r)

    @property
    def is_additive(self) -> bool:
        """True when both gates are frozen (alpha_z = alpha_r = 0): an SCS network (C1)."""
        return self.alpha_z == 0.0 and self.alpha_r == 0.0

    @property
    def classical_gain(self) -> float:
        """Gain g = g_h sigma_r(0) of the equivalent SCS network; only for frozen gates."""
        self._require_additive("classical_gain")
        return self.g_h * self.gate_r_at_zero

    @property
    def classical_time_scale(self) -> float:
        """Factor 1/sigma_z(0) by which time is stretched relative to SCS; frozen gates."""
        self._require_additive("classical_time_scale")
        return 1.0 / self.gate_z_at_zero

    @property
    def zero_fixed_point_gain(self) -> float:
        """g_h at which the zero fixed point loses stability: 1 / sigma_r(0) = 1 + e^beta_r."""
        return 1.0 / self.gate_r_at_zero

    def _require_additive(self, what: str) -> None:
        if not self.is_additive:
            raise ValueError(
                f"{what} needs frozen gates, got alpha_z={self.alpha_z}, alpha_r={self.alpha_r}"
            )

    def replace(self, **changes: float) -> GatedRNN:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def coordinates(self) -> dict[str, tuple]:
        """The fields as scalar xarray coordinates, with long_name and units attributes."""
        return {
            name: ((), value, {"long_name": PARAMETER_LONG_NAMES[name], "units": _UNITS.get(name, "1")})
            for name, value in self.to_dict().items()
        }

    def to_dict(self) -> dict[str, float]:
        """Field name -> value, in declaration order."""
        return dataclasses.asdict(self)

    def digest(self, **extra: object) -> str:
        """A short stable hash of the parameters (and any extra JSON-able settings)."""
        payload = json.dumps({**self.to_dict(), **extra}, sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]
