"""Generate Pulso's small sample data sets: `sample_labelled.csv` and `sample_unlabelled.jsonl`.

The messages are synthetic customer-support messages to invented brands, composed from the hand-written
parts in `sample_banks/*.json` (see data/README.md), then given the noise of a real feed. Each part belongs
to one sentiment, so the labels are correct by construction. The labelled file also carries a few
deliberately bad rows. Deterministic (a fixed seed, standard library only): rewrites both files byte for byte.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import json
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

SEED = 20261120
DATA_DIR = Path(__file__).resolve().parent
BANKS_DIR = DATA_DIR / "sample_banks"
LABELLED_NAME, UNLABELLED_NAME = "sample_labelled.csv", "sample_unlabelled.jsonl"
LABELLED_FIELDS = ("id", "created_at", "author_id", "text", "label")
EN, ES = "en", "es"
NEG, NEU, POS = "negative", "neutral", "positive"
LABELS = (NEG, NEU, POS)
# (language, label) -> number of good messages, hand-written hard ones included.
LABELLED_MIX = {(EN, NEG): 506, (EN, NEU): 380, (EN, POS): 380, (ES, NEG): 90, (ES, NEU): 67, (ES, POS): 67}
UNLABELLED_MIX = {(EN, NEG): 102, (EN, NEU): 77, (EN, POS): 76, (ES, NEG): 18, (ES, NEU): 14, (ES, POS): 13}
LABELLED_DAYS = (dt.date(2026, 10, 1), dt.date(2026, 11, 20))
UNLABELLED_DAYS = (dt.date(2026, 11, 20), dt.date(2026, 11, 20))
MAX_CHARS, REGULAR_AUTHORS = 280, 140
# Deliberately bad rows: texts of the rows without text, an unknown label, an unparseable created_at, duplicates.
EMPTY_TEXTS, UNKNOWN_LABEL, BAD_TIMESTAMP, DUPLICATES = ("", "", "   "), "angry", "yesterday", 3
# Slots whose value keeps its capital after a greeting ("Hi, Maria at the desk...").
PROPER_SLOTS = frozenset(("agent", "brand", "city", "show", "flight", "version", "ref", "code", "amount", "fee"))
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 8, 8, 8, 8, 8, 8, 9, 9, 8, 6, 4, 2)


def load_bank(name: str) -> Any:
    """One bank file of `sample_banks/`, parsed."""
    return json.loads((BANKS_DIR / f"{name}.json").read_text(encoding="utf-8"))


class Brand(NamedTuple):
    """An invented company: its name in texts, its social media handles, sector, languages, short code."""

    name: str
    handles: list[str]
    sector: str
    langs: list[str]
    code: str


class Style(NamedTuple):
    """How often each kind of noise appears, per label."""

    shout_sentence: float
    shout_word: float
    elongate: float
    intensify: float
    emoji: float
    emoticon: float
    hashtag: float
    url: float


_brands = load_bank("brands")
SECTORS: dict[str, dict[str, Any]] = _brands["sectors"]
BRANDS = [Brand(**brand) for brand in _brands["brands"]]
SLOTS, CORES, WRAPPERS = load_bank("slots"), load_bank("core_sentences"), load_bank("wrappers")
NOISE, HARD = load_bank("noise"), load_bank("hard_messages")
STYLES = {
    NEG: Style(0.07, 0.14, 0.10, 0.18, 0.33, 0.05, 0.14, 0.07),
    NEU: Style(0.0, 0.0, 0.02, 0.05, 0.06, 0.0, 0.06, 0.08),
    POS: Style(0.0, 0.08, 0.14, 0.15, 0.45, 0.06, 0.10, 0.03),
}
NUMBERS: dict[str, Callable[[random.Random], str]] = {
    "n": lambda rng: str(rng.randint(3, 6)),
    "mins": lambda rng: str(rng.choice(range(20, 125, 5))),
    "hours": lambda rng: str(rng.randint(2, 7)),
    "days": lambda rng: str(rng.randint(3, 14)),
    "weeks": lambda rng: str(rng.randint(2, 7)),
    "years": lambda rng: str(rng.randint(2, 15)),
    "house": lambda rng: str(rng.randint(2, 98)),
    "room": lambda rng: str(rng.randint(1, 9) * 100 + rng.randint(1, 40)),
    "case": lambda rng: rng.choice(("#", "", "CS-")) + str(rng.randint(100000, 99999999)),
    "code": lambda rng: rng.choice(("E", "NW-", "UI-", "")) + str(rng.randint(100, 9999)),
}


def _pattern(rng: random.Random, pattern: str, code: str) -> str:
    """A reference number: 9 a digit, A a letter, X a letter or digit, @ the brand's code."""
    pools = {"9": "0123456789", "A": "ABCDEFGHJKLMNPQRSTUVWXYZ", "X": "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"}
    return "".join(rng.choice(pools[c]) if c in pools else code if c == "@" else c for c in pattern)


