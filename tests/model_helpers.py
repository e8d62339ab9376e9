"""Shared settings of the model-core tests."""

from gatedrnn import GatedRNN

#: Central-difference step: error O(h^2) + O(eps/h) ~ 1e-10 relative.
FD_STEP = 1e-6

#: Every gate active, nonzero biases, time constants != 1: exercises every Jacobian term.
GATED = GatedRNN(
    g_h=3.0,
    g_z=1.5,
    g_r=2.0,
    alpha_z=5.0,
    beta_z=0.4,
    alpha_r=3.0,
    beta_r=-0.6,
    tau_z=2.0,
    tau_r=0.5,
)
