"""Fault injection for tests: makes newsmon's worker processes die or fail on marked pages.

Loaded by Python at start-up when this folder is on PYTHONPATH; does nothing
unless NEWSMON_FAULTS names a folder. A page that holds the marker
`FAULT:<action>` triggers the action in the worker process that handles it,
as long as the file `<NEWSMON_FAULTS>/<action>` holds a count above 0 (each
trigger takes one off). Actions:

- `die-cleaning`: the cleaning worker kills itself with SIGKILL (as the OOM killer would);
- `die-claims`: the claims worker does the same;
- `raise-claims`: reading claims of a batch holding the page raises RuntimeError;
- `slow-claims`: reading claims of a batch holding the page first waits 4 seconds.

Only processes started by multiprocessing act; the crawl's own process never does.
Each trigger appends a line "<action> <pid>" to `<NEWSMON_FAULTS>/triggered`.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import signal
import sys

FAULTS = os.environ.get("NEWSMON_FAULTS")


def _take(action: str) -> bool:
    """Whether `action` is to be done now (a count above 0 in its file, then one less)."""
    import fcntl
    import multiprocessing

    if multiprocessing.parent_process() is None:
        return False
    path = os.path.join(FAULTS, action)
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        left = int(os.read(fd, 32) or b"0")
        if left <= 0:
            return False
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, str(left - 1).encode())
        with open(os.path.join(FAULTS, "triggered"), "a", encoding="ascii") as log:
            log.write(f"{action} {os.getpid()}\n")
        return True
    finally:
        os.close(fd)


def _die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _patch_article(module) -> None:
    original = module.extract_article

    def extract_article(html, *args, **kwargs):
        if b"FAULT:die-cleaning" in (html or b"") and _take("die-cleaning"):
            _die()
        return original(html, *args, **kwargs)

    module.extract_article = extract_article


def _patch_claims(module) -> None:
    original = module.find_claims_many

    def find_claims_many(texts, *args, **kwargs):
        texts = list(texts)
        marked = " ".join(text for text, _published in texts)
        if "FAULT:die-claims" in marked and _take("die-claims"):
            _die()
        if "FAULT:raise-claims" in marked and _take("raise-claims"):
            raise RuntimeError("injected fault while reading claims")
        if "FAULT:slow-claims" in marked and _take("slow-claims"):
            import time

            time.sleep(4)
        return original(texts, *args, **kwargs)

    module.find_claims_many = find_claims_many


PATCHES = {"extract.article": _patch_article, "extract.claims": _patch_claims}


class _Finder(importlib.abc.MetaPathFinder):
    """Patches a module of PATCHES right after it is first executed."""

    def find_spec(self, name, path, target=None):
        if name not in PATCHES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        execute = loader.exec_module

        def exec_module(module):
            execute(module)
            PATCHES[name](module)

        loader.exec_module = exec_module
        return spec


if FAULTS:
    sys.meta_path.insert(0, _Finder())
