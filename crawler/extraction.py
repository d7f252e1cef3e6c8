"""Cleaning and claim extraction in worker processes, beside the crawl or over the archive.

trafilatura and spaCy are CPU-bound Python: in the crawl's own process they
would stall the downloads, and one process uses one core. Worker processes do
the work instead (see `ExtractionPool`); the caller stores the results.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from crawler.worker_lifetime import start_worker

logger = logging.getLogger(__name__)


@dataclass
class PageJob:
    """One stored or fetched page to clean (and, with `claims`, to extract claims from)."""

    html: bytes
    url: str | None
    drop_selectors: tuple[str, ...] = ()
    published: str | None = None
    article_id: int | None = None
    claims: bool = True
    text: str | None = None  # already cleaned: only its claims are read (then `html` is unused)


@dataclass
class PageResult:
    article_id: int | None
    article: dict[str, Any] | None = None  # Article.to_dict()
    claims: list[dict[str, Any]] = field(default_factory=list)
    claims_version: str | None = None  # set when claims were extracted
    error: str | None = None


def clean_pages(jobs: Sequence[PageJob], config_dir: str | None = None) -> list[PageResult]:
    """Clean each page (a job with `text` is already clean). A failing page gets `error` set."""
    from extract.article import extract_article
    from extract.fingerprint import fingerprint

    results: list[PageResult] = []
    for job in jobs:
        if job.text is not None:
            results.append(PageResult(job.article_id))
            continue
        try:
            article = extract_article(job.html, job.url, drop_selectors=job.drop_selectors,
                                      fallback_published=job.published, config_dir=config_dir)
            cleaned = article.to_dict()
            # The near-copy fingerprint is computed here, in the worker, not in the process that stores.
            cleaned["fingerprint"] = fingerprint(article.text)
            results.append(PageResult(job.article_id, article=cleaned))
        except Exception as exc:  # noqa: BLE001 - one bad page never stops the others
            results.append(PageResult(job.article_id, error=f"{type(exc).__name__}: {exc}"))
    return results


def read_claims(texts: Sequence[tuple[str, str | None]], config_dir: str | None = None
                ) -> tuple[str, list[list[dict[str, Any]] | str]]:
    """(extractor version, claims of each (text, published) pair), parsed in one `nlp.pipe` batch.

    A pair whose claims could not be read has, in place of its claims, the error (a string).
    """
    from extract.claims import EXTRACTOR_VERSION, find_claims_many

    errors: dict[int, str] = {}

    def failed(index: int, exc: Exception) -> None:
        errors[index] = f"{type(exc).__name__}: {exc}"

    found = find_claims_many(list(texts), config_dir=config_dir, on_error=failed)
    claims = [[c.to_dict() for c in page] for page in found]
    return EXTRACTOR_VERSION, [errors.get(i, page) for i, page in enumerate(claims)]


def _claims_wanted(jobs: Sequence[PageJob], results: Sequence[PageResult]) -> list[tuple[int, tuple[str, str | None]]]:
    """(index, (text, published)) of the cleaned pages whose claims are to be read."""
    wanted = []
    for i, (job, result) in enumerate(zip(jobs, results, strict=True)):
        if not job.claims or result.error is not None:
            continue
        if job.text is not None:
            wanted.append((i, (job.text, job.published)))
        elif result.article is not None:
            wanted.append((i, (result.article["text"], result.article["published"])))
    return wanted


def _attach_claims(results: list[PageResult], wanted, version: str | None, found, error: str | None) -> None:
    for (i, _text), claims in zip(wanted, found or [[] for _ in wanted], strict=True):
        if error is not None:
            results[i].error = error
        elif isinstance(claims, str):  # this page's claims failed, the others of its batch were read
            results[i].error = f"claims: {claims}"
        else:
            results[i].claims, results[i].claims_version = claims, version


def _read_claims_into(results: list[PageResult], wanted, read) -> None:
    """Attach the claims of `wanted` pages to `results`; `read(texts, alone)` gives (version, claims of each).

    The pages are read in one batch; if that raises (or its worker dies), each
    page is read again on its own, so that one bad page costs no other page its
    claims. A page that fails alone too gets `error` set (its clean text is kept).
    """
    try:
        version, found = read([text for _i, text in wanted], False)
    except Exception:  # noqa: BLE001 - each page again, alone (even a batch of one: a death may be another's)
        pass
    else:
        _attach_claims(results, wanted, version, found, None)
        return
    for item in wanted:
        try:
            version, found = read([item[1]], True)
            _attach_claims(results, [item], version, found, None)
        except Exception as exc:  # noqa: BLE001 - the page keeps its clean text, its claims error is recorded
            _attach_claims(results, [item], None, None, f"claims: {_describe(exc)}")


def _describe(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, WorkerDied) else f"{type(exc).__name__}: {exc}"


def process_pages(jobs: Sequence[PageJob], config_dir: str | None = None) -> list[PageResult]:
    """Clean each page and read the claims of all of them, in this process."""
    results = clean_pages(jobs, config_dir)
    wanted = _claims_wanted(jobs, results)
    if wanted:
        _read_claims_into(results, wanted, lambda texts, _alone: read_claims(texts, config_dir))
    return results


# One BLAS thread per worker: the workers already use every core, and each extra
# thread costs memory. Set before numpy (via spaCy) is first imported in the worker.
_SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _start_claims_worker(parent_pid: int, config_dir: str | None) -> None:
    """Load the language model in the claims worker before the first page arrives."""
    start_worker(parent_pid)
    for name, value in _SINGLE_THREADED.items():
        os.environ.setdefault(name, value)
    from extract.claims import find_claims

    find_claims("Officials said 12 people were deported on Monday.", None, config_dir=config_dir)


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class WorkerDied(Exception):
    """The worker process that ran a task died (killed by a signal: the OOM killer, say)."""


MAX_RESTARTS = 10  # per stage: past that, a stage whose workers keep dying fails its pages at once


class _Gate:
    """Lets many tasks into a stage at once ("shared"), or one task alone ("exclusive").

    A worker death during a task that ran alone can be blamed on that task's
    page. Exclusive callers waiting go first, so that retries are not starved.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._shared = 0
        self._exclusive = False
        self._waiting = 0

    @contextlib.contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._exclusive and not self._waiting)
            self._shared += 1
        try:
            yield
        finally:
            with self._cond:
                self._shared -= 1
                self._cond.notify_all()

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            self._waiting += 1
            self._cond.wait_for(lambda: not self._exclusive and not self._shared)
            self._waiting -= 1
            self._exclusive = True
        try:
            yield
        finally:
            with self._cond:
                self._exclusive = False
                self._cond.notify_all()


