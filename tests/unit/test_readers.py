"""Readers: every record keeps its number and raw text; broken input is flagged, never dropped or fatal."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import random
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from glue_jobs.common.storage import LocalStore, StoredObject
from glue_jobs.etl.curate import ChunkContext, curate_chunk
from glue_jobs.etl.pipeline import EtlJob, run_etl
from glue_jobs.etl.read import ReadRequest, detect_format, read_chunks
from pulso.config import load_config
from pulso.errors import InputError

CONFIG = load_config()


def read(path: Path, profile: str = "tweets", companion: Path | None = None, **etl: int) -> pd.DataFrame:
    store = LocalStore()
    obj = store.list_objects(str(path))[0]
    other = store.list_objects(str(companion))[0] if companion else None
    settings = replace(CONFIG.etl, **etl) if etl else CONFIG.etl
    chunks = list(read_chunks(store, ReadRequest(obj, CONFIG.profile(profile), settings, other)))
    return as_objects(pd.concat(chunks, ignore_index=True)) if chunks else pd.DataFrame()


def as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values as None whatever the pandas version's string dtype does."""
    frame = frame.astype(object)
    return frame.where(frame.notna(), None)


def write(tmp_path: Path, name: str, content: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_csv_with_quoted_newlines_crlf_and_bom(tmp_path: Path) -> None:
    content = '\ufeffid,text,label\r\n1,"hello,\r\nworld",positive\r\n2,plain,-1\r\n'
    frame = read(write(tmp_path, "a.csv", content))
    assert frame["text"].tolist() == ["hello,\r\nworld", "plain"]
    assert frame["message_id"].tolist() == ["1", "2"]
    assert frame["source_row"].tolist() == [1, 2]
    assert frame["raw"].tolist() == ['1,"hello,\r\nworld",positive', "2,plain,-1"]
    assert frame["read_error"].isna().all()


def test_bare_carriage_returns_inside_unquoted_text_are_content(tmp_path: Path) -> None:
    frame = read(write(tmp_path, "a.csv", "id,text\n1,@AskPayPal \r\rI love it\n2,next\n"))
    assert frame["text"].tolist() == ["@AskPayPal \r\rI love it", "next"]
    assert frame["read_error"].isna().all()


def test_ragged_rows_are_unparseable_with_their_raw_line(tmp_path: Path) -> None:
    frame = read(write(tmp_path, "a.csv", "id,text,label\n1,ok,1\n2,too,many,fields\n3\n4,fine,0\n"))
    assert frame["source_row"].tolist() == [1, 2, 3, 4]
    assert frame["read_error"].tolist() == [None, "unparseable_row", "unparseable_row", None]
    assert frame.loc[1, "raw"] == "2,too,many,fields"
    assert frame.loc[1, "read_detail"] == "line 3: expected 3 fields, found 4"


def test_blank_lines_are_not_records(tmp_path: Path) -> None:
    frame = read(write(tmp_path, "a.csv", "id,text\n\n1,a\n   \n2,b\n\n"))
    assert frame["text"].tolist() == ["a", "b"]


def test_undecodable_bytes_are_an_encoding_error_with_the_bytes_shown(tmp_path: Path) -> None:
    path = write(tmp_path, "latin1.csv", "id,text\n1,caf\xe9 con leche\n2,fine\n".encode("latin-1"))
    frame = read(path)
    assert frame["read_error"].tolist() == ["encoding_error", None]
    assert frame.loc[0, "raw"] == "1,caf\\xe9 con leche"
    assert frame.loc[0, "raw"].encode("utf-8")  # storable


def test_profile_encoding_reads_latin1(tmp_path: Path) -> None:
    path = write(tmp_path, "latin1.csv", "id,text\n1,caf\xe9\n".encode("latin-1"))
    overlay = {"profiles": {"latin": {"format": "csv", "columns": {"text": ["text"]}, "encoding": "latin-1"}}}
    store = LocalStore()
    profile = load_config(overlay).profile("latin")
    frame = as_objects(
        pd.concat(read_chunks(store, ReadRequest(store.list_objects(str(path))[0], profile, CONFIG.etl)))
    )
    assert frame["text"].tolist() == ["café"]


def test_nul_bytes_are_an_encoding_error_and_parsing_continues(tmp_path: Path) -> None:
    frame = read(write(tmp_path, "a.csv", b"id,text\n1,bad\x00text\n2,good\n"))
    assert frame["read_error"].tolist() == ["encoding_error", None]
    assert frame.loc[0, "raw"] == "1,bad\\x00text"


def test_utf16_files_are_detected_by_their_byte_order_mark(tmp_path: Path) -> None:
    frame = read(write(tmp_path, "a.csv", "id,text\n1,héllo\n".encode("utf-16")))
    assert frame["text"].tolist() == ["héllo"]


def test_empty_file_and_header_only_have_no_rows(tmp_path: Path) -> None:
    assert read(write(tmp_path, "empty.csv", b"")).empty
    assert read(write(tmp_path, "header.csv", "id,text,label\n")).empty


def test_missing_column_names_the_problem_and_hints_at_the_delimiter(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        read(write(tmp_path, "semi.csv", "id;text;label\n1;hi;1\n"))
    message = str(error.value)
    assert error.value.reason == "missing_columns"
    assert "profile 'tweets' needs column(s) 'text'" in message
    assert "looks ';'-delimited" in message
    assert "\n" not in message


def test_header_matching_ignores_case_and_spaces(tmp_path: Path) -> None:
    frame = read(write(tmp_path, "a.csv", " ID , Text ,LABEL\n1,hi,positive\n"))
    assert frame[["message_id", "text", "label"]].values.tolist() == [["1", "hi", "positive"]]


def test_gzip_is_detected_by_content(tmp_path: Path) -> None:
    frame = read(write(tmp_path, "no-extension", gzip.compress(b"id,text\n1,zipped\n")))
    assert frame["text"].tolist() == ["zipped"]


def test_corrupt_gzip_keeps_the_rows_read_before_the_damage(tmp_path: Path) -> None:
    rows = "".join(f"{i},message number {i}\n" for i in range(20_000))
    data = gzip.compress(("id,text\n" + rows).encode())
    path = write(tmp_path, "broken.csv.gz", data[: len(data) // 2])
    store = LocalStore()
    request = ReadRequest(
        store.list_objects(str(path))[0], CONFIG.profile("tweets"), replace(CONFIG.etl, chunk_rows=1000)
    )
    seen: list[pd.DataFrame] = []
    with pytest.raises(InputError) as error:
        seen.extend(read_chunks(store, request))
    assert error.value.reason == "unreadable_object"
    assert "cannot be read past record" in str(error.value)
    read_rows = sum(len(chunk) for chunk in seen)
    assert 0 < read_rows < 20_000
    assert f"past record {read_rows}" in str(error.value)
    assert pd.concat(seen)["source_row"].tolist() == list(range(1, read_rows + 1))


def test_garbage_after_gzip_magic_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read past record 0"):
        read(write(tmp_path, "garbage.gz", b"\x1f\x8b" + b"not really gzip" * 10))


def test_chunks_are_bounded(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "id,text\n" + "".join(f"{i},t{i}\n" for i in range(2_500)))
    store = LocalStore()
    request = ReadRequest(
        store.list_objects(str(path))[0], CONFIG.profile("tweets"), replace(CONFIG.etl, chunk_rows=1000)
    )
    assert [len(chunk) for chunk in read_chunks(store, request)] == [1000, 1000, 500]


def test_unbalanced_quote_beyond_the_record_limit_is_an_object_error(tmp_path: Path) -> None:
    content = 'id,text\n1,fine\n2,"never closed\n' + "more text\n" * 500
    with pytest.raises(InputError, match=r"record starting at line 3 is larger than etl\.max_record_bytes"):
        read(write(tmp_path, "a.csv", content), max_record_bytes=1000)


def test_header_less_csv_with_configured_names_joins_text_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "reviews.csv", '2,"Great CD","Loved every song"\n1,Broken,"Stopped after a week"\n')
    frame = read(path, profile="amazon_reviews")
    assert frame["text"].tolist() == ["Great CD\nLoved every song", "Broken\nStopped after a week"]
    assert frame["label"].tolist() == ["2", "1"]


def test_json_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": 7, "text": "hi", "label": 1, "created_at": "2020-01-01T00:00:00Z", "extra": [1]}),
        "{not json",
        "[1, 2]",
        json.dumps({"id": "x", "text": ["a", "list"]}),
        "",
        json.dumps({"text": "no id"}),
    ]
    frame = read(write(tmp_path, "m.jsonl", "\n".join(lines) + "\n"))
    assert frame["source_row"].tolist() == [1, 2, 3, 4, 5]
    assert frame["read_error"].tolist() == [None, "unparseable_row", "unparseable_row", "unparseable_row", None]
    assert frame.loc[0, ["message_id", "text", "label", "created_at"]].tolist() == [
        "7",
        "hi",
        "1",
        "2020-01-01T00:00:00Z",
    ]
    assert "invalid JSON" in frame.loc[1, "read_detail"]
    assert "a JSON list, not an object" in frame.loc[2, "read_detail"]
    assert frame.loc[4, "message_id"] is None


def test_broken_unicode_escape_in_json_reaches_the_transform_intact(tmp_path: Path) -> None:
    frame = read(write(tmp_path, "m.jsonl", '{"text": "broken \\ud83d emoji"}\n'))
    assert frame["text"].tolist() == ["broken \ud83d emoji"]  # the transform quarantines it (encoding_error)


def test_oversized_json_line_is_skipped_alone(tmp_path: Path) -> None:
    lines = [json.dumps({"text": "x" * 5000}), json.dumps({"text": "next"})]
    frame = read(write(tmp_path, "m.jsonl", "\n".join(lines)), max_record_bytes=1000)
    assert frame["read_error"].tolist() == ["unparseable_row", None]
    assert frame.loc[1, "text"] == "next"


def test_format_detection() -> None:
    profile = CONFIG.profile("tweets")
    assert detect_format("a.jsonl.gz", profile, b"") == "jsonl"
    assert detect_format("a.csv", profile, b"{") == "csv"
    assert detect_format("dump", profile, b'  {"text": 1}') == "jsonl"
    assert detect_format("dump", CONFIG.profile("twcs"), b"{") == "csv"


def test_tweeteval_pairs_and_misaligned_label_files(tmp_path: Path) -> None:
    text = write(tmp_path, "val_text.txt", "first tweet \nsecond\nthird\n")
    labels = write(tmp_path, "val_labels.txt", "2\n0\n")
    frame = read(text, profile="tweeteval", companion=labels)
    assert frame["text"].tolist() == ["first tweet", "second", "third"]
    assert frame["label"].tolist() == ["2", "0", None]
    assert frame["read_detail"].tolist()[2] == "line 3: the labels file has no line for it"
    assert frame["split"].unique().tolist() == ["val"]
    assert frame["read_error"].tolist() == [None, None, "bad_label"]
    assert json.loads(frame.loc[0, "raw"]) == {"text": "first tweet", "label": "2"}


def test_stored_object_name() -> None:
    assert StoredObject("s3://bucket/incoming/tweets/file.csv", 1).name == "file.csv"


# --- customer content never reaches an error ------------------------------------------------------------

CARD = "4111 1111 1111 1111"
EMAIL = "jane.doe@example.com"
SECRETS = (CARD, "4111", "jane.doe", "example.com", "refund my order")
GARBAGE = random.Random(18).randbytes(4096)


def assert_content_free(message: str) -> None:
    """One printable line that quotes nothing of the hostile fixtures (text or bytes)."""
    assert "\n" not in message
    assert message.isprintable(), repr(message)
    for secret in SECRETS:
        assert secret not in message
    assert not re.search(r"\\x|\\u|0x[0-9a-f]{2}|b'", message), message  # raw bytes: escapes, hex, bytes repr


def read_error(path: Path, profile: str = "tweets") -> InputError:
    with pytest.raises(InputError) as error:
        read(path, profile)
    assert_content_free(str(error.value))
    return error.value


def test_a_headerless_file_names_the_missing_column_and_line_not_the_record(tmp_path: Path) -> None:
    path = write(tmp_path, "no_header.csv", f"{CARD},{EMAIL},refund my order\n17,{EMAIL},second\n")
    error = read_error(path)
    assert error.reason == "missing_columns"
    assert "needs column(s) 'text'" in str(error)
    assert "line 1" in str(error)
    assert "3 fields" in str(error)


def test_a_real_header_is_still_shown_by_its_column_names(tmp_path: Path) -> None:
    path = write(tmp_path, "body.csv", f"id,body,label\n1,card {CARD} mail {EMAIL} refund my order,positive\n")
    error = read_error(path)
    assert str(error).endswith("profile 'tweets' needs column(s) 'text', the file has ['id', 'body', 'label']")


def test_a_header_with_an_address_is_not_quoted(tmp_path: Path) -> None:
    path = write(tmp_path, "mixed.csv", f"id,{EMAIL},label\n1,x,positive\n")
    assert "needs column(s) 'text'" in str(read_error(path))


def test_a_headerless_profile_missing_its_keep_column_names_only_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "twcs.csv", f"tweet_id,author_id,created_at,{CARD}\n1,{EMAIL},x,y\n")
    error = read_error(path, "twcs")
    assert "'text'" in str(error)
    assert "'inbound'" in str(error)


def test_binary_garbage_is_never_quoted(tmp_path: Path) -> None:
    error = read_error(write(tmp_path, "garbage.csv", GARBAGE))
    assert error.reason == "missing_columns"
    assert "needs column(s) 'text'" in str(error)


def test_garbage_after_a_gzip_member_is_described_not_quoted(tmp_path: Path) -> None:
    data = gzip.compress(f"id,text\n1,{CARD}\n".encode()) + b"\xde\xad" + GARBAGE
    with pytest.raises(InputError) as error:
        read(write(tmp_path, "tail.csv.gz", data))
    assert "cannot be read past record" in str(error.value)
    assert_content_free(str(error.value))


def test_undecodable_utf16_is_described_by_position_only(tmp_path: Path) -> None:
    data = "id,text\n1,ok\n".encode("utf-16") + b"\x41"  # an odd byte out: "can't decode byte 0x41"
    with pytest.raises(InputError) as error:
        read(write(tmp_path, "wide.csv", data))
    assert "cannot be read past record" in str(error.value)
    assert_content_free(str(error.value))


def test_row_details_of_hostile_records_quote_nothing(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "1", "body": f"card {CARD}", "mail": EMAIL}),  # the text column is missing
        json.dumps({"id": "2", "text": "fine", "label": CARD}),
        json.dumps({"id": "3", "text": "fine", "split": EMAIL}),
        json.dumps({"id": "4", "text": "fine", "created_at": f"{CARD} refund my order"}),
        json.dumps({"id": "5", "text": {"card": CARD}}),
        f'{{"id": "6", "text": "{CARD} {EMAIL}"',
        GARBAGE[:200].replace(b"\n", b" ").decode("latin-1"),
    ]
    path = write(tmp_path, "hostile.jsonl", "\n".join(lines) + "\n")
    frame = read(path)
    context = ChunkContext(
        source="tweets", source_object=str(path), object_name=path.name, profile=CONFIG.profile("tweets"),
        splits=CONFIG.splits, settings=CONFIG.etl, now=dt.datetime(2026, 11, 22),
    )  # fmt: skip
    quarantine = curate_chunk(frame, context).quarantine
    assert quarantine["row_number"].tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert quarantine["reason"].tolist()[:4] == ["missing_text", "bad_label", "bad_split", "bad_timestamp"]
    for detail in quarantine["detail"]:
        assert_content_free(detail)
    assert "label" in quarantine["detail"][1]
    assert "created_at" in quarantine["detail"][3]


