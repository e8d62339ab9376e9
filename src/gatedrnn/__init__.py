"""gatedrnn: reference implementation of the theory of gated recurrent neural networks.

Krishnamurthy, Can & Schwab, Theory of gating in recurrent neural networks,
Phys. Rev. X 12, 011011 (2022).
"""

from .inputs import Inputs
from .integrate import DivergenceError
from .network import Network
from .params import GatedRNN
from .simulate import simulate

__all__ = ["GatedRNN", "Network", "Inputs", "simulate", "DivergenceError", "__version__"]

__version__ = "0.1.0"
