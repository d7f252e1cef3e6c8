"""SIGINT and SIGTERM ask the main job to stop at its next safe point, not in the middle of a write.

The crawl has its own handling (Scrapy's, see `crawler.runner`), which reports
here through `note`; outside the crawl, the handlers of `StopRequest` only
record the signal, and the job checks `requested` between batches. A second
signal ends the process at once: SQLite drops a transaction left open, the
worker processes die with their parent, and the next run does what was left.
"""

from __future__ import annotations

import os
import signal

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopRequest:
    """`with StopRequest() as stop:` ... `if stop.requested: ...`; `stop.exit_code` is 128 + the signal."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._previous: dict[int, object] = {}

    @property
    def requested(self) -> bool:
        return self.signum is not None

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name if self.signum is not None else ""

    @property
    def exit_code(self) -> int:
        """What a shell reports for a process ended by that signal (130 for SIGINT, 143 for SIGTERM)."""
        return 128 + (self.signum or 0)

    def note(self, signum: int) -> None:
        if self.signum is None:
            self.signum = signum

    def _handle(self, signum: int, _frame) -> None:
        if self.signum is not None:
            os.write(2, f"newsmon: {signal.Signals(signum).name} again: stopping at once\n".encode())
            os._exit(128 + signum)
        self.signum = signum

    def __enter__(self) -> StopRequest:
        for signum in SIGNALS:
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