def test_short_label_like_values_are_still_named_in_row_details(tmp_path: Path) -> None:
    frame = read(write(tmp_path, "a.csv", "id,text,label,split\n1,fine,maybe,train\n2,fine,1,holdout\n"))
    context = ChunkContext(
        source="tweets", source_object="a.csv", object_name="a.csv", profile=CONFIG.profile("tweets"),
        splits=CONFIG.splits, settings=CONFIG.etl, now=dt.datetime(2026, 11, 22),
    )  # fmt: skip
    details = curate_chunk(frame, context).quarantine["detail"].tolist()
    assert "'maybe'" in details[0]
    assert "'holdout'" in details[1]


def test_deeply_nested_or_huge_json_values_are_unparseable_rows_not_crashes(tmp_path: Path) -> None:
    lines = ["[" * 200_000, '{"text": ' + "9" * 5000 + "}", json.dumps({"text": "next"})]
    frame = read(write(tmp_path, "deep.jsonl", "\n".join(lines) + "\n"))
    assert frame["read_error"].tolist() == ["unparseable_row", "unparseable_row", None]
    assert frame["read_detail"].tolist()[:2] == [
        "line 1: invalid JSON (nested too deeply)",
        "line 2: invalid JSON (a value out of range)",
    ]


def test_a_header_in_another_delimiter_is_shown_but_a_record_in_one_is_not(tmp_path: Path) -> None:
    shown = read_error(write(tmp_path, "semi.csv", "id;text;label\n1;hi;1\n"))
    assert "the file has ['id;text;label'] (the header looks ';'-delimited" in str(shown)
    hidden = read_error(write(tmp_path, "semi_record.csv", f"17;{CARD};{EMAIL}\n"))
    assert "line 1 (1 field) does not look like a header line" in str(hidden)
    assert "looks ';'-delimited" in str(hidden)


