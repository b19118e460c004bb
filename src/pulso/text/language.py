"""A small, fast language guess (English / Spanish) from normalised text.

Support channels at Pulso's customers write in English and Spanish; anything else is reported as unknown
(None). The guess counts frequent function words that belong to one language only, plus Spanish-only
characters, with set operations over the distinct tokens.
"""

from __future__ import annotations

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
_SPANISH_CHARS = "ñ¿¡áéíóú"


def detect_language(text_clean: str) -> str | None:
    """'en', 'es', or None when the normalised text gives no clear signal."""
    words = set(text_clean.split())
    english = len(words & _ENGLISH)
    spanish = len(words & _SPANISH)
    if not spanish and any(char in text_clean for char in _SPANISH_CHARS):
        spanish = 1
    if english == spanish:
        return None
    return "en" if english > spanish else "es"
