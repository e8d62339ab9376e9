"""Progress reports (percent, elapsed, ETA) for long loops, through the logging module."""

from __future__ import annotations

import logging
import sys
import time

__all__ = ["Progress", "log_to_file"]

logger = logging.getLogger("gatedrnn")


class Progress:
    """Logs at INFO level each time a further `every` fraction of the work is done.

    Parameters
    ----------
    total : int
        Number of work items (e.g. integration steps), > 0.
    label : str
        What is being done, printed at the start of each line.
    every : float
        Fraction of the total between reports (0 < every <= 1).
    enabled : bool
        False makes every call a no-op.
    """

    def __init__(self, total: int, label: str, every: float = 0.1, enabled: bool = True):
        self.total = max(int(total), 1)
        self.label = label
        self.enabled = enabled
        self._stride = max(1, int(round(every * self.total)))
        self._next = self._stride
        self._start = time.perf_counter()

    def update(self, done: int) -> None:
        """Report if `done` items have crossed the next reporting threshold."""
        if not self.enabled or done < self._next:
            return
        self._next = (done // self._stride + 1) * self._stride
        elapsed = time.perf_counter() - self._start
        fraction = min(done / self.total, 1.0)
        eta = elapsed * (1.0 - fraction) / fraction if fraction > 0 else float("nan")
        logger.info(
            "%s: %3.0f%% (%d/%d), elapsed %.1f s, ETA %.1f s",
            self.label, 100 * fraction, done, self.total, elapsed, eta,
        )


def log_to_file(path: str) -> None:
    """Send stderr, Python warnings and the "gatedrnn" logger (INFO and above) to a file.

    Used by workflow scripts so that progress, warnings and an uncaught exception's
    traceback all end up in the job's log.
    """
    stream = open(path, "w", buffering=1)
    sys.stderr = stream
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logging.captureWarnings(True)
    logging.getLogger("py.warnings").addHandler(handler)
