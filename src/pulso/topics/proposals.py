"""Proposed names for discovered clusters, each with a confidence from its evidence, and how they are offered.

A proposal comes from the strongest evidence there is:
- current: `match_share`+ of the cluster falls into one currently approved category -> that name; the
  confidence is that share;
- configured: a name of `topics.category_map.names` whose signature shares 2+ of the cluster's top terms ->
  that name; the confidence is the share of the configured signature's terms matched by *specific* top terms
  (generic words such as "help" or "issue", `topics.proposals.generic_terms`, match nearly any cluster);
- top terms: the cluster's first `signature_terms` terms -> a description, not a name anybody chose; the
  confidence is half the share of those terms that are specific.

A proposal below `topics.proposals.doubtful_below` is doubtful: the review and the report mark it, the draft
approval leaves its name empty for the analyst to fill, and the approve command shown leaves it out.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulso.topics.category_map import OTHER
from pulso.topics.settings import TopicSettings

DESCRIPTION_WEIGHT = 0.5  # a name made of top terms is at most half as credible as one a person chose
_HINT_CLUSTERS = 3  # clusters named in the approve command shown


@dataclass(frozen=True)
class Proposal:
    """A proposed name, why it was proposed, and how much the evidence supports it."""

    name: str
    reason: str
    confidence: float  # in [0, 1]
    doubtful: bool
    is_current: bool  # the name of a currently approved category


def _specific(terms: Sequence[str], settings: TopicSettings) -> list[str]:
    generic = set(settings.generic_terms)
    return [term for term in terms if term not in generic]


def _confidence(value: float) -> float:
    return round(min(max(value, 0.0), 1.0), 3)


def propose(
    cluster_terms: Sequence[Mapping[str, Any]], current: Sequence[Mapping[str, Any]], settings: TopicSettings
) -> Proposal:
    """The proposal for a cluster with these top terms (best first) and this current-category mix."""

    def made(name: str, reason: str, confidence: float, is_current: bool = False) -> Proposal:
        confidence = _confidence(confidence)
        doubtful = confidence < settings.doubtful_below
        if doubtful:
            reason += f"; doubtful: confidence {confidence:.2f} < {settings.doubtful_below:.2f}"
        return Proposal(name, reason, confidence, doubtful, is_current)

    if current and current[0]["name"] != OTHER and current[0]["share"] >= settings.match_share:
        share = float(current[0]["share"])
        return made(current[0]["name"], f"matches current category '{current[0]['name']}' ({share:.0%})", share, True)
    top = [str(item["term"]) for item in cluster_terms[: settings.top_terms]]
    for configured, name in sorted(settings.category_map.get("names", {}).items()):
        wanted = configured.split("+")
        shared = sorted(set(top) & set(wanted))
        if len(shared) >= 2:
            specific = _specific(shared, settings)
            generic = sorted(set(shared) - set(specific))
            reason = f"configured name for signature {configured} (shares {', '.join(shared)}"
            reason += f"; generic: {', '.join(generic)})" if generic else ")"
            return made(name, reason, len(specific) / len(set(wanted)))
    words = top[: settings.signature_terms]
    if not words:
        return made("Unnamed", "no terms", 0.0)
    name = " / ".join(words).capitalize()
    confidence = DESCRIPTION_WEIGHT * len(_specific(words, settings)) / len(words)
    return made(name, "top terms (no current category matches)", confidence)


def is_doubtful(cluster: Mapping[str, Any]) -> bool:
    """Whether a report's cluster carries a doubtful proposal (a report without confidences: all are)."""
    return bool(cluster.get("proposal_doubtful", True)) or not str(cluster.get("proposed_name") or "").strip()


def draft_names(clusters: Sequence[Mapping[str, Any]]) -> dict[str, str | None]:
    """An approval's `names` for the analyst to edit: confident proposals filled in, doubtful ones empty (the
    approval is rejected until each is named or set to null), clusters with no proposal null."""
    names: dict[str, str | None] = {}
    for cluster in clusters:
        proposed = str(cluster.get("proposed_name") or "").strip()
        names[str(cluster["cluster"])] = None if not proposed else "" if is_doubtful(cluster) else proposed
    return names


def approve_command(run_id: str, clusters: Sequence[Mapping[str, Any]]) -> str:
    """A shell command approving the first confident proposals, every value quoted for a POSIX shell."""
    confident = [cluster for cluster in clusters if not is_doubtful(cluster)][:_HINT_CLUSTERS]
    words = ["pulso", "topics", "approve", "--run", run_id]
    for cluster in confident:
        words += ["--name", f"{cluster['cluster']}={cluster['proposed_name']}"]
    if not confident:
        words += ["--name", "ID=NAME"]
    return shlex.join(words)
