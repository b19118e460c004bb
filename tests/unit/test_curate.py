"""The pure per-chunk transform: reason codes, precedence, cleaning, ids and splits; and deduplication."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from glue_jobs.etl.curate import CURATED_COLUMNS, ChunkContext, curate_chunk
from glue_jobs.etl.dedupe import DuplicateFilter
from glue_jobs.etl.quarantine import QUARANTINE_COLUMNS, REASONS, ROW_RULE_ORDER
from glue_jobs.etl.read import RAW_COLUMNS
from pulso.config import load_config
from pulso.ids import assign_split, derived_message_id
from tests.conftest import REPO_ROOT

CONFIG = load_config()
NOW = dt.datetime(2026, 11, 22, 12, 0, 0)


def context(profile: str = "tweets", **etl: Any) -> ChunkContext:
    return ChunkContext(
        source=profile,
        source_object="s3://raw/incoming/tweets/export.csv",
        object_name="export.csv",
        profile=CONFIG.profile(profile),
        splits=CONFIG.splits,
        settings=replace(CONFIG.etl, **etl) if etl else CONFIG.etl,
        now=NOW,
    )


def raw_frame(*rows: dict[str, Any]) -> pd.DataFrame:
    records = []
    for number, row in enumerate(rows, start=1):
        record = dict.fromkeys(RAW_COLUMNS)
        record.update({"source_row": number, "raw": f"raw row {number}", **row})
        records.append(record)
    return pd.DataFrame(records, columns=list(RAW_COLUMNS), dtype=object)  # as the readers make them


def reasons(frame: pd.DataFrame, ctx: ChunkContext | None = None) -> list[str | None]:
    result = curate_chunk(frame, ctx or context())
    by_row = dict(zip(result.quarantine["row_number"], result.quarantine["reason"], strict=True))
    return [by_row.get(number) for number in frame["source_row"]]


def test_a_good_row_is_curated_with_every_canonical_column() -> None:
    frame = raw_frame(
        {
            "message_id": " 42 ",
            "author_id": " ana ",
            "created_at": "2026-11-20T10:00:00Z",
            "text": "LOVE it!!! :)",
            "label": "positive",
            "split": None,
        }
    )
    result = curate_chunk(frame, context())
    assert result.quarantine.empty
    row = result.curated.iloc[0]
    assert tuple(result.curated.columns) == CURATED_COLUMNS
    assert row["message_id"] == "42"
    assert row["author_id"] == "ana"
    assert row["created_at"] == pd.Timestamp("2026-11-20 10:00:00")
    assert row["text"] == "LOVE it!!! :)"
    assert row["text_clean"] == "love <allcaps> it ! <repeat> <smile>"
    assert row["label"] == 1
    assert row["split"] == assign_split("42", CONFIG.splits.fractions)
    assert row["source"] == "tweets"
    assert row["source_row"] == 1
    assert row["lang"] == "en"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"text": None}, "missing_text"),
        ({"text": "   \t"}, "missing_text"),
        ({"text": "a\x00b"}, "encoding_error"),
        ({"text": "broken \ud83d surrogate"}, "encoding_error"),
        ({"text": "x" * 10_001}, "text_too_long"),
        ({"text": "ok", "label": "maybe"}, "bad_label"),
        ({"text": "ok", "label": "2"}, "bad_label"),
        ({"text": "ok", "split": "holdout"}, "bad_split"),
        ({"text": "ok", "created_at": "last tuesday"}, "bad_timestamp"),
        ({"text": "ok", "created_at": "1969-07-20"}, "bad_timestamp"),
        ({"text": "ok", "created_at": "2026-11-25T00:00:00Z"}, "bad_timestamp"),
        ({"text": "ok", "message_id": "x" * 300}, "bad_id"),
        ({"text": "\u200b\u200d\ufe0f"}, "empty_after_cleaning"),
        ({"text": "ok", "read_error": "unparseable_row", "read_detail": "line 2: bad"}, "unparseable_row"),
    ],
)
def test_each_problem_gets_its_reason_code(row: dict[str, Any], reason: str) -> None:
    frame = raw_frame(row)
    result = curate_chunk(frame, context())
    assert result.curated.empty
    assert result.quarantine["reason"].tolist() == [reason]
    assert result.quarantine["raw"].tolist() == ["raw row 1"]
    assert result.quarantine["detail"].notna().all()
    assert tuple(result.quarantine.columns) == QUARANTINE_COLUMNS


def test_first_applicable_reason_wins() -> None:
    frame = raw_frame(
        {"text": None, "label": "bogus"},
        {"text": "x" * 20_000, "label": "bogus"},
        {"text": "ok", "label": "bogus", "created_at": "never"},
        {"text": "ok", "label": "1", "split": "weird", "created_at": "never"},
    )
    assert reasons(frame) == ["missing_text", "text_too_long", "bad_label", "bad_split"]


def test_profile_filter_quarantines_excluded_rows() -> None:
    frame = raw_frame(
        {"text": "customer asks", "keep": "True", "created_at": "Tue Oct 31 22:10:47 +0000 2017"},
        {"text": "company answers", "keep": "False", "created_at": "Tue Oct 31 22:11:47 +0000 2017"},
    )
    result = curate_chunk(frame, context("twcs"))
    assert result.curated["text"].tolist() == ["customer asks"]
    assert result.curated["created_at"].tolist() == [pd.Timestamp("2017-10-31 22:10:47")]
    assert result.quarantine["reason"].tolist() == ["filtered_by_profile"]
    assert "inbound='False'" in result.quarantine["detail"].iloc[0]


def test_missing_ids_are_derived_from_object_and_text() -> None:
    result = curate_chunk(raw_frame({"text": "hello"}, {"text": "hello", "message_id": ""}), context())
    expected = derived_message_id("export.csv", "hello")
    assert result.curated["message_id"].tolist() == [expected, expected]


def test_splits_given_kept_hashed_or_unlabelled() -> None:
    frame = raw_frame(
        {"message_id": "a", "text": "t1", "label": "1", "split": "val"},
        {"message_id": "b", "text": "t2", "label": "0", "split": "TEST"},
        {"message_id": "c", "text": "t3", "label": "-1"},
        {"message_id": "d", "text": "t4"},
        {"message_id": "e", "text": "t5", "split": "train"},
    )
    result = curate_chunk(frame, context())
    assert result.curated["split"].tolist() == [
        "validation", "test", assign_split("c", CONFIG.splits.fractions), "unlabelled", "unlabelled",
    ]  # fmt: skip
    assert result.curated["label"].tolist()[:3] == [1, 0, -1]
    assert result.curated["label"].isna().tolist() == [False, False, False, True, True]


def test_text_as_received_is_kept_and_spanish_detected() -> None:
    text = "  ¡El pedido NO llega! 😡 "
    result = curate_chunk(raw_frame({"text": text}), context())
    assert result.curated["text"].tolist() == [text]
    assert result.curated["text_clean"].tolist() == ["¡ el pedido no <allcaps> llega ! 😡"]
    assert result.curated["lang"].tolist() == ["es"]


def test_empty_chunk() -> None:
    result = curate_chunk(raw_frame(), context())
    assert result.curated.empty
    assert result.quarantine.empty


def curated(*pairs: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"message_id": [p[0] for p in pairs], "text": [p[1] for p in pairs]})


def test_duplicates_by_id_or_text_within_and_across_chunks() -> None:
    dedupe = DuplicateFilter()
    first = dedupe.keep_mask(curated(("1", "a"), ("2", "b"), ("1", "c"), ("3", "b"), ("4", "d")))
    assert first.tolist() == [True, True, False, False, True]
    second = dedupe.keep_mask(curated(("5", "a"), ("4", "z"), ("6", "e")))
    assert second.tolist() == [False, False, True]


def test_dropped_rows_do_not_shadow_later_rows() -> None:
    # Row 2 is a duplicate of row 1 by text; its id must not make row 3 a duplicate.
    keep = DuplicateFilter().keep_mask(curated(("1", "x"), ("2", "x"), ("2", "y")))
    assert keep.tolist() == [True, False, True]


def test_dedupe_memory_is_eight_bytes_per_key() -> None:
    dedupe = DuplicateFilter()
    ids = [str(i) for i in range(100_000)]
    dedupe.keep_mask(pd.DataFrame({"message_id": ids, "text": [f"t{i}" for i in ids]}))
    assert dedupe._ids._keys.dtype == np.uint64
    assert dedupe._ids._keys.nbytes == 800_000


def test_every_reason_code_is_defined_once_with_its_rule() -> None:
    """The codes are spelled only in glue_jobs.etl.quarantine: no other job module writes one as a literal."""
    assert set(REASONS) == {
        "unreadable_object", "missing_columns", "unparseable_row", "encoding_error", "filtered_by_profile",
        "missing_text", "text_too_long", "bad_label", "bad_split", "bad_timestamp", "bad_id", "empty_after_cleaning",
    }  # fmt: skip
    assert all(reason.rule and reason.code == code for code, reason in REASONS.items())
    assert set(ROW_RULE_ORDER) <= set(REASONS.values())
    spelled = {
        path.relative_to(REPO_ROOT).as_posix(): code
        for path in (REPO_ROOT / "src").rglob("*.py")
        if path.name != "quarantine.py"
        for code in REASONS
        if f'"{code}"' in path.read_text(encoding="utf-8")
    }
    assert not spelled, spelled


def test_the_data_contract_lists_every_reason_code_with_its_rule_in_order() -> None:
    rows = re.findall(r"^\| `([a-z_]+)` \| (.+?) \|$", (REPO_ROOT / "docs" / "data-contract.md").read_text(), re.M)
    documented = [(code, rule) for code, rule in rows if code in REASONS or code.startswith(("bad_", "missing_"))]
    assert documented == [(reason.code, reason.rule) for reason in REASONS.values()]
