"""The ETL job on local paths (no S3): the parallel transform gives exactly what the inline one gives."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from glue_jobs.etl.job import run_job
from pulso.config import effective_config


def run_local(
    input_path: Path, output: Path, profile: str, etl: dict[str, int], mode: str = "predict"
) -> dict[str, Any]:
    overlay = output.with_suffix(".overlay.json")
    overlay.write_text(json.dumps(effective_config({"etl": etl})))
    argv = [
        "--input", str(input_path), "--profile", profile, "--run_mode", mode, "--output_root", str(output),
        "--run_id", "local-1", "--ingest_date", "2026-11-22", "--config_uri", str(overlay),
    ]  # fmt: skip
    return run_job(argv)


def table(prefix: str) -> pd.DataFrame:
    files = sorted(Path(prefix).glob("*.parquet"))
    frame = pd.concat([pd.read_parquet(path) for path in files], ignore_index=True)
    return frame.sort_values(list(frame.columns[:4])).reset_index(drop=True)


def shards(manifest: dict[str, Any]) -> list[str]:
    return [Path(uri).read_text("utf-8") for uri in manifest["outputs"]["transform_input_shards"]]


@pytest.mark.slow
def test_parallel_transform_matches_inline(twcs_sample: Path, tmp_path: Path) -> None:
    inline = run_local(twcs_sample, tmp_path / "inline", "twcs", {"workers": 1, "chunk_rows": 700})
    parallel = run_local(
        twcs_sample, tmp_path / "parallel", "twcs", {"workers": 2, "parallel_min_bytes": 0, "chunk_rows": 700}
    )
    assert parallel["totals"] == inline["totals"]
    pd.testing.assert_frame_equal(table(parallel["outputs"]["messages"]), table(inline["outputs"]["messages"]))
    quarantined = [table(run["outputs"]["quarantine"]).drop(columns="quarantined_at") for run in (parallel, inline)]
    pd.testing.assert_frame_equal(*quarantined)  # the run clock aside
    assert shards(parallel) == shards(inline)  # same rows, same order


@pytest.mark.slow
def test_parallel_transform_accounts_rows_read_before_a_corrupt_gzip(tmp_path: Path) -> None:
    rows = "".join(f"{i},message number {i}\n" for i in range(40_000))
    data = gzip.compress(("id,text\n" + rows).encode())
    path = tmp_path / "broken.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    manifest = run_local(path, tmp_path / "out", "tweets", {"workers": 2, "parallel_min_bytes": 0, "chunk_rows": 1000})
    summary = manifest["objects"][0]
    assert 1000 < summary["read"] < 40_000
    assert summary["read"] == summary["curated"]
    assert f"cannot be read past record {summary['read']}" in summary["error"]
    assert len(table(manifest["outputs"]["messages"])) == summary["read"]
