"""Run the pure per-chunk curation (`curate_chunk`) on every core of the job's machine, in input order.

The reader stays in the main process (one stream per object) and so do deduplication and writing, which
depend on order. Only `curate_chunk` (CPU-bound, pure) goes to worker processes, with at most
`workers + 1` chunks in flight, so memory stays bounded. Small objects are curated inline: starting
workers costs more than it saves. Scaling beyond one machine is Glue's job (a Spark job can run the same
`curate_chunk` per partition), not this module's.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor

import pandas as pd

from glue_jobs.etl.curate import ChunkContext, ChunkResult, curate_chunk
from pulso.errors import InputError


def available_cores() -> int:
    """Cores this process may run on (respects CPU affinity, e.g. in containers)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


class ChunkCurator:
    """Transforms chunks inline or in a process pool; use as a context manager."""

    def __init__(self, workers: int) -> None:
        self.workers = workers if workers > 0 else available_cores()
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> ChunkCurator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # spawn, not fork: the parent may hold threads (boto3) and large state that workers do not need.
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self._executor

    def curate(
        self, chunks: Iterator[pd.DataFrame], context: ChunkContext, parallel: bool
    ) -> Iterator[tuple[int, ChunkResult]]:
        """Yield (rows read, result) per chunk, in order. If reading fails, the chunks read before the
        failure are still curated and yielded before the error propagates."""
        if not parallel or self.workers <= 1:
            for chunk in chunks:
                yield len(chunk), curate_chunk(chunk, context)
            return
        pool = self._pool()
        pending: deque[tuple[int, Future[ChunkResult]]] = deque()
        try:
            for chunk in chunks:
                pending.append((len(chunk), pool.submit(curate_chunk, chunk, context)))
                if len(pending) > self.workers:
                    rows, future = pending.popleft()
                    yield rows, future.result()
        except InputError:
            while pending:
                rows, future = pending.popleft()
                yield rows, future.result()
            raise
        while pending:
            rows, future = pending.popleft()
            yield rows, future.result()
