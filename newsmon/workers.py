"""Cleaning and claim extraction in worker processes, beside the crawl or over the archive.

trafilatura and spaCy are CPU-bound Python: in the crawl's own process they
would stall the downloads, and one process uses one core. A small pool of
worker processes (one per core) does the work instead; the caller stores the
results. Each worker loads the spaCy pipeline once, at its first parse.
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


def process_pages(jobs: Sequence[PageJob], config_dir: str | None = None) -> list[PageResult]:
    """Clean each page, then extract claims from all the texts in one batch (`nlp.pipe`).

    A page that fails gives a result with `error` set; the others go on.
    """
    from extract.article import extract_article
    from extract.claims import EXTRACTOR_VERSION, find_claims_many

    results: list[PageResult] = []
    texts: list[tuple[str, str | None]] = []
    for job in jobs:
        if job.text is not None:
            results.append(PageResult(job.article_id))
            texts.append((job.text, job.published))
            continue
        try:
            article = extract_article(job.html, job.url, drop_selectors=job.drop_selectors,
                                      fallback_published=job.published, config_dir=config_dir)
            results.append(PageResult(job.article_id, article=article.to_dict()))
            texts.append((article.text, article.published))
        except Exception as exc:  # noqa: BLE001 - one bad page never stops the others
            results.append(PageResult(job.article_id, error=f"{type(exc).__name__}: {exc}"))
            texts.append(("", None))
    wanted = [(r, text) for r, text, job in zip(results, texts, jobs) if job.claims and r.error is None]
    if wanted:
        try:
            found = find_claims_many([text for _r, text in wanted], config_dir=config_dir)
            for (result, _text), claims in zip(wanted, found):
                result.claims = [c.to_dict() for c in claims]
                result.claims_version = EXTRACTOR_VERSION
        except Exception as exc:  # noqa: BLE001
            for result, _job in wanted:
                result.error = f"claims: {type(exc).__name__}: {exc}"
    return results


# One BLAS thread per worker: the workers already use every core, and each extra
# thread costs memory. Set before numpy (via spaCy) is first imported in the worker.
_SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _warm_up(config_dir: str | None) -> None:
    """Load the models in a fresh worker so that the first real page does not wait for them."""
    for name, value in _SINGLE_THREADED.items():
        os.environ.setdefault(name, value)
    from extract.claims import find_claims

    find_claims("Officials said 12 people were deported on Monday.", None)


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


class ExtractionPool:
    """Worker processes that clean pages and extract claims.

    Workers are started with "spawn": they are forked from no Twisted reactor
    or open database, and import only what extraction needs.
    """

    def __init__(self, config_dir: str | os.PathLike | None = None, workers: int | None = None):
        self.config_dir = str(config_dir) if config_dir else None
        self.workers = workers or default_workers()
        self._executor = ProcessPoolExecutor(
            max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_warm_up, initargs=(self.config_dir,),
        )

    def submit(self, jobs: Sequence[PageJob]) -> Future:
        """A future of `process_pages(jobs)`."""
        return self._executor.submit(process_pages, list(jobs), self.config_dir)

    def map_batches(self, batches: Iterable[Sequence[PageJob]]) -> Iterator[list[PageResult]]:
        """`process_pages` of each batch, in order, with at most two batches per worker in flight."""
        in_flight: deque[Future] = deque()
        for batch in batches:
            in_flight.append(self._executor.submit(process_pages, list(batch), self.config_dir))
            if len(in_flight) >= 2 * self.workers:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

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
