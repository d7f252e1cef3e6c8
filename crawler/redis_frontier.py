"""The Redis frontier of a crawl spread over several processes or machines.

One `newsmon run --redis URL` (the writer: it alone owns the SQLite file)
puts the due outlets in a queue; `newsmon worker --redis URL` processes take
them, crawl them and hand back what they fetched and cleaned. Keys (prefix
`newsmon:`):

- `jobs` (list): outlets waiting, each a JSON job (the outlet's config, its
  feeds' validators, the run's crawl settings).
- `leases` (hash): token -> the job a worker holds and until when (server
  time). A worker renews its leases while it crawls (its heartbeat); a lease
  that runs out (its worker was killed) is put back on `jobs` by the writer,
  so another worker crawls that outlet again: nothing is lost.
- `stored` (set): every URL stored in the database, seeded by the writer at
  the start of a run and added to as it stores pages; the workers' duplicate
  filter (an article URL in it is never requested again).
- `results` (list): what the workers hand to the writer, in order: pages
  (raw HTML and clean text), then each outlet's summary and feed validators.

Why outlets and not single requests are queued: an outlet's politeness
(one crawler, its per-domain delay and concurrency) and its bookkeeping (which
feed is complete, how many new articles) stay in one process, wherever it
runs. The shared duplicate filter is the set of stored URLs, not of URLs
requested: a worker killed after requesting a page leaves it to be fetched
again rather than lost.

redis-py is imported only here, when a Redis URL is given.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

PREFIX = "newsmon:"
DEFAULT_LEASE = 60.0  # seconds a worker holds an outlet without renewing it

# Take the next job and hold it under `token` until now + lease (server time: the machines' clocks may differ).
_LEASE = """
local job = redis.call('RPOP', KEYS[1])
if not job then return nil end
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode({job = job, worker = ARGV[2], until_ = now + tonumber(ARGV[3])}))
return job
"""
# Renew the leases named in ARGV[2..] (those still held) by ARGV[1] seconds; how many were renewed.
_RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local n = 0
for i = 2, #ARGV do
  local held = redis.call('HGET', KEYS[1], ARGV[i])
  if held then
    local lease = cjson.decode(held)
    lease.until_ = now + tonumber(ARGV[1])
    redis.call('HSET', KEYS[1], ARGV[i], cjson.encode(lease))
    n = n + 1
  end
end
return n
"""
# Put every job whose lease ran out back at the head of the queue; the jobs put back.
_REQUEUE_EXPIRED = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local back = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local lease = cjson.decode(all[i + 1])
  if lease.until_ < now then
    redis.call('RPUSH', KEYS[2], lease.job)
    redis.call('HDEL', KEYS[1], all[i])
    table.insert(back, lease.job)
  end
end
return back
"""


class RedisUnavailable(RuntimeError):
    """The Redis server named by the URL cannot be reached, or redis-py is not installed (one line)."""


def connect(url: str) -> Frontier:
    """The frontier at `url` (redis://HOST:PORT/DB); RedisUnavailable when it cannot be reached."""
    try:
        import redis
    except ImportError:
        raise RedisUnavailable("--redis needs the redis package (pip install 'redis>=5,<9')") from None
    try:
        client = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10, health_check_interval=30)
        client.ping()
    except (redis.RedisError, ValueError) as exc:
        raise RedisUnavailable(f"Redis at {url}: {exc}") from None
    return Frontier(client)


