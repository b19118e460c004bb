"""ETL benchmark: the real Glue ETL job on 1M and 2M generated rows, an I/O floor and the normaliser alone.

The job runs with its default configuration (one transform worker per core), plus once with a single
worker, so the parallel speed-up is visible. Peak RSS is reported for the main process and for the largest
worker; with N workers the machine holds roughly main + N x worker.

Input rows are TweetEval texts (from the shared data folder, never copied into the repo) made unique with
a ` ref<i>` suffix, so no row is quarantined or dropped as a duplicate. Each ETL run happens in a fresh
subprocess, so its peak RSS is that run's own. Derived files live in the git-ignored `bench/.work/`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from bench.harness import BenchmarkSkippedError, Result, benchmark
from pulso.text import normaliser

REPO_ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = REPO_ROOT / "bench" / ".work"
SHARED_DATA_ENV = "PULSO_SHARED_DATA"
SPLITS = ("train", "val", "test")
LABEL_NAMES = {"0": "negative", "1": "neutral", "2": "positive"}
CSV_HEADER = ("id", "text", "label", "created_at", "author_id")
CSV_FORMAT_VERSION = 1  # bump when the generated rows change, so cached files are regenerated
FIRST_TIMESTAMP = dt.datetime(2017, 1, 1, tzinfo=dt.UTC)
AUTHORS = 50_000
SIZES = {"1m": 1_000_000, "2m": 2_000_000}
IO_FLOOR_BLOCK_BYTES = 8 << 20
NORMALISER_PASSES = 3

# Runs inside the fresh subprocess: one ETL job, then one JSON line on stdout.
_ETL_SNIPPET = """
import json, resource, sys, time
import glue_jobs.etl.job
argv = json.loads(sys.argv[1])
started = time.perf_counter()
manifest = glue_jobs.etl.job.run_job(argv)
seconds = time.perf_counter() - started
print(json.dumps({
    "seconds": seconds,
    "rows_read": manifest["totals"]["read"],
    "curated": manifest["totals"]["curated"],
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "peak_worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


@dataclass(frozen=True)
class Corpus:
    """TweetEval texts and their label names, train + val + test in order."""

    texts: list[str]
    labels: list[str]


@dataclass(frozen=True)
class EtlRun:
    """What one ETL subprocess reported (worker RSS: the largest child process, 0 when the job has none)."""

    rows: int
    seconds: float
    peak_rss_mb: float
    peak_worker_rss_mb: float

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds


def progress(message: str) -> None:
    """A progress line on stderr."""
    print(f"[bench etl] {message}", file=sys.stderr, flush=True)


def tweeteval_dir() -> Path:
    """The TweetEval sentiment folder: `<repo>/../shared/data/tweeteval_sentiment` or under $PULSO_SHARED_DATA."""
    shared = os.environ.get(SHARED_DATA_ENV) or REPO_ROOT.parent / "shared" / "data"
    return Path(shared) / "tweeteval_sentiment"


def _read_lines(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as stream:
        return [line.strip() for line in stream]


def load_corpus(folder: Path) -> Corpus:
    """Read the text and label files of every split; skip the benchmark when any is missing."""
    paths = [folder / f"{split}_{kind}.txt" for split in SPLITS for kind in ("text", "labels")]
    missing = [path.name for path in paths if not path.is_file()]
    if missing:
        raise BenchmarkSkippedError(f"TweetEval data not found in {folder} (missing {', '.join(missing)})")
    texts: list[str] = []
    labels: list[str] = []
    for split in SPLITS:
        split_texts = _read_lines(folder / f"{split}_text.txt")
        split_labels = _read_lines(folder / f"{split}_labels.txt")
        if len(split_texts) != len(split_labels):
            raise ValueError(f"{split}: {len(split_texts)} texts but {len(split_labels)} labels in {folder}")
        texts.extend(split_texts)
        labels.extend(LABEL_NAMES[label] for label in split_labels)
    return Corpus(texts, labels)


def _sidecar(path: Path) -> Path:
    return path.with_suffix(".json")


def _expected_sidecar(rows: int, corpus: Corpus) -> dict[str, int]:
    return {"rows": rows, "source_texts": len(corpus.texts), "format_version": CSV_FORMAT_VERSION}


def _is_cached(path: Path, expected: dict[str, int]) -> bool:
    sidecar = _sidecar(path)
    if not (path.is_file() and sidecar.is_file()):
        return False
    try:
        return json.loads(sidecar.read_text(encoding="utf-8")) == expected
    except ValueError:
        return False


def _write_rows(path: Path, rows: int, corpus: Corpus) -> None:
    count = len(corpus.texts)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(CSV_HEADER)
        for i in range(rows):
            created_at = FIRST_TIMESTAMP + dt.timedelta(seconds=i)
            writer.writerow(
                (
                    f"b{i}",
                    f"{corpus.texts[i % count]} ref{i}",
                    corpus.labels[i % count],
                    created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    f"a{i % AUTHORS}",
                )
            )


def ensure_csv(path: Path, rows: int, corpus: Corpus) -> Path:
    """Generate `path` with `rows` data rows, unless a matching file (per its sidecar) already exists."""
    expected = _expected_sidecar(rows, corpus)
    if _is_cached(path, expected):
        progress(f"reusing {path.name} ({rows:,} rows)")
        return path
    progress(f"generating {rows:,} rows -> {path.relative_to(REPO_ROOT)} ...")
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    _sidecar(path).unlink(missing_ok=True)
    partial = path.with_name(path.name + ".partial")
    _write_rows(partial, rows, corpus)
    partial.replace(path)
    _sidecar(path).write_text(json.dumps(expected) + "\n", encoding="utf-8")
    progress(f"generated {path.name} in {time.perf_counter() - started:.1f} s")
    return path


def _etl_argv(csv_path: Path, size: str, output_root: Path, workers: int | None) -> list[str]:
    argv = [
        "--input", str(csv_path),
        "--profile", "tweets",
        "--run_mode", "predict",
        "--output_root", str(output_root),
        "--run_id", f"bench-{size}",
    ]  # fmt: skip
    if workers is not None:
        overlay = WORK_DIR / f"workers-{workers}.json"
        overlay.write_text(json.dumps({"etl": {"workers": workers}}), encoding="utf-8")
        argv += ["--config_overlay", str(overlay)]
    return argv


def _last_json_line(stdout: str) -> dict[str, float]:
    lines = [line for line in stdout.splitlines() if line.strip()]
    if not lines:
        raise RuntimeError("the ETL subprocess printed no result line")
    return json.loads(lines[-1])


def run_etl(csv_path: Path, size: str, expected_rows: int, workers: int | None = None) -> EtlRun:
    """Run the real ETL job on `csv_path` in a fresh subprocess; check that every row was curated.
    `workers` overrides the configured number of transform processes (default: one per core)."""
    output_root = WORK_DIR / f"out-{size}"
    shutil.rmtree(output_root, ignore_errors=True)
    label = f"{size.upper()}" + (f", {workers} worker(s)" if workers is not None else "")
    progress(f"ETL {label}: running the job on {expected_rows:,} rows ...")
    argv = _etl_argv(csv_path, size, output_root, workers)
    completed = subprocess.run(
        [sys.executable, "-c", _ETL_SNIPPET, json.dumps(argv)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr)
        raise RuntimeError(f"ETL {size} subprocess failed with exit code {completed.returncode} (stderr above)")
    report = _last_json_line(completed.stdout)
    rows_read, curated = int(report["rows_read"]), int(report["curated"])
    if curated != rows_read or rows_read != expected_rows:
        sys.stderr.write(completed.stderr)
        raise RuntimeError(
            f"ETL {size}: expected {expected_rows:,} rows read and all curated, "
            f"got {rows_read:,} read and {curated:,} curated (see {output_root})"
        )
    run = EtlRun(
        rows=rows_read,
        seconds=float(report["seconds"]),
        peak_rss_mb=float(report["peak_rss_mb"]),
        peak_worker_rss_mb=float(report.get("peak_worker_rss_mb", 0.0)),
    )
    progress(
        f"ETL {size.upper()}: {run.seconds:.1f} s, {run.rows_per_s:,.0f} rows/s, peak RSS {run.peak_rss_mb:,.0f} MB"
    )
    return run


def io_floor(csv_path: Path) -> tuple[int, float]:
    """Stream the CSV with pyarrow and write each record batch as a snappy Parquet file: (rows, seconds)."""
    output = WORK_DIR / "io-floor"
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    progress(f"I/O floor: pyarrow CSV -> Parquet on {csv_path.name} ...")
    rows = 0
    started = time.perf_counter()
    reader = pa_csv.open_csv(csv_path, read_options=pa_csv.ReadOptions(block_size=IO_FLOOR_BLOCK_BYTES))
    for index, batch in enumerate(reader):
        pq.write_table(pa.Table.from_batches([batch]), output / f"part-{index:05d}.parquet", compression="snappy")
        rows += batch.num_rows
    seconds = time.perf_counter() - started
    progress(f"I/O floor: {seconds:.1f} s, {rows / seconds:,.0f} rows/s")
    return rows, seconds


def normaliser_texts_per_s(texts: list[str]) -> tuple[float, float]:
    """Single-core texts/s of `normalise` over `texts`: a first pass on a cold chunk cache, then the best
    of the warm passes that follow (what a long-running job sees)."""
    normaliser.clear_cache()
    rates = []
    for number in range(1, NORMALISER_PASSES + 1):
        started = time.perf_counter()
        for text in texts:
            normaliser.normalise(text)
        rates.append(len(texts) / (time.perf_counter() - started))
        progress(f"normaliser pass {number}/{NORMALISER_PASSES}: {rates[-1]:,.0f} texts/s")
    return rates[0], max(rates[1:])


@benchmark("etl")
def etl_benchmark() -> Result:
    """ETL throughput and peak RSS at 1M and 2M rows, the pyarrow I/O floor and the normaliser alone."""
    corpus = load_corpus(tweeteval_dir())
    paths = {size: ensure_csv(WORK_DIR / f"raw_{size}.csv", rows, corpus) for size, rows in SIZES.items()}
    floor_rows, floor_seconds = io_floor(paths["1m"])
    if floor_rows != SIZES["1m"]:
        raise RuntimeError(f"I/O floor read {floor_rows:,} rows, expected {SIZES['1m']:,}")
    runs = {size: run_etl(paths[size], size, rows) for size, rows in SIZES.items()}
    single = run_etl(paths["1m"], "1m", SIZES["1m"], workers=1)
    cold, warm = normaliser_texts_per_s(corpus.texts)
    one, two = runs["1m"], runs["2m"]
    io_floor_rows_per_s = floor_rows / floor_seconds
    return {
        "rows_1m": one.rows,
        "rows_2m": two.rows,
        "etl_seconds_1m": round(one.seconds, 3),
        "etl_seconds_2m": round(two.seconds, 3),
        "etl_rows_per_s": round(one.rows_per_s, 1),
        "etl_rows_per_s_2m": round(two.rows_per_s, 1),
        "io_floor_rows_per_s": round(io_floor_rows_per_s, 1),
        "etl_to_io_floor_ratio": round(one.rows_per_s / io_floor_rows_per_s, 4),
        "etl_peak_rss_mb_1m": round(one.peak_rss_mb, 1),
        "etl_peak_rss_mb_2m": round(two.peak_rss_mb, 1),
        "etl_peak_worker_rss_mb_1m": round(one.peak_worker_rss_mb, 1),
        "etl_peak_worker_rss_mb_2m": round(two.peak_worker_rss_mb, 1),
        "etl_rss_growth_pct": round(100 * (two.peak_rss_mb - one.peak_rss_mb) / one.peak_rss_mb, 2),
        "etl_rows_per_s_1_worker": round(single.rows_per_s, 1),
        "etl_peak_rss_mb_1m_1_worker": round(single.peak_rss_mb, 1),
        "etl_workers": os.cpu_count() or 1,
        "normaliser_texts_per_s": round(cold, 1),
        "normaliser_texts_per_s_warm_cache": round(warm, 1),
    }
