"""The run report in a real browser: headless Chromium opens a full report, takes a full-page screenshot, and the
test fails on any console error, uncaught exception or network request (the page must be self-contained).

Console errors are read from the DevTools protocol over `--remote-debugging-pipe` (file descriptors 3 and 4,
NUL-separated JSON; standard library only): `Runtime.consoleAPICalled` of type error/assert,
`Runtime.exceptionThrown` and `Log.entryAdded` at level error (failed loads, CSP violations). Two small pages that
do produce errors prove the detector catches them.

Chromium is the Debian package `chromium`. When it is not on the PATH, the fixture installs it with apt-get if it
runs as root, otherwise skips (or fails under `PULSO_REQUIRE_CHROMIUM=1`).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import random
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from glue_jobs.report.html import ReportData, render_report
from tests.conftest import require

REQUIRED_BY = "PULSO_REQUIRE_CHROMIUM"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-extensions",
    "--disable-sync",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)
VIEWPORT = (1280, 900)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Copies above 9 first, so that putting one end on fd 3 or 4 never overwrites the other end.
LAUNCHER = (
    "import fcntl, os, sys\n"
    "commands, replies = (fcntl.fcntl(int(fd), fcntl.F_DUPFD, 10) for fd in sys.argv[1:3])\n"
    "os.dup2(commands, 3)\n"
    "os.dup2(replies, 4)\n"
    "os.execv(sys.argv[3], sys.argv[3:])\n"
)


# ---------------------------------------------------------------------------------------------- Chromium


def _find_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _install_chromium() -> str:
    """apt-get install chromium (Debian); the failure's tail when it does not work."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=1200)
        if result.returncode != 0:
            return f"{' '.join(argv)} failed: {(result.stderr or result.stdout)[-500:]}"
    return ""


@pytest.fixture(scope="module")
def chromium() -> str:
    found = _find_chromium()
    if found:
        return found
    require(os.geteuid() == 0, "chromium is not on the PATH and installing it needs root", REQUIRED_BY)
    require(shutil.which("apt-get") is not None, "chromium is not on the PATH and there is no apt-get", REQUIRED_BY)
    problem = _install_chromium()
    require(not problem, f"could not install chromium: {problem}", REQUIRED_BY)
    found = _find_chromium()
    require(found is not None, "chromium is still not on the PATH after apt-get install chromium", REQUIRED_BY)
    assert found is not None
    return found


# ---------------------------------------------------------------------------------------------- DevTools client