def _money(rng: random.Random, lang: str, kind: str) -> str:
    """An `amount` (a price) or a `fee`, in one of the bank's formats."""
    if kind == "amount":
        whole = rng.choice((rng.randint(5, 60), rng.randint(20, 180), rng.randint(100, 480)))
        cents = rng.choice(("00", "99", "50", f"{rng.randint(1, 98):02d}"))
    else:
        whole = rng.randint(4, 45)
        cents = f"{rng.randint(1, 98):02d}" if lang == EN else ""
    return rng.choice(SLOTS[kind][lang]).format(whole=whole, cents=cents, pesos=whole * 18)


def _time(rng: random.Random, lang: str) -> str:
    hour, minute = rng.randint(5, 22), rng.choice((0, 5, 10, 15, 20, 30, 35, 40, 45, 50, 55))
    if lang == ES or rng.random() < 0.25:
        return f"{hour}:{minute:02d}"
    half = "pm" if hour >= 12 else "am"
    clock = str((hour - 1) % 12 + 1) if minute == 0 and rng.random() < 0.6 else f"{(hour - 1) % 12 + 1}:{minute:02d}"
    return clock + rng.choice((half, half, f" {half}", half.upper()))


def _speed(rng: random.Random, lang: str) -> str:
    value = rng.choice(SLOTS["speed"]["values"])
    forms = SLOTS["speed"][lang]  # the first form 70% of the time
    return (forms[0] if rng.random() < 0.7 else forms[1]).format(value if lang == EN else value.replace(".", ","))


def _url(rng: random.Random, brand: Brand) -> str:
    code = "".join(rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(7))
    site = brand.name.lower().replace(" ", "").replace("í", "i")
    return rng.choice(NOISE["urls"]).format(code=code, site=site, short=code[:4].lower())


class Slots(dict[str, str]):
    """Template values, drawn on first use so that one message repeats the same value."""

    def __init__(self, rng: random.Random, lang: str, brand: Brand) -> None:
        super().__init__()
        self.rng, self.lang, self.brand = rng, lang, brand

    def __missing__(self, key: str) -> str:
        rng, lang, brand = self.rng, self.lang, self.brand
        if key in SLOTS["words"]:
            value = rng.choice(SLOTS["words"][key][lang])
        elif key in NUMBERS:
            value = NUMBERS[key](rng)
        elif key == "brand":
            value = brand.name
        elif key == "ref":
            value = _pattern(rng, rng.choice(SECTORS[brand.sector]["ref_patterns"]), brand.code)
        elif key == "flight":
            value = brand.code + rng.choice(("", " ")) + str(rng.randint(100, 2999))
        elif key in ("amount", "fee"):
            value = _money(rng, lang, key)
        elif key in ("time", "speed"):
            value = (_time if key == "time" else _speed)(rng, lang)
        else:
            raise KeyError(key)
        self[key] = value
        return value


class Message(NamedTuple):
    lang: str
    label: str
    text: str
    author_id: str


def _cap_first(text: str) -> str:
    for index, char in enumerate(text):
        if char.isalpha():
            return text[:index] + char.upper() + text[index + 1 :]
        if char not in "¿¡'\"":
            return text
    return text