def test_a_run_of_hostile_files_records_and_logs_no_content(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    write(incoming, "no_header.csv", f"{CARD},{EMAIL},refund my order\n")
    write(incoming, "garbage.csv", GARBAGE)
    write(incoming, "tail.csv.gz", gzip.compress(f"id,text\n1,{CARD}\n".encode()) + b"\xde\xad" + GARBAGE)
    job = EtlJob(
        input_uri=str(incoming), output_root=str(tmp_path / "out"), profile=CONFIG.profile("tweets"),
        mode="predict", run_id="run-1", ingest_date="2026-11-22", config=CONFIG, now=dt.datetime(2026, 11, 22),
    )  # fmt: skip
    with caplog.at_level(logging.INFO, logger="pulso.etl"):
        manifest = run_etl(job, LocalStore(), LocalStore())
    assert manifest["status"] == "FAILED"
    errors = [obj["error"] for obj in manifest["objects"]]
    assert len(errors) == 3
    for error in errors:
        assert_content_free(error)
    quarantine = pd.concat(pd.read_parquet(path) for path in (tmp_path / "out").rglob("quarantine/**/*.parquet"))
    for detail in quarantine["detail"]:
        assert_content_free(detail)
    for record in caplog.records:
        assert_content_free(record.getMessage())