@dataclass
class PageVisit:
    """What happened while one page loaded."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    screenshot: bytes = b""
    evaluated: dict[str, Any] = field(default_factory=dict)


class DevTools:
    """A minimal Chrome DevTools protocol client over `--remote-debugging-pipe`."""

    def __init__(self, binary: str, profile_dir: Path) -> None:
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()
        # The browser reads commands from fd 3 and writes replies and events to fd 4: a tiny launcher puts the
        # pipe ends there, then becomes the browser.
        argv = [
            sys.executable, "-c", LAUNCHER, str(to_browser_read), str(from_browser_write), binary, *CHROMIUM_FLAGS,
            f"--user-data-dir={profile_dir}", f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}", "about:blank",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            argv,
            pass_fds=(to_browser_read, from_browser_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._events: list[dict[str, Any]] = []
        self._next_id = 0
        self._stderr_tail: list[bytes] = []
        self._threads = [
            threading.Thread(target=self._read_messages, daemon=True),
            threading.Thread(target=self._drain_stderr, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _read_messages(self) -> None:
        buffer = b""
        with os.fdopen(self._from_browser, "rb", buffering=0) as stream:
            while chunk := stream.read(65536):
                buffer += chunk
                *complete, buffer = buffer.split(b"\0")
                for raw in complete:
                    self._messages.put(json.loads(raw))
        self._messages.put(None)

    def _drain_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._stderr_tail = [*self._stderr_tail[-40:], line]

    def stderr_tail(self) -> str:
        return b"".join(self._stderr_tail).decode("utf-8", "replace")

    def _receive(self, deadline: float) -> dict[str, Any]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no answer from chromium in time")
        try:
            message = self._messages.get(timeout=remaining)
        except queue.Empty:
            raise TimeoutError(f"no answer from chromium in time; stderr:\n{self.stderr_tail()}") from None
        if message is None:
            raise RuntimeError(f"chromium closed the DevTools pipe; stderr:\n{self.stderr_tail()}")
        return message

    def send(self, method: str, params: Mapping[str, Any] | None = None, session: str | None = None,
             timeout: float = 30) -> dict[str, Any]:  # fmt: skip
        """Send one command and wait for its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        command: dict[str, Any] = {"id": self._next_id, "method": method, "params": dict(params or {})}
        if session:
            command["sessionId"] = session
        os.write(self._to_browser, json.dumps(command).encode("utf-8") + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline)
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method} failed: {message['error']}")
                return message.get("result", {})
            self._events.append(message)

    def mark(self) -> int:
        """A position in the event log, for `wait_for(since=...)`."""
        return len(self._events)

    def wait_for(self, method: str, session: str, since: int = 0, timeout: float = 30) -> None:
        """Wait for an event of this session that arrived after `since` (it may have arrived already)."""
        deadline = time.monotonic() + timeout
        seen = since
        while True:
            for event in self._events[seen:]:
                if event.get("method") == method and event.get("sessionId") == session:
                    return
            seen = len(self._events)
            self._events.append(self._receive(deadline))

    def settle(self, seconds: float) -> None:
        """Collect the events that arrive within `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                message = self._receive(deadline)
            except TimeoutError:
                return
            self._events.append(message)

    def events(self, session: str) -> list[dict[str, Any]]:
        return [event for event in self._events if event.get("sessionId") == session]

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.send("Browser.close", timeout=10)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)  # the browser's own process group (start_new_session)
            self.process.wait(timeout=15)
        os.close(self._to_browser)
        for thread in self._threads:
            thread.join(timeout=15)
        assert self.process.stderr is not None
        self.process.stderr.close()


def console_errors(events: list[dict[str, Any]]) -> list[str]:
    """The console errors, uncaught exceptions and error log entries among a page's DevTools events."""
    errors = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            values = [str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", [])]
            errors.append(f"console.{params['type']}: {' '.join(values)}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            description = details.get("exception", {}).get("description") or details.get("text", "")
            errors.append(f"uncaught exception: {description}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            errors.append(f"log error ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}".strip())
    return errors


PAGE_CHECKS = """JSON.stringify({
  sections: Array.from(document.querySelectorAll("header[id], main > section[id]")).map(e => e.id),
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  svgs: document.querySelectorAll("svg").length,
  scripts: document.scripts.length,
  title: document.title
})"""


def visit(devtools: DevTools, page: Path, screenshot: bool = False) -> PageVisit:
    """Open `page` in a new tab, wait for it to load and settle, and tell what happened."""
    target = devtools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = devtools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        devtools.send(f"{domain}.enable", session=session)
    devtools.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": VIEWPORT[0], "height": VIEWPORT[1], "deviceScaleFactor": 1, "mobile": False},
        session,
    )
    since = devtools.mark()
    devtools.send("Page.navigate", {"url": page.as_uri()}, session)
    devtools.wait_for("Page.loadEventFired", session, since)
    devtools.settle(0.5)
    result = PageVisit()
    events = devtools.events(session)
    result.errors = console_errors(events)
    result.requests = [
        event["params"]["request"]["url"] for event in events if event.get("method") == "Network.requestWillBeSent"
    ]
    evaluated = devtools.send("Runtime.evaluate", {"expression": PAGE_CHECKS, "returnByValue": True}, session)
    result.evaluated = json.loads(evaluated["result"]["value"])
    if screenshot:
        size = devtools.send("Page.getLayoutMetrics", session=session)["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": VIEWPORT[0], "height": size["height"], "scale": 1}
        shot = devtools.send(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}, session, 60
        )
        result.screenshot = base64.b64decode(shot["data"])
    devtools.send("Target.closeTarget", {"targetId": target})
    return result