def _decap_first(text: str, template: str) -> str:
    """Lowercase the first letter after a greeting ("Hi, where is..."), keeping names, "I" and acronyms."""
    starting_slot = re.match(r"[¿¡]?\{(\w+)\}", template)
    match = re.match(r"([¿¡]?)(\S+)", text)
    if (starting_slot and starting_slot.group(1) in PROPER_SLOTS) or not match:
        return text
    word = match.group(2).rstrip(".,!?:")
    if word in ("I", "I'm", "I've", "I'd", "I'll") or not word[:1].isalpha():
        return text
    if len(word) > 1 and not word[1].islower():  # an acronym or a shouted word
        return text
    start = len(match.group(1))
    return text[:start] + word[0].lower() + text[start + 1 :]


def _repeats(sentence: str, other: str, brand: Brand) -> bool:
    """True when `sentence` would repeat `other`: the same text, both about a DM, or both naming the brand."""
    return sentence == other or ("DM" in sentence and "DM" in other) or (brand.name in sentence and brand.name in other)


def _is_protected(token: str) -> bool:
    return token.startswith(("@", "#", "http"))


def _map_words(text: str, change: Callable[[str], str]) -> str:
    """Apply `change` to every whitespace-separated token that is not a mention, hashtag or link."""
    return re.sub(r"\S+", lambda m: m.group() if _is_protected(m.group()) else change(m.group()), text)


def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w@#/.'-]){re.escape(word)}(?![\w'-])", re.IGNORECASE)


def _match_case(original: str, replacement: str) -> str:
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    return replacement[:1].upper() + replacement[1:] if original[:1].isupper() else replacement


