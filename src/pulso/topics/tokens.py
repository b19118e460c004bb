"""The tokens a topic is made of: the shared normaliser's tokens without placeholders, stop words and punctuation.

Discovery, the cluster terms and topic assignment all read `text_clean` (the normaliser's space-separated
tokens, as curated by the ETL job) through `content_tokens`, so they see the same words.
"""

from __future__ import annotations

from pulso.text import SPECIAL_TOKENS

# Common English and Spanish function words (the languages the language detector names); they say nothing
# about what a message is about.
STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each either else even ever every few for from
    further get gets getting got had has have having he her here hers herself him himself his how i if im in
    into is it its itself ive just let lets like me might more most much must my myself neither no nor not now
    of off on once only or other our ours ourselves out over own please really same shall she should since so
    some still such than that thats the their theirs them themselves then there these they this those though
    through to too under until up upon us very was we were what when where whether which while who whom whose
    why will with within without would yet you your yours yourself yourselves youre dont cant wont didnt doesnt
    isnt wasnt arent id ill youve weve theyre ive its whats theres
    hi hey hello thanks thank thx pls plz ok okay yes yeah one two way going
    el la los las un una unos unas y o pero de del al en con por para que es son fue ser se su sus lo le les me
    mi mis tu tus te nos ya no si muy mas como cuando donde este esta estos estas eso esa ese hay
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
_PLACEHOLDERS = frozenset(SPECIAL_TOKENS)


def is_content(token: str) -> bool:
    """A token worth clustering on: a word of two or more characters with a letter, not a stop word
    (also when written with an apostrophe: "i'm", "it's")."""
    return (
        len(token) > 1
        and token not in _PLACEHOLDERS
        and token.replace("'", "") not in STOP_WORDS
        and any(char.isalpha() for char in token)
    )


def content_tokens(text_clean: str | None) -> list[str]:
    """The content tokens of a normalised text (`text_clean`); [] for a missing one."""
    if not text_clean:
        return []
    return [token for token in str(text_clean).split() if is_content(token)]