class _Stage:
    """The worker processes of one stage (cleaning or claims), started again when one of them dies.

    When a worker dies, `ProcessPoolExecutor` fails every task it holds and
    accepts no more: the stage puts a new pool in its place, and `run` raises
    WorkerDied for each task that was lost, for its caller to retry.
    """

    def __init__(self, name: str, workers: int, initializer, initargs: tuple):
        self.name = name
        self.restarts = 0
        self._new_pool = functools.partial(ProcessPoolExecutor, max_workers=workers,
                                           mp_context=multiprocessing.get_context("spawn"),
                                           initializer=initializer, initargs=initargs)
        self._pool: ProcessPoolExecutor | None = self._new_pool()
        self._retired: list[ProcessPoolExecutor] = []
        self._lock = threading.Lock()
        self._gate = _Gate()
        self._closed = False

    def run(self, fn, *args, alone: bool = False):
        """`fn(*args)` in a worker process; with `alone`, no other task of this stage runs meanwhile."""
        with self._gate.exclusive() if alone else self._gate.shared():
            future, pool = self._submit(fn, args)
            try:
                return future.result()
            except BrokenProcessPool:
                self._replace(pool)
                raise WorkerDied(f"the {self.name} worker process died on this page"
                                 f"{', also when it was retried alone' if alone else ''} "
                                 f"(killed by a signal, perhaps for want of memory)") from None

    def _submit(self, fn, args) -> tuple[Future, ProcessPoolExecutor]:
        while True:
            with self._lock:
                if self._closed:
                    raise RuntimeError(f"the {self.name} workers are closed")
                pool = self._pool
            if pool is None:
                raise WorkerDied(f"the {self.name} worker processes died {self.restarts} times: not started again")
            try:
                return pool.submit(fn, *args), pool
            except BrokenProcessPool:  # a worker died while idle: this task never ran, so no blame
                self._replace(pool)

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is not broken or self._closed:
                return  # another task whose worker died already replaced it
            broken.shutdown(wait=False, cancel_futures=True)
            self._retired.append(broken)
            self.restarts += 1
            self._pool = self._new_pool() if self.restarts <= MAX_RESTARTS else None
        logger.warning("a %s worker process died: %s", self.name,
                       "started again" if self._pool is not None else "given up after too many deaths")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            pools = [*self._retired, *([self._pool] if self._pool is not None else [])]
        for pool in pools:
            pool.shutdown(wait=True, cancel_futures=True)