@pytest.fixture(scope="module")
def devtools(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    client = DevTools(chromium, tmp_path_factory.mktemp("chromium-profile"))
    try:
        client.send("Browser.getVersion", timeout=60)
        yield client
    finally:
        client.close()


# ---------------------------------------------------------------------------------------------- a full report


def realistic_report() -> ReportData:
    """A run as the pipeline would describe it: a month of predictions, hostile text, a drift warning."""
    rng = random.Random(20261122)
    labels = ("negative", "neutral", "positive")
    days = [
        {"day": f"2026-10-{day:02d}", "negative": rng.randint(40, 160), "neutral": rng.randint(60, 200),
         "positive": rng.randint(20, 120)}
        for day in range(23, 32)
    ] + [
        {"day": f"2026-11-{day:02d}", "negative": rng.randint(40, 160), "neutral": rng.randint(60, 200),
         "positive": rng.randint(20, 120)}
        for day in range(1, 23)
    ]  # fmt: skip
    days.append({"day": None, "negative": 12, "neutral": 30, "positive": 4})
    sources = [
        {"source": source, "negative": rng.randint(200, 2500), "neutral": rng.randint(300, 3000),
         "positive": rng.randint(100, 1500)}
        for source in ("tweets", "reviews", "complaints-portal", "email <support@example.org>")
    ]  # fmt: skip
    texts = [
        "@AcmeSupport my order #88231 never arrived and nobody answers the phone. Third time I write!!!",
        "<script>alert('xss')</script> your app deleted all my photos & I want a refund NOW",
        "Waited 3 hours on hold \u2014 this is the worst customer service I've ever had. Cancelling.",
        "Package arrived damaged, box soaked. Need a replacement before Friday, it's a gift. " * 3,
        "¿Dónde está mi pedido? Llevo dos semanas esperando y nadie responde",
        'Charged twice for the same subscription "Premium" plan, please fix',
    ]
    queue = [
        {
            "priority": round(0.99 - index * 0.013, 4),
            "label_name": "negative" if index < 20 else "neutral",
            "confidence": round(0.97 - index * 0.01, 4),
            "created_at": f"2026-11-22 {8 + index // 4:02d}:{(index * 7) % 60:02d}:00.000",
            "author_id": f"customer_{1000 + index}" if index != 3 else '"quoted" & <b>bold</b>',
            "source": rng.choice(["tweets", "reviews", "complaints-portal"]),
            "text": texts[index % len(texts)],
            "message_id": f"m-{rng.randrange(10**9):09d}",
        }
        for index in range(25)
    ]
    history = [
        {"epoch": epoch, "train_loss": round(1.1 - 0.09 * epoch, 3),
         "val_macro_recall": round(0.59 + 0.33 * (1 - 0.6**epoch), 4), "val_accuracy": 0.6, "seconds": 0.7}
        for epoch in range(1, 9)
    ]  # fmt: skip
    per_class = {
        "negative": {"precision": 0.963, "recall": 0.8525, "f1": 0.9043, "support": 61},
        "neutral": {"precision": 0.8537, "recall": 0.9722, "f1": 0.9091, "support": 36},
        "positive": {"precision": 0.8788, "recall": 0.9355, "f1": 0.9062, "support": 31},
    }
    test_metrics = {
        "macro_recall": 0.9201, "macro_f1": 0.9065, "accuracy": 0.9062, "examples": 128, "per_class": per_class,
        "labels": list(labels), "confusion_matrix": [[52, 5, 4], [1, 35, 0], [1, 1, 29]],
    }  # fmt: skip
    evaluation = {
        "model_id": "run-2026-11-22-train-0",
        "primary_metric": "macro_recall",
        "metrics": {"validation": {**test_metrics, "macro_recall": 0.9113, "examples": 162}, "test": test_metrics},
        "embedding": {"source": "glove-twitter-100d", "dimension": 100, "vocabulary_size": 50826,
                      "out_of_vocabulary": {"train": 0.0, "validation": 0.0176, "test": 0.0212}},
        "data": {"train": 1200, "validation": 162, "test": 128},
        "training": {"seconds": 6.4, "epochs_run": 8, "stopped_early": False, "history": history},
    }  # fmt: skip
    objects = [
        {"uri": "s3://pulso-dev-raw/incoming/2026/11/22/tweets-part-0001.csv.gz", "read": 20000, "curated": 19140,
         "quarantined": 610, "duplicates": 250, "error": None},
        {"uri": "s3://pulso-dev-raw/incoming/2026/11/22/reviews.jsonl", "read": 5800, "curated": 5530,
         "quarantined": 190, "duplicates": 80, "error": None},
        {"uri": "s3://pulso-dev-raw/incoming/2026/11/22/broken <&>.csv.gz", "read": 1, "curated": 0,
         "quarantined": 1, "duplicates": 0, "error": "unreadable_object: Not a gzipped file (b'PK')"},
    ]  # fmt: skip
    totals = {key: sum(obj[key] for obj in objects) for key in ("read", "curated", "quarantined", "duplicates")}
    totals["labelled"] = 1490
    run = {
        "run_id": "pulso-2026-11-22T06-00-00-a1b2c3", "mode": "train_and_predict", "profile": "tweets",
        "input": "s3://pulso-dev-raw/incoming/2026/11/22/", "status": "SUCCEEDED",
        "started_at": "2026-11-22 06:00:00.123", "finished_at": "2026-11-22 06:14:37.901",
        "rows_read": totals["read"], "curated": totals["curated"], "quarantined": totals["quarantined"],
        "duplicates": totals["duplicates"], "labelled": 1490, "model_version": "pulso-dev-sentiment/7",
        "candidate_macro_recall": 0.9201, "champion_macro_recall": 0.9012, "gate_decision": "approved",
        "gate_reason": "candidate macro_recall 0.9201 >= champion 0.9012 + 0.005", "predictions": 24670,
        "drift_status": "warning", "drift_warnings": "label_mix 0.2100 > 0.1500; oov_rate 0.1200 > 0.0500",
    }  # fmt: skip
    drift = {
        "status": "warning",
        "model_version": "pulso-dev-sentiment/7",
        "checks": [
            {"name": "label_mix", "description": "total variation distance between the predicted label mix and "
             "the training label mix", "value": 0.21, "threshold": 0.15, "breached": True},
            {"name": "oov_rate", "description": "out-of-vocabulary rate minus the training rate", "value": 0.12,
             "threshold": 0.05, "breached": True},
            {"name": "mean_tokens", "description": "relative change of the mean message length", "value": 0.06,
             "threshold": 0.25, "breached": False},
        ],
        "current": {"messages": 24670, "label_mix": {"negative": 0.5, "neutral": 0.3, "positive": 0.2},
                    "mean_tokens": 14.2, "oov_rate": 0.14, "language_mix": {"en": 0.9, "es": 0.05, "unknown": 0.05}},
        "reference": {"messages": 45000, "label_mix": {"negative": 0.33, "neutral": 0.45, "positive": 0.22},
                      "mean_tokens": 15.1, "oov_rate": 0.02, "language_mix": {"en": 0.97, "unknown": 0.03}},
    }  # fmt: skip
    return ReportData(
        run=run,
        label_names=labels,
        accounting={"totals": totals, "objects": objects},
        quarantine_reasons=[
            {"reason": "missing_text", "count": 402, "example": "row 17: text is blank"},
            {"reason": "bad_timestamp", "count": 211, "example": "created_at 'yesterday' cannot be parsed"},
            {"reason": "encoding_error", "count": 150, "example": "row 90: invalid UTF-8 byte 0xe9 <script>"},
            {"reason": "text_too_long", "count": 37, "example": "text of 5,311 characters > 5,000"},
            {"reason": "unreadable_object", "count": 1, "example": "broken <&>.csv.gz: Not a gzipped file"},
        ],
        evaluation=evaluation,
        sentiment_by_day=days,
        sentiment_by_source=sources,
        support_queue=queue,
        drift=drift,
        generated_at="2026-11-22 06:15:02",
    )


@pytest.fixture(scope="module")
def report_visit(devtools: DevTools, tmp_path_factory: pytest.TempPathFactory) -> PageVisit:
    folder = tmp_path_factory.mktemp("report")
    page = folder / "report.html"
    page.write_text(render_report(realistic_report()), encoding="utf-8")
    result = visit(devtools, page, screenshot=True)
    (folder / "report.png").write_bytes(result.screenshot)
    return result


# ---------------------------------------------------------------------------------------------- tests


@pytest.mark.slow
def test_the_report_renders_without_console_errors(report_visit: PageVisit) -> None:
    assert report_visit.errors == []


@pytest.mark.slow
def test_the_report_loads_nothing_but_itself(report_visit: PageVisit) -> None:
    assert len(report_visit.requests) == 1
    assert report_visit.requests[0].startswith("file://")
    assert report_visit.requests[0].endswith("/report.html")
    assert report_visit.evaluated["scripts"] == 0


@pytest.mark.slow
def test_the_screenshot_is_a_full_page_png(report_visit: PageVisit) -> None:
    shot = report_visit.screenshot
    assert shot.startswith(PNG_MAGIC)
    width, height = int.from_bytes(shot[16:20], "big"), int.from_bytes(shot[20:24], "big")
    assert width == VIEWPORT[0]
    assert height > 2 * VIEWPORT[1]  # the whole report, not just the first screen
    assert len(shot) > 100_000  # charts, tables and text, not a blank page


@pytest.mark.slow
def test_the_browser_sees_every_section_in_order_and_no_horizontal_overflow(report_visit: PageVisit) -> None:
    checks = report_visit.evaluated
    assert checks["sections"] == ["run", "summary", "quarantine", "evaluation", "sentiment", "support-queue", "drift"]
    assert checks["title"] == "Pulso run pulso-2026-11-22T06-00-00-a1b2c3"
    assert checks["svgs"] >= 6
    assert checks["scrollWidth"] <= checks["innerWidth"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ('console.error("boom")', "console.error: boom"),
        ('throw new Error("kaput")', "uncaught exception: Error: kaput"),
    ],
)
def test_the_detector_catches_console_errors(devtools: DevTools, tmp_path: Path, script: str, expected: str) -> None:
    page = tmp_path / "error.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>error</title></head>'
        f"<body><p>page with an error</p><script>{script}</script></body></html>",
        encoding="utf-8",
    )
    errors = visit(devtools, page).errors
    assert len(errors) == 1
    assert errors[0].startswith(expected)


