"""What every worker process does first: leave signals to its parent, and die with it.

A worker that outlives its parent (killed with SIGKILL, say) would wait for
work for ever, holding the parent's pipes (the stdout of a cron job, so the
job never seems to end) and the multiprocessing resource tracker, which
exits only once every process holding its pipe has exited.

Two guards, because either alone has a gap:
- Linux: `prctl(PR_SET_PDEATHSIG, SIGKILL)`: the kernel kills the worker the
  moment its parent dies, even while the worker is busy in C code. (The
  signal follows the parent *thread* that started the worker: the pool starts
  its workers only from threads that live as long as the pool.)
- Anywhere: a thread that waits on the parent's sentinel (a pipe that
  reaches end of file when the parent dies) and then ends the process.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1


def start_worker(parent_pid: int) -> None:
    """Run first in each worker process (the pool's initializer)."""
    # Ctrl-C reaches the whole process group and SIGTERM may too (a service
    # manager): the parent decides when to stop, then closes its pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent(parent_pid)


def _die_with_parent(parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watchdog below still works
    if os.getppid() != parent_pid:  # the parent died before the guard was set
        os._exit(1)
    import multiprocessing

    parent = multiprocessing.parent_process()
    if parent is not None and parent.sentinel is not None:
        threading.Thread(target=_exit_when_ready, args=(parent.sentinel,), name="parent-watchdog",
                         daemon=True).start()


def _exit_when_ready(sentinel: int) -> None:
    from multiprocessing.connection import wait

    wait([sentinel])
    os._exit(1)
