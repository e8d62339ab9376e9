"""Dynamical mean-field theory of the gated RNN (SPEC §2, §4, §6)."""

from .classical import scs_variance

__all__ = ["scs_variance"]