@pytest.mark.slow
def test_the_detector_ignores_console_log(devtools: DevTools, tmp_path: Path) -> None:
    page = tmp_path / "log.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>log</title></head>'
        '<body><script>console.log("fine"); console.info("also fine")</script></body></html>',
        encoding="utf-8",
    )
    assert visit(devtools, page).errors == []


@pytest.mark.slow
def test_the_report_of_a_real_local_run_renders_cleanly(devtools: DevTools, tmp_path: Path) -> None:
    """The report the pipeline itself wrote (not synthetic data), opened from the workspace."""
    overlay = tmp_path / "fast.json"
    hyperparameters = {"epochs": 3, "hidden_size": 32, "glove_top_words": 5000, "patience": 2}
    overlay.write_text(json.dumps({"pipeline": {"hyperparameters": hyperparameters, "quality_gate": {"floor": 0.4}}}))
    env = {**os.environ, "PULSO_HOME": str(tmp_path / "home"), "PULSO_CONFIG": str(overlay)}
    command = [sys.executable, "-m", "pulso_local.cli"]
    run = subprocess.run([*command, "run"], env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    found = subprocess.run([*command, "report"], env=env, capture_output=True, text=True, timeout=60)
    assert found.returncode == 0, found.stderr
    page = Path(found.stdout.strip())
    result = visit(devtools, page, screenshot=True)
    assert result.errors == []
    assert [url for url in result.requests if url != page.as_uri()] == []
    assert result.screenshot.startswith(b"\x89PNG")
    (tmp_path / "real-report.png").write_bytes(result.screenshot)


@pytest.mark.slow
def test_the_topic_report_renders_cleanly_in_the_browser(devtools: DevTools, tmp_path: Path) -> None:
    """A discovery run's cluster report (12 clusters, 4,000 points on the map): no error, no request, no overflow."""
    from glue_jobs.discover.topic_report import render_topic_report
    from tests.unit.test_topic_report_html import synthetic_report

    page = tmp_path / "topics.html"
    page.write_text(render_topic_report(synthetic_report(clusters=12, points=4000)), encoding="utf-8")
    result = visit(devtools, page, screenshot=True)
    (tmp_path / "topics.png").write_bytes(result.screenshot)
    assert result.errors == []
    assert result.requests == [page.as_uri()]
    checks = result.evaluated
    assert checks["sections"] == ["run", "messages", "approve", "k-selection", "map", "clusters", "details"]
    assert checks["title"] == "Pulso topics topics-20261123-0600-ab12"
    assert checks["scripts"] == 0
    assert checks["svgs"] == 2  # the silhouette chart and the map
    assert checks["scrollWidth"] <= checks["innerWidth"]
    assert result.screenshot.startswith(PNG_MAGIC)
    assert int.from_bytes(result.screenshot[20:24], "big") > 3 * VIEWPORT[1]
