"""GloVe-Twitter style text normaliser: the one used by ETL, training and inference alike.

`normalise(text)` returns space-separated tokens. It follows the preprocessing that produced the GloVe
Twitter vectors, so tokens line up with that vocabulary:

- `@name` -> `<user>`; links -> `<url>`; numbers -> `<number>`; `<3` -> `<heart>`
- `#CamelCaseTag` -> `<hashtag> camel case tag` (an all-caps tag keeps one word and gets `<allcaps>`)
- emoticons -> `<smile>` `<lolface>` `<sadface>` `<neutralface>`
- `!!!`, `?!?`, `...`, `…` -> the first mark and `<repeat>`; other runs of one punctuation mark collapse to one
- a letter repeated 3+ times -> `<elong>` after the word (collapsed to one letter at the end of the word, as
  GloVe Twitter does, and to two inside it: `sooo` -> `so`, `goooood` -> `good`)
- an all-caps word (2+ letters) -> the word lowercased and `<allcaps>`
- emoji stay as tokens (variation selectors and skin tones dropped, joiner sequences and flags kept whole)
- literal `\\uXXXX` escapes and HTML entities are decoded, control and invisible format characters dropped,
  text NFC-composed and lowercased; accents are kept, so Spanish works.

Contract (property-tested): never raises on any `str`; deterministic; idempotent
(`normalise(normalise(t)) == normalise(t)`); output has no leading, trailing or doubled spaces.
Only the standard library is used: this module is bundled into every AWS artifact.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

from pulso.text._unicode_tables import FORMAT_CHARS, MARKS

USER = "<user>"
URL = "<url>"
HASHTAG = "<hashtag>"
NUMBER = "<number>"
REPEAT = "<repeat>"
ELONG = "<elong>"
ALLCAPS = "<allcaps>"
SMILE = "<smile>"
SADFACE = "<sadface>"
LOLFACE = "<lolface>"
NEUTRALFACE = "<neutralface>"
HEART = "<heart>"
SPECIAL_TOKENS = (
    USER,
    URL,
    HASHTAG,
    NUMBER,
    REPEAT,
    ELONG,
    ALLCAPS,
    SMILE,
    SADFACE,
    LOLFACE,
    NEUTRALFACE,
    HEART,
)

# --- decoding -------------------------------------------------------------------------------------------

_ESCAPED_CODE_UNITS = re.compile(r"(?:\\u[0-9a-fA-F]{4})+")
_ESCAPED_QUOTE = re.compile(r"\\([\"'])")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_FORMAT = re.compile(f"[{FORMAT_CHARS}]")


def _decode_code_units(match: re.Match[str]) -> str:
    """Decode a run of `\\uXXXX` escapes as UTF-16 code units, so escaped surrogate pairs become one emoji."""
    units = bytes.fromhex("".join(code[2:] for code in re.findall(r"\\u[0-9a-fA-F]{4}", match.group())))
    # Big-endian pairs of bytes; unpaired surrogates become U+FFFD instead of raising.
    return units.decode("utf-16-be", errors="replace")


def decode_text(text: str) -> str:
    """Undo transport encodings (literal escapes, HTML entities), drop invisible characters, compose (NFC)."""
    if "\\" in text:
        text = _ESCAPED_CODE_UNITS.sub(_decode_code_units, text)
        text = _ESCAPED_QUOTE.sub(r"\1", text)
    if "&" in text:
        text = html.unescape(text)
    if text.isascii():
        # ASCII needs no composition and holds no format characters; control characters are rare.
        return text if text.isprintable() else _CONTROL.sub(" ", text)
    text = _CONTROL.sub(" ", text)
    text = _FORMAT.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


# --- tokens ---------------------------------------------------------------------------------------------

_WORD_CHAR = rf"[\w{MARKS}]"
_NOT_AFTER_WORD = rf"(?<!{_WORD_CHAR})"
_NOT_BEFORE_WORD = rf"(?!{_WORD_CHAR})"
# Emoticons whose eyes or mouth are letters or digits (8D, 8P, xD) need capitals, so that a lowercased word
# can never turn into an emoticon when normalised again.
_EIGHT = rf"{_NOT_AFTER_WORD}8"
_EYES = rf"(?:[:=;]|{_EIGHT})"
_NOSE = r"['`\-^]?"

_EMOJI_BASE = (
    "[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9\u21aa\u231a\u231b\u2328\u23cf\u23e9-\u23f3"
    "\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe\u2600-\u27bf\u2934\u2935\u2b05-\u2b07"
    "\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\u3297\u3299\U0001f000-\U0001faff]"
)
_EMOJI_MODIFIER = "[\ufe00-\ufe0f\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]"
_EMOJI = (
    f"[\U0001f1e6-\U0001f1ff]{{2}}"  # a flag: two regional indicators
    f"|{_EMOJI_BASE}{_EMOJI_MODIFIER}*(?:\u200d{_EMOJI_BASE}{_EMOJI_MODIFIER}*)*"
)
_EMOJI_PRESENTATION = re.compile("[\ufe00-\ufe0f\u20e3\U0001f3fb-\U0001f3ff]")
# Leftovers of broken emoji sequences and presentation selectors; they carry no meaning alone.
_DROPPED_CHARS = frozenset(
    "\u200d\u20e3"
    + "".join(chr(cp) for cp in range(0xFE00, 0xFE10))
    + "".join(chr(cp) for cp in range(0xE0020, 0xE0080))
    + "".join(chr(cp) for cp in range(0xE0100, 0xE01F0))
)
_DROPPED_TEXT = "".join(sorted(_DROPPED_CHARS))
_SPECIAL_NAMES = "|".join(token[1:-1] for token in SPECIAL_TOKENS)

_TOKEN = re.compile(
    "|".join(
        [
            rf"(?P<special>(?i:<(?:{_SPECIAL_NAMES})>))",
            r"(?P<url>(?i:(?:https?://|www\.)\S+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|ly|co|io|me|gl|be)/\S*))",
            r"(?P<user>(?<!\w)@\w+)",
            r"(?P<hashtag>(?<![\w&])#\w+)",
            rf"(?P<heart><3+{_NOT_BEFORE_WORD})",
            rf"(?P<smile>(?:[:=;]{_NOSE}[)\]}}dD]+|{_EIGHT}{_NOSE}[)\]}}D]+|{_NOT_AFTER_WORD}[(\[{{]+{_NOSE}[:=;]|\^_*\^){_NOT_BEFORE_WORD})",
            rf"(?P<lolface>(?:[:=;]{_NOSE}[pP]+|{_EIGHT}{_NOSE}P+|{_NOT_AFTER_WORD}[xX]D+){_NOT_BEFORE_WORD})",
            rf"(?P<sadface>(?:{_EYES}{_NOSE}[(\[{{]+|{_NOT_AFTER_WORD}[)\]}}]+{_NOSE}[:=;]){_NOT_BEFORE_WORD})",
            rf"(?P<neutralface>(?:[:=;]{_NOSE}[|/\\lL*]|{_EIGHT}{_NOSE}[|/\\*]){_NOT_BEFORE_WORD})",
            r"(?P<repeat>[!?.\u2026]{2,}|\u2026)",
            rf"(?P<number>(?:{_NOT_AFTER_WORD}[-+])?\d+(?:[.,:]\d+)*{_NOT_BEFORE_WORD})",
            rf"(?P<word>{_WORD_CHAR}+(?:['\u2019]{_WORD_CHAR}+)*)",
            rf"(?P<emoji>{_EMOJI})",
            r"(?P<other>(?P<mark>\S)(?P=mark)*)",
        ]
    )
)
_ELONGATION = re.compile(r"([^\W\d_])\1{2,}", re.IGNORECASE)
_HASHTAG_PART = re.compile(r"\d+|[A-Z]{2,}(?=[A-Z][^\W\d_A-Z])|[A-Z]{2,}(?![^\W\d_A-Z])|[^\W\d_][^\W\d_A-Z]*")
_TRAILING_MARKS = frozenset(",.!?;:")
_EMOTICONS = {"smile": SMILE, "lolface": LOLFACE, "sadface": SADFACE, "neutralface": NEUTRALFACE}


def _is_all_caps(word: str) -> bool:
    return word.isupper() and sum(1 for char in word if char.isalpha()) >= 2


def _collapse_elongation(word: str) -> str:
    """Shorten letter runs of 3+: to one letter at the end of the word, to two inside it."""

    def shorten(match: re.Match[str]) -> str:
        at_end = match.end() == len(word)
        return match.group(1) * (1 if at_end else 2)

    return _ELONGATION.sub(shorten, word)


def _word_tokens(word: str) -> list[str]:
    """A word lowercased, with <elong> when a letter repeats 3+ times and <allcaps> when it was all caps."""
    lowered = word.lower()
    tokens = [lowered]
    if _ELONGATION.search(lowered):
        tokens[0] = _collapse_elongation(lowered)
        tokens.append(ELONG)
    if word.isupper() and _is_all_caps(word):
        tokens.append(ALLCAPS)
    return tokens


def _hashtag_tokens(tag: str) -> list[str]:
    """`#CamelCase` -> <hashtag> camel case; an all-caps tag stays one word; parts follow the word rules."""
    body = tag[1:]
    if _is_all_caps(body):
        return [HASHTAG, *_word_tokens(body)]
    tokens = [HASHTAG]
    for part in _HASHTAG_PART.findall(body):
        if part.isdigit():
            tokens.append(NUMBER)
        else:
            tokens.extend(_word_tokens(part))
    return tokens


def _is_lolface_word(chunk: str) -> bool:
    """`xD`, `XDDD`: the one emoticon made of letters only."""
    return chunk[0] in "xX" and len(chunk) > 1 and not chunk[1:].strip("D")


def _grammar_tokens(chunk: str) -> list[str]:
    """Tokenise one whitespace-free chunk with the full token grammar."""
    tokens: list[str] = []
    add = tokens.append
    for match in _TOKEN.finditer(chunk):
        kind = match.lastgroup
        value = match.group()
        if kind == "word":
            tokens.extend(_word_tokens(value.replace("\u2019", "'")))
        elif kind == "other":
            char = value[0]
            if char not in _DROPPED_CHARS:
                add(char)
        elif kind == "special":
            add(value.lower())
        elif kind == "user":
            add(USER)
        elif kind == "url":
            add(URL)
        elif kind == "number":
            add(NUMBER)
        elif kind == "hashtag":
            tokens.extend(_hashtag_tokens(value))
        elif kind == "repeat":
            add("." if value[0] == "\u2026" else value[0])
            add(REPEAT)
        elif kind == "emoji":
            # A skin tone alone is an emoji base here; once it is removed, leftovers it carried go too.
            emoji = _EMOJI_PRESENTATION.sub("", value).lstrip(_DROPPED_TEXT)
            if emoji:
                add(emoji)
        elif kind == "heart":
            add(HEART)
        else:
            add(_EMOTICONS[kind])
    return tokens


def _chunk_tokens(chunk: str) -> tuple[str, ...]:
    """The tokens of one whitespace-free chunk. A pure function of the chunk: safe to memoise.

    Letters-and-digits chunks (most of them) take shortcuts that give what the grammar gives
    (a property test holds the two together).
    """
    if chunk.isalnum():
        if chunk.isalpha():
            if not _is_lolface_word(chunk):
                return tuple(_word_tokens(chunk))
        elif chunk.isdecimal():
            return (NUMBER,)
        elif chunk[0] != "8":  # 8D and 8P are emoticons
            return tuple(_word_tokens(chunk))
    elif len(chunk) > 1 and chunk[-1] in _TRAILING_MARKS and chunk[:-1].isalnum():
        return (*_chunk_tokens(chunk[:-1]), chunk[-1])  # "word," "today." "thanks!"
    return tuple(_grammar_tokens(chunk))


class _ChunkCache:
    """Memoised chunk tokens in bounded memory: two generations, the older one dropped when the newer fills
    up, so frequent chunks ("@user", "the", "Thursday,") survive a stream of one-off ones (links, numbers)."""

    def __init__(self, generation_size: int) -> None:
        self.generation_size = generation_size
        self.young: dict[str, tuple[str, ...]] = {}
        self.old: dict[str, tuple[str, ...]] = {}

    def tokens(self, chunk: str) -> tuple[str, ...]:
        found = self.young.get(chunk)
        if found is not None:
            return found
        found = self.old.get(chunk)
        if found is None:
            found = _chunk_tokens(chunk)
        if len(self.young) >= self.generation_size:
            self.old = self.young
            self.young = {}
        self.young[chunk] = found
        return found

    def clear(self) -> None:
        self.young = {}
        self.old = {}


_CACHE = _ChunkCache(generation_size=100_000)


def clear_cache() -> None:
    """Forget memoised chunks (benchmarks measure a cold cache)."""
    _CACHE.clear()


def normalise(text: str) -> str:
    """Normalise one message into space-separated GloVe-Twitter tokens (see the module docstring)."""
    if not text:
        return ""
    tokens: list[str] = []
    young = _CACHE.young
    for chunk in decode_text(text).split():
        chunk_tokens = young.get(chunk)
        if chunk_tokens is None:
            chunk_tokens = _CACHE.tokens(chunk)
            young = _CACHE.young
        tokens.extend(chunk_tokens)
    return " ".join(tokens)


def normalise_many(texts: Iterable[str | None]) -> list[str]:
    """Normalise a batch; a missing text (None) becomes the empty string."""
    return [normalise(text) if text else "" for text in texts]


def tokens_of(text_clean: str) -> list[str]:
    """Split normalised text back into its tokens."""
    return text_clean.split(" ") if text_clean else []
