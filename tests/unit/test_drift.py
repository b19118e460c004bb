"""Drift profiles and checks (pulso.drift), their thresholds in the configuration, and catalog partitions."""

from __future__ import annotations

import pytest

from glue_jobs.publish.drift_check import metric_data, not_checked
from pulso.config import load_config
from pulso.drift import DataProfile, DriftThresholds, build_profile, compare, oov_rate, total_variation, warnings
from pulso.errors import ConfigError

NAMES = ("negative", "neutral", "positive")
LOOSE = DriftThresholds(label_mix=0.5, oov_rate_increase=0.5, mean_tokens_change=0.5, language_mix=0.5)


def profile(labels: list[str], languages: list[str | None], tokens: list[list[str]], oov: float | None) -> DataProfile:
    return build_profile(tokens, labels, languages, NAMES, oov)


def test_a_profile_counts_shares_lengths_and_unknown_languages() -> None:
    built = profile(["negative", "negative", "positive", "neutral"], ["en", None, "es", "en"],
                    [["a", "b"], ["c"], [], ["d", "e", "f"]], oov=0.25)  # fmt: skip
    assert built.messages == 4
    assert built.label_mix == {"negative": 0.5, "neutral": 0.25, "positive": 0.25}
    assert built.mean_tokens == 1.5
    assert built.language_mix == {"en": 0.5, "es": 0.25, "unknown": 0.25}
    assert DataProfile.from_dict(built.to_dict()) == built


def test_oov_rate_counts_tokens_not_types() -> None:
    assert oov_rate([["a", "a", "b"], ["zz"]], {"a", "b"}) == 0.25
    assert oov_rate([[], []], {"a"}) is None


def test_total_variation_is_half_the_l1_distance_over_all_keys() -> None:
    assert total_variation({"a": 1.0}, {"b": 1.0}) == 1.0
    assert total_variation({"a": 0.5, "b": 0.5}, {"a": 0.5, "b": 0.5}) == 0.0
    assert total_variation({"a": 0.7, "b": 0.3}, {"a": 0.4, "b": 0.6}) == pytest.approx(0.3)


def test_each_check_breaches_only_above_its_threshold() -> None:
    reference = profile(["negative", "positive"] * 50, ["en"] * 100, [["w"] * 10] * 100, oov=0.02)
    same = compare(reference, reference, LOOSE, "g/1")
    assert same["status"] == "ok"
    assert [check["value"] for check in same["checks"]] == [0.0, 0.0, 0.0, 0.0]
    assert warnings(same) == []

    shifted = profile(["negative"] * 90 + ["positive"] * 10, ["es"] * 100, [["w"] * 20] * 100, oov=0.30)
    strict = DriftThresholds(label_mix=0.3, oov_rate_increase=0.3, mean_tokens_change=0.99, language_mix=0.99)
    drift = compare(shifted, reference, strict, "g/1")
    values = {check["name"]: (check["value"], check["breached"]) for check in drift["checks"]}
    assert values == {"label_mix": (0.4, True), "oov_rate": (0.28, False), "mean_tokens": (1.0, True),
                      "language_mix": (1.0, True)}  # fmt: skip
    assert drift["status"] == "warning"
    assert warnings(drift) == [
        "label_mix 0.4000 > 0.3000",
        "mean_tokens 1.0000 > 0.9900",
        "language_mix 1.0000 > 0.9900",
    ]
    assert drift["model_version"] == "g/1"


def test_an_unknown_oov_rate_is_not_a_breach() -> None:
    reference = profile(["negative"], ["en"], [["w"]], oov=None)
    drift = compare(reference, reference, LOOSE, None)
    assert drift["checks"][1] == {**drift["checks"][1], "value": None, "breached": False}


def test_metrics_give_each_checked_value_and_the_breach_count() -> None:
    reference = profile(["negative", "positive"], ["en", "en"], [["w"], ["w"]], oov=0.1)
    current = profile(["negative", "negative"], ["en", "en"], [["w"], ["w"]], oov=None)
    strict = DriftThresholds(label_mix=0.1, oov_rate_increase=0.1, mean_tokens_change=0.1, language_mix=0.1)
    data = {item["MetricName"]: item["Value"] for item in metric_data(compare(current, reference, strict, None), "dev")}
    assert data == {"Drift_label_mix": 0.5, "Drift_mean_tokens": 0.0, "Drift_language_mix": 0.0, "DriftBreaches": 1.0}
    assert not_checked("no predictions")["status"] == "not_checked"


@pytest.mark.parametrize(("thresholds", "problem"), [
    ({"label_mix": 0}, "must be a share in (0, 1]"),
    ({"label_mix": 1.5}, "must be a share in (0, 1]"),
    ({"surprise": 0.1}, "surprise"),
])  # fmt: skip
def test_drift_thresholds_are_validated(thresholds: dict[str, float], problem: str) -> None:
    with pytest.raises(ConfigError, match=problem.replace("(", r"\(").replace("]", r"\]")):
        load_config({"pipeline": {"drift": thresholds}})