class Frontier:
    """The shared queue of outlets, their leases, the stored-URL filter and the results (see the module)."""

    def __init__(self, client: Any, prefix: str = PREFIX):
        self.client = client
        self.jobs, self.leases = prefix + "jobs", prefix + "leases"
        self.stored, self.results, self.run_key = prefix + "stored", prefix + "results", prefix + "run"
        self._lease = client.register_script(_LEASE)
        self._renew = client.register_script(_RENEW)
        self._requeue = client.register_script(_REQUEUE_EXPIRED)

    # -- the writer ---------------------------------------------------------
    def start_run(self, run_id: str, jobs: Iterable[dict[str, Any]], stored_urls: Iterable[str]) -> int:
        """Forget any earlier run, seed the stored-URL filter and queue `jobs`; how many were queued."""
        fresh = self.stored + ":next"
        pipe = self.client.pipeline(transaction=False)
        pipe.delete(self.jobs, self.leases, self.results, fresh)
        batch: list[str] = []
        for url in stored_urls:
            batch.append(url)
            if len(batch) >= 10_000:
                pipe.sadd(fresh, *batch)
                batch = []
        if batch:
            pipe.sadd(fresh, *batch)
        pipe.execute()
        if self.client.exists(fresh):
            self.client.rename(fresh, self.stored)  # at once: a worker never sees a half-seeded filter
        else:
            self.client.delete(self.stored)
        encoded = [json.dumps({**job, "run_id": run_id}) for job in jobs]
        pipe = self.client.pipeline(transaction=True)
        pipe.set(self.run_key, run_id)
        if encoded:
            pipe.lpush(self.jobs, *encoded)  # popped from the right: the first job first
        pipe.execute()
        return len(encoded)

    def requeue_expired(self) -> list[dict[str, Any]]:
        """Put back every outlet whose worker stopped renewing its lease; those outlets' jobs."""
        return [json.loads(job) for job in self._requeue(keys=[self.leases, self.jobs])]

    def pop_results(self, timeout: float = 1.0, most: int = 100) -> list[dict[str, Any]]:
        """Up to `most` results, waiting up to `timeout` seconds for the first."""
        first = self.client.blpop([self.results], timeout=max(1, int(round(timeout))))
        if first is None:
            return []
        items = [first[1]]
        more = self.client.lpop(self.results, most - 1) if most > 1 else None
        items.extend(more or [])
        return [json.loads(item) for item in items]

    def mark_stored(self, urls: Iterable[str]) -> None:
        urls = [u for u in urls if u]
        if urls:
            self.client.sadd(self.stored, *urls)

    def pending(self) -> tuple[int, int]:
        """(outlets waiting, outlets being crawled)."""
        pipe = self.client.pipeline(transaction=False)
        pipe.llen(self.jobs)
        pipe.hlen(self.leases)
        waiting, held = pipe.execute()
        return int(waiting), int(held)

    def clear(self) -> None:
        """Drop the run's queue, leases and results (the stored-URL filter stays for the next run)."""
        self.client.delete(self.jobs, self.leases, self.results)

    def end_run(self) -> None:
        """The writer is done: no run is active (workers waiting for one keep waiting)."""
        self.client.delete(self.run_key)

    def active_run(self) -> str | None:
        run = self.client.get(self.run_key)
        return run.decode() if isinstance(run, bytes) else run

    # -- a worker -----------------------------------------------------------
    def lease(self, worker: str, seconds: float = DEFAULT_LEASE) -> tuple[str, dict[str, Any]] | None:
        """(token, job) of the next outlet, held for `seconds`; None when the queue is empty."""
        token = uuid.uuid4().hex
        job = self._lease(keys=[self.jobs, self.leases], args=[token, worker, seconds])
        return None if job is None else (token, json.loads(job))

    def renew(self, tokens: Iterable[str], seconds: float = DEFAULT_LEASE) -> int:
        tokens = list(tokens)
        return int(self._renew(keys=[self.leases], args=[seconds, *tokens])) if tokens else 0

    def release(self, token: str, job: dict[str, Any]) -> None:
        """Give an outlet back unfinished (the worker is stopping): another worker crawls it."""
        pipe = self.client.pipeline(transaction=True)
        pipe.hdel(self.leases, token)
        pipe.rpush(self.jobs, json.dumps(job))
        pipe.execute()

    def push(self, message: dict[str, Any]) -> None:
        self.client.rpush(self.results, json.dumps(message))

    def finish(self, token: str, message: dict[str, Any]) -> None:
        """Hand over an outlet's summary and drop its lease, both or neither."""
        pipe = self.client.pipeline(transaction=True)
        pipe.rpush(self.results, json.dumps(message))
        pipe.hdel(self.leases, token)
        pipe.execute()

    def stored_any(self, urls: Iterable[str]) -> bool:
        """Whether any of `urls` is stored (the shared duplicate filter)."""
        urls = [u for u in urls if u]
        return bool(urls) and any(self.client.smismember(self.stored, urls))