class ExtractionPool:
    """Worker processes that clean pages, chained to one that reads their claims.

    Cleaning (trafilatura) is the heavy, per-page part: one worker per core.
    Claims need the spaCy model (about 120 MB a copy) but little time, since
    only paragraphs with a return word and a figure are parsed: one worker
    holds the only copy. Workers are started with "spawn": they inherit no
    Twisted reactor or open database, and import only what they need.

    A worker that dies (the OOM killer) is started again and the pages it held
    are done again, each alone; a page on which a worker dies alone too is
    given up (`PageResult.error`). A worker never outlives this process
    (see `crawler.worker_lifetime`).
    """

    def __init__(self, config_dir: str | os.PathLike | None = None, workers: int | None = None):
        self.config_dir = str(config_dir) if config_dir else None
        self.workers = workers or default_workers()
        parent = os.getpid()
        self._cleaners = _Stage("cleaning", self.workers, start_worker, (parent,))
        self._reader = _Stage("claims", 1, _start_claims_worker, (parent, self.config_dir))
        # Each batch is seen through both stages by one of these threads. They also start
        # the worker processes, and live as long as the pool (see worker_lifetime).
        self._batches = ThreadPoolExecutor(max_workers=4 * self.workers + 2, thread_name_prefix="extraction")

    @property
    def restarts(self) -> int:
        """How many times worker processes were started again after one died."""
        return self._cleaners.restarts + self._reader.restarts

    def submit(self, jobs: Sequence[PageJob]) -> Future:
        """A future of what `process_pages(jobs)` gives, computed in the workers.

        It settles with one result per job, whatever happens to the workers; a
        page that could not be cleaned or read has `error` set.
        """
        return self._batches.submit(self._process, list(jobs))

    def _process(self, jobs: list[PageJob]) -> list[PageResult]:
        results = self._clean(jobs)
        wanted = _claims_wanted(jobs, results)
        if wanted:
            _read_claims_into(results, wanted,
                              lambda texts, alone: self._reader.run(read_claims, texts, self.config_dir, alone=alone))
        return results

    def _clean(self, jobs: list[PageJob]) -> list[PageResult]:
        if all(job.text is not None for job in jobs):
            return [PageResult(job.article_id) for job in jobs]
        try:
            return self._cleaners.run(clean_pages, jobs, self.config_dir)
        except Exception:  # noqa: BLE001 - a worker died: each page again, alone, to find the one to blame
            return [self._clean_alone(job) for job in jobs]

    def _clean_alone(self, job: PageJob) -> PageResult:
        if job.text is not None:
            return PageResult(job.article_id)
        try:
            return self._cleaners.run(clean_pages, [job], self.config_dir, alone=True)[0]
        except Exception as exc:  # noqa: BLE001 - the page is stored raw, its cleaning error recorded
            return PageResult(job.article_id, error=f"cleaning: {_describe(exc)}")

    def map_batches(self, batches: Iterable[Sequence[PageJob]]) -> Iterator[list[PageResult]]:
        """`process_pages` of each batch, in order, with at most two batches per worker in flight."""
        in_flight: deque[Future] = deque()
        for batch in batches:
            in_flight.append(self.submit(batch))
            if len(in_flight) >= 2 * self.workers + 1:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()

    def close(self) -> None:
        # The worker processes first: each must end before the thread that started it.
        self._cleaners.close()
        self._reader.close()
        self._batches.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class PageBatcher:
    """Gathers pages handed over one at a time (by the crawl) into batches for the pool.

    A worker task of one page costs a round trip through the pool's feeder thread
    in the busy crawl process, which leaves workers idle; a batch of up to
    `size` pages (or whatever came within `wait` seconds) keeps them busy and
    lets `nlp.pipe` batch. Runs in the crawl's asyncio event loop.
    """

    def __init__(self, pool: ExtractionPool, size: int = 8, wait: float = 0.05):
        self.pool, self.size, self.wait = pool, size, wait
        self._pending: list[tuple[PageJob, asyncio.Future]] = []
        self._timer: asyncio.TimerHandle | None = None

    async def process(self, job: PageJob) -> PageResult:
        loop = asyncio.get_running_loop()
        future: asyncio.Future = loop.create_future()
        self._pending.append((job, future))
        if len(self._pending) >= self.size:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.wait, self._flush)
        return await future

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._pending = self._pending, []
        if not batch:
            return
        loop = asyncio.get_running_loop()
        try:
            done = self.pool.submit([job for job, _ in batch])
        except Exception as exc:  # noqa: BLE001 - the pool is closed: every page of the batch hears of it
            done = Future()
            done.set_exception(exc)
            self._deliver(batch, done)
            return
        done.add_done_callback(lambda f: loop.call_soon_threadsafe(self._deliver, batch, f))

    @staticmethod
    def _deliver(batch: list[tuple[PageJob, asyncio.Future]], done: Future) -> None:
        error = done.exception()
        results: list[PageResult] = done.result() if error is None else []
        for i, (_job, future) in enumerate(batch):
            if future.done():
                continue
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(results[i])