class Composer:
    """Writes messages: one random generator, one set of texts already used (no duplicates, ever)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.used_keys: set[str] = set()

    def claim(self, text: str) -> bool:
        """Reserve `text`; False when it was used, or the same words were (ignoring mentions, links, numbers,
        case and punctuation, as Pulso's normaliser does), so no two messages look alike to the model."""
        key = re.sub(r"https?://\S+|@\w+", "", text).lower()
        key = re.sub(r"[\W_]+", "", re.sub(r"\d+", "0", key))
        if text in self.used or key in self.used_keys:
            return False
        self.used.add(text)
        self.used_keys.add(key)
        return True

    def brand_for(self, lang: str, favourite: Brand | None) -> Brand:
        rng = self.rng
        if favourite is not None and rng.random() < 0.6:
            return favourite
        sector = rng.choices(list(SECTORS), weights=[s["weight"] for s in SECTORS.values()])[0]
        return rng.choice([b for b in BRANDS if b.sector == sector and lang in b.langs])

    def compose(self, lang: str, label: str, brand: Brand) -> str:
        """One message; retried until it is new and short enough."""
        for _ in range(200):
            text = self._attempt(lang, label, brand)
            if len(text) <= MAX_CHARS and self.claim(text):
                return text
        raise RuntimeError(f"cannot write a new {lang} {label} message for {brand.name}")

    def _attempt(self, lang: str, label: str, brand: Brand) -> str:
        rng, slots, style = self.rng, Slots(self.rng, lang, brand), STYLES[label]
        cores = CORES["generic"] if rng.random() < 0.14 else CORES["sectors"][brand.sector]
        template = rng.choice(cores[lang][label])
        core = _cap_first(template.format_map(slots))
        if rng.random() < style.shout_sentence:
            core = _map_words(core, str.upper)
        placement = rng.choices(("start", "end", "greet", "double", "none"), weights=(55, 17, 13, 7, 8))[0]
        handle = brand.handles[0] if len(brand.handles) == 1 or rng.random() < 0.75 else brand.handles[1]
        before: list[str] = []
        after: list[str] = []
        if placement != "greet" and rng.random() < 0.22:
            before.append(rng.choice(WRAPPERS["openers"][lang][label]).format_map(slots))
        if placement == "greet" or (before and before[0].endswith((",", ":"))):
            core = _decap_first(core, template)
        if rng.random() < 0.42:
            extra = _cap_first(rng.choice(WRAPPERS["extras"][lang][label]).format_map(slots))
            if not _repeats(extra, core, brand):
                (before if not before and rng.random() < 0.15 else after).append(extra)
        if rng.random() < 0.3:
            closing = rng.choice(WRAPPERS["closings"][lang][label]).format_map(slots)
            if not any(_repeats(closing, sentence, brand) for sentence in [core, *after]):
                after.append(closing)
        body = self._noise(self._join(self._punctuate([*before, core, *after], len(before), label)), lang, label)
        if placement == "greet":
            text = f"{rng.choice(WRAPPERS['greetings'][lang]).format(h=handle)} {body}"
        else:
            others = [h for h in brand.handles[:2] if h != handle]  # "double": both handles, when there are two
            double = " ".join([*others, handle, body])
            text = {"start": f"{handle} {body}", "end": f"{body} {handle}", "double": double, "none": body}[placement]
        return self._decorate(text, lang, label, brand)

    def _punctuate(self, sentences: list[str], core_at: int, label: str) -> list[str]:
        rng, out = self.rng, list(sentences)
        core = out[core_at]
        if rng.random() < STYLES[label].intensify:
            if core.endswith("?"):
                out[core_at] = core.rstrip("?") + rng.choice(("??", "???", "?!", "?!?") if label == NEG else ("??",))
            elif core.endswith((".", "!")) and label != NEU:
                out[core_at] = core.rstrip(".!") + rng.choice(("!!", "!!!", "!!!!") if label == NEG else ("!", "!!"))
        if out[-1].endswith(".") and not out[-1].endswith("..") and rng.random() < 0.3:
            out[-1] = out[-1][:-1]
        return out

    def _join(self, sentences: list[str]) -> str:
        text = sentences[0]
        for sentence in sentences[1:]:
            roll = self.rng.random()
            full_stop = text.endswith((".", "!", "?")) and len(text) > 20
            separator = "\n" if full_stop and roll < 0.04 else "\n\n" if full_stop and roll < 0.055 else " "
            text += ("." if text[-1:].isalnum() else "") + separator + sentence
        return text

    def _sub_one(self, text: str, words: Sequence[str], change: Callable[[str, str], str]) -> str:
        """Replace one occurrence of a randomly chosen word of `words` found in `text` by `change(word, found)`."""
        candidates = [w for w in words if _word_pattern(w).search(text)]
        if not candidates:
            return text
        word = self.rng.choice(candidates)
        return _word_pattern(word).sub(lambda m: change(word, m.group()), text, count=1)

    def _noise(self, text: str, lang: str, label: str) -> str:
        rng, style, elongate, typos = self.rng, STYLES[label], NOISE["elongate"][lang], NOISE["typos"][lang]

        def stretch(word: str, found: str) -> str:  # the letter at the word's index, repeated 3 to 6 times
            at = elongate[word]
            return found[:at] + found[at] * rng.randint(3, 6) + found[at + 1 :]

        if rng.random() < style.elongate:
            text = self._sub_one(text, list(elongate), stretch)
        if rng.random() < style.shout_word:
            text = self._sub_one(text, NOISE["shout_words"][lang].get(label, []), lambda w, f: f.upper())
        if rng.random() < 0.2:
            text = self._sub_one(text, list(typos), lambda w, f: _match_case(f, typos[w]))
        if rng.random() < 0.07:
            text = self._swap_letters(text)
        if lang == ES and rng.random() < 0.15:
            text = _map_words(text, lambda w: w.translate(str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU")))
        if lang == ES and rng.random() < 0.2:
            text = text.replace("¿", "").replace("¡", "")
        return _map_words(text, str.lower) if rng.random() < 0.13 else text

    def _swap_letters(self, text: str) -> str:
        tokens = text.split(" ")
        choices = [i for i, t in enumerate(tokens) if t.isalpha() and len(t) >= 5 and not _is_protected(t)]
        if not choices:
            return text
        index = self.rng.choice(choices)
        token = tokens[index]
        at = self.rng.randrange(1, len(token) - 2)
        tokens[index] = token[:at] + token[at + 1] + token[at] + token[at + 2 :]
        return " ".join(tokens)

    def _decorate(self, text: str, lang: str, label: str, brand: Brand) -> str:
        rng, style, tails = self.rng, STYLES[label], []
        if rng.random() < style.emoji:
            tails.append(rng.choice(NOISE["emoji"][label]) * rng.choice((1, 1, 1, 2, 3)))
        elif label == NEU and rng.random() < 0.04:
            tails.append(SECTORS[brand.sector]["emoji"])
        if label in NOISE["emoticons"] and rng.random() < style.emoticon:
            tails.append(rng.choice(NOISE["emoticons"][label]))
        if rng.random() < style.hashtag:
            tails.append(rng.choice(NOISE["hashtags"][lang][label]))
        if rng.random() < 0.05:
            tails.append(rng.choice(SECTORS[brand.sector]["tags"]))
        if rng.random() < style.url:
            url = _url(rng, brand)
            lead = rng.choice(NOISE["url_leads"][lang][label]) if rng.random() < 0.4 else ""
            tails.append(f"{lead} {url}".strip())
        rng.shuffle(tails)
        return re.sub(r"[ \t]+", " ", " ".join([text, *tails])).strip()


class Authors:
    """Author ids: regulars (who write several messages, mostly to one brand) and one-off writers."""

    def __init__(self, rng: random.Random, count: int) -> None:
        self.rng = rng
        numbers = list(range(1000, 10000))
        rng.shuffle(numbers)
        self._fresh = iter(numbers[count:])
        self.regulars: list[tuple[str, str, Brand]] = []
        for number in numbers[:count]:
            lang = ES if rng.random() < 0.15 else EN
            self.regulars.append((f"u{number}", lang, rng.choice([b for b in BRANDS if lang in b.langs])))
        self.weights = [rng.choice((1, 1, 2, 3, 5)) for _ in self.regulars]

    def pick(self, lang: str, regular_share: float) -> tuple[str, Brand | None]:
        if self.rng.random() < regular_share:
            pool = [(r, w) for r, w in zip(self.regulars, self.weights, strict=True) if r[1] == lang]
            author, _, brand = self.rng.choices([r for r, _ in pool], weights=[w for _, w in pool])[0]
            return author, brand
        return f"u{next(self._fresh)}", None


def timestamps(rng: random.Random, count: int, days: tuple[dt.date, dt.date]) -> list[str]:
    """`count` sorted ISO 8601 UTC timestamps over the days, busier in the daytime."""
    span, values = (days[1] - days[0]).days + 1, []
    for _ in range(count):
        day = days[0] + dt.timedelta(days=rng.randrange(span))
        hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
        values.append(dt.datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60)))
    return [f"{value:%Y-%m-%dT%H:%M:%SZ}" for value in sorted(values)]


def write_messages(composer: Composer, authors: Authors, mix: dict[tuple[str, str], int],
                   hard: Sequence[dict[str, str]], regular_share: float) -> list[Message]:  # fmt: skip
    """Messages in the given (language, label) mix: the hard ones, then composed ones; shuffled."""
    messages = []
    for lang, label, text in ((h["lang"], h["label"], h["text"]) for h in hard):
        if not composer.claim(text):
            raise ValueError(f"hard message written twice: {text!r}")
        messages.append(Message(lang, label, text, authors.pick(lang, regular_share)[0]))
    counts = Counter((m.lang, m.label) for m in messages)
    for (lang, label), wanted in mix.items():
        for _ in range(wanted - counts[(lang, label)]):
            author, favourite = authors.pick(lang, regular_share)
            brand = composer.brand_for(lang, favourite)
            messages.append(Message(lang, label, composer.compose(lang, label, brand), author))
    composer.rng.shuffle(messages)
    return messages


def _scattered(rng: random.Random, size: int, count: int, gap: int) -> list[int]:
    """`count` positions in range(size), at least `gap` apart and away from the ends."""
    while True:
        positions = sorted(rng.sample(range(gap // 2, size - gap // 2), count))
        if all(b - a >= gap for a, b in itertools.pairwise(positions)):
            return positions


def labelled_rows(composer: Composer, authors: Authors) -> tuple[list[list[str]], dict[str, int]]:
    """Rows of the labelled file, good and deliberately bad ones; and the count of each kind of bad row."""
    rng = composer.rng
    good = write_messages(composer, authors, LABELLED_MIX, HARD["labelled"], regular_share=0.35)
    bad: list[tuple[str, Message]] = []
    for text in EMPTY_TEXTS:
        author = authors.pick(EN, 0.35)[0]  # before the label: the order of the random draws matters
        bad.append(("empty", Message(EN, rng.choice(LABELS), text, author)))
    for kind, lang, label in (("label", EN, NEG), ("label", ES, NEG), ("timestamp", EN, NEU), ("timestamp", ES, POS)):
        author, favourite = authors.pick(lang, 0.35)
        text = composer.compose(lang, label, composer.brand_for(lang, favourite))
        bad.append((kind, Message(lang, UNKNOWN_LABEL if kind == "label" else label, text, author)))
    rng.shuffle(bad)
    size = len(good) + len(bad)
    bad_at = dict(zip(_scattered(rng, size, len(bad), gap=120), bad, strict=True))
    times, good_iter = timestamps(rng, size, LABELLED_DAYS), iter(good)
    rows: list[list[str]] = []
    good_positions: list[int] = []
    for position in range(size):
        kind, message = bad_at[position] if position in bad_at else ("", next(good_iter))
        created = BAD_TIMESTAMP if kind == "timestamp" else times[position]
        rows.append([f"s{position + 1:05d}", created, message.author_id, message.text, message.label])
        if not kind:
            good_positions.append(position)
    # Exact duplicates: copies of earlier good rows, re-delivered 40 to 300 rows later.
    sources = rng.sample([p for p in good_positions if 50 <= p < size - 320], DUPLICATES)
    for source in sorted(sources, reverse=True):
        rows.insert(source + 1 + rng.randint(40, 300), list(rows[source]))
    kinds = Counter(kind for kind, _ in bad)
    return rows, {"empty_text": kinds["empty"], "unknown_label": kinds["label"],
                  "bad_timestamp": kinds["timestamp"], "duplicates": DUPLICATES}  # fmt: skip


def unlabelled_records(composer: Composer, authors: Authors) -> list[dict[str, str]]:
    messages = write_messages(composer, authors, UNLABELLED_MIX, HARD["unlabelled"], regular_share=0.3)
    times = timestamps(composer.rng, len(messages), UNLABELLED_DAYS)
    return [{"id": f"p{i + 1:05d}", "created_at": times[i], "author_id": m.author_id, "text": m.text}
            for i, m in enumerate(messages)]  # fmt: skip


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR, metavar="DIR", help="where to write (default: data/)")
    out: Path = parser.parse_args(argv).out
    rng = random.Random(SEED)
    composer, authors = Composer(rng), Authors(rng, REGULAR_AUTHORS)
    rows, bad = labelled_rows(composer, authors)
    records = unlabelled_records(composer, authors)
    with (out / LABELLED_NAME).open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([LABELLED_FIELDS, *rows])  # RFC 4180: CRLF line ends, quotes only where needed
    with (out / UNLABELLED_NAME).open("w", encoding="utf-8", newline="\n") as stream:
        stream.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    good = {row[0]: row for row in rows if row[3].strip() and row[4] in LABELS and row[1] != BAD_TIMESTAMP}
    labels = Counter(row[4] for row in good.values())
    print(f"{LABELLED_NAME}: {len(rows)} rows, {len(good)} good ({dict(sorted(labels.items()))})")
    print(f"  bad rows: {bad}")
    print(f"{UNLABELLED_NAME}: {len(records)} records")


if __name__ == "__main__":
    main()
