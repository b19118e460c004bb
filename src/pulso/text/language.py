"""A small, fast language guess (English / Spanish) from normalised tokens.

Support channels at Pulso's customers write in English and Spanish; anything else is reported as unknown
(None). The guess counts frequent function words that belong to one language only, plus Spanish-only
characters, so it costs a set lookup per token.
"""

from __future__ import annotations

from collections.abc import Sequence

_ENGLISH = frozenset(
    [
        "the",
        "and",
        "is",
        "are",
        "was",
        "were",
        "you",
        "your",
        "i",
        "my",
        "it",
        "this",
        "that",
        "with",
        "for",
        "have",
        "has",
        "not",
        "but",
        "they",
        "we",
        "what",
        "when",
        "why",
        "how",
        "can",
        "can't",
        "don't",
        "it's",
        "i'm",
        "just",
        "will",
        "would",
        "there",
        "their",
        "from",
        "about",
        "been",
        "be",
        "do",
        "does",
        "did",
        "of",
        "to",
        "in",
        "on",
        "at",
        "our",
        "an",
        "or",
        "so",
        "if",
        "get",
        "got",
    ]
)
_SPANISH = frozenset(
    [
        "el",
        "la",
        "los",
        "las",
        "que",
        "de",
        "del",
        "y",
        "es",
        "en",
        "un",
        "una",
        "por",
        "para",
        "con",
        "mi",
        "mis",
        "tu",
        "su",
        "sus",
        "pero",
        "muy",
        "ya",
        "está",
        "esta",
        "este",
        "son",
        "hay",
        "tengo",
        "tiene",
        "como",
        "más",
        "qué",
        "cuando",
        "porque",
        "nos",
        "les",
        "lo",
        "al",
        "sin",
        "también",
        "gracias",
        "hola",
        "servicio",
        "ayuda",
        "desde",
        "hace",
        "todo",
        "nada",
    ]
)
_SPANISH_CHARS = frozenset("ñ¿¡áéíóú")


def detect_language(tokens: Sequence[str]) -> str | None:
    """'en', 'es', or None when the tokens give no clear signal."""
    english = spanish = 0
    for token in tokens:
        if token in _ENGLISH:
            english += 1
        elif token in _SPANISH or not _SPANISH_CHARS.isdisjoint(token):
            spanish += 1
    if english == spanish:
        return None
    return "en" if english > spanish else "es"
