"""Cleaning and claim extraction in worker processes, beside the crawl or over the archive.

trafilatura and spaCy are CPU-bound Python: in the crawl's own process they
would stall the downloads, and one process uses one core. Worker processes do
the work instead (see `ExtractionPool`); the caller stores the results.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any


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

    results: list[PageResult] = []
    for job in jobs:
        if job.text is not None:
            results.append(PageResult(job.article_id))
            continue
        try:
            article = extract_article(job.html, job.url, drop_selectors=job.drop_selectors,
                                      fallback_published=job.published, config_dir=config_dir)
            results.append(PageResult(job.article_id, article=article.to_dict()))
        except Exception as exc:  # noqa: BLE001 - one bad page never stops the others
            results.append(PageResult(job.article_id, error=f"{type(exc).__name__}: {exc}"))
    return results


def read_claims(texts: Sequence[tuple[str, str | None]], config_dir: str | None = None
                ) -> tuple[str, list[list[dict[str, Any]]]]:
    """(extractor version, claims of each (text, published) pair), parsed in one `nlp.pipe` batch."""
    from extract.claims import EXTRACTOR_VERSION, find_claims_many

    found = find_claims_many(list(texts), config_dir=config_dir)
    return EXTRACTOR_VERSION, [[c.to_dict() for c in claims] for claims in found]


def _claims_wanted(jobs: Sequence[PageJob], results: Sequence[PageResult]) -> list[tuple[int, tuple[str, str | None]]]:
    """(index, (text, published)) of the cleaned pages whose claims are to be read."""
    wanted = []
    for i, (job, result) in enumerate(zip(jobs, results)):
        if not job.claims or result.error is not None:
            continue
        if job.text is not None:
            wanted.append((i, (job.text, job.published)))
        elif result.article is not None:
            wanted.append((i, (result.article["text"], result.article["published"])))
    return wanted


def _attach_claims(results: list[PageResult], wanted, version: str | None, found, error: str | None) -> None:
    for (i, _text), claims in zip(wanted, found or [[] for _ in wanted]):
        if error is not None:
            results[i].error = error
        else:
            results[i].claims, results[i].claims_version = claims, version


def process_pages(jobs: Sequence[PageJob], config_dir: str | None = None) -> list[PageResult]:
    """Clean each page and read the claims of all of them, in this process."""
    results = clean_pages(jobs, config_dir)
    wanted = _claims_wanted(jobs, results)
    if wanted:
        try:
            version, found = read_claims([text for _i, text in wanted], config_dir)
            _attach_claims(results, wanted, version, found, None)
        except Exception as exc:  # noqa: BLE001
            _attach_claims(results, wanted, None, None, f"claims: {type(exc).__name__}: {exc}")
    return results


# One BLAS thread per worker: the workers already use every core, and each extra
# thread costs memory. Set before numpy (via spaCy) is first imported in the worker.
_SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _start_claims_worker(config_dir: str | None) -> None:
    """Load the language model in the claims worker before the first page arrives."""
    for name, value in _SINGLE_THREADED.items():
        os.environ.setdefault(name, value)
    from extract.claims import find_claims

    find_claims("Officials said 12 people were deported on Monday.", None, config_dir=config_dir)


def _settles(outcome: Future):
    """Make a done-callback settle `outcome` with any error it raises.

    `concurrent.futures` logs and swallows a callback's exception: without
    this, a waiter on `outcome` would wait forever.
    """
    def wrap(callback):
        def run(done: Future) -> None:
            try:
                callback(done)
            except BaseException as exc:  # noqa: BLE001
                if not outcome.done():
                    outcome.set_exception(exc)
        return run
    return wrap


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class ExtractionPool:
    """Worker processes that clean pages, chained to one that reads their claims.

    Cleaning (trafilatura) is the heavy, per-page part: one worker per core.
    Claims need the spaCy model (about 120 MB a copy) but little time, since
    only paragraphs with a return word and a figure are parsed: one worker
    holds the only copy. Workers are started with "spawn": they inherit no
    Twisted reactor or open database, and import only what they need.
    """

    def __init__(self, config_dir: str | os.PathLike | None = None, workers: int | None = None):
        self.config_dir = str(config_dir) if config_dir else None
        self.workers = workers or default_workers()
        spawn = multiprocessing.get_context("spawn")
        self._cleaners = ProcessPoolExecutor(max_workers=self.workers, mp_context=spawn)
        self._reader = ProcessPoolExecutor(max_workers=1, mp_context=spawn,
                                           initializer=_start_claims_worker, initargs=(self.config_dir,))

    def submit(self, jobs: Sequence[PageJob]) -> Future:
        """A future of what `process_pages(jobs)` gives, computed in the workers."""
        jobs = list(jobs)
        outcome: Future = Future()
        outcome.set_running_or_notify_cancel()

        def read(results: list[PageResult]) -> None:
            wanted = _claims_wanted(jobs, results)
            if not wanted:
                outcome.set_result(results)
                return

            @_settles(outcome)
            def attach(done: Future) -> None:
                error = done.exception()
                if error is None:
                    version, found = done.result()
                    _attach_claims(results, wanted, version, found, None)
                else:
                    _attach_claims(results, wanted, None, None, f"claims: {type(error).__name__}: {error}")
                outcome.set_result(results)

            try:
                self._reader.submit(read_claims, [text for _i, text in wanted], self.config_dir).add_done_callback(attach)
            except RuntimeError as exc:  # the pool is shutting down
                outcome.set_exception(exc)

        @_settles(outcome)
        def cleaned(done: Future) -> None:
            if done.exception() is not None:
                outcome.set_exception(done.exception())
            else:
                read(done.result())

        if all(job.text is not None for job in jobs):
            read([PageResult(job.article_id) for job in jobs])
        else:
            self._cleaners.submit(clean_pages, jobs, self.config_dir).add_done_callback(cleaned)
        return outcome

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
        self._cleaners.shutdown(wait=True, cancel_futures=True)
        self._reader.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "ExtractionPool":
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
        done = self.pool.submit([job for job, _ in batch])
        done.add_done_callback(lambda f: loop.call_soon_threadsafe(self._deliver, batch, f))

    @staticmethod
    def _deliver(batch: list[tuple[PageJob, asyncio.Future]], done: Future) -> None:
        error = done.exception()
        results = done.result() if error is None else None
        for i, (_job, future) in enumerate(batch):
            if future.done():
                continue
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(results[i])
