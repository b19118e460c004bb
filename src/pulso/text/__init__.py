"""Text handling shared by ETL, training and inference: one normaliser, so there is no training/serving skew."""

from pulso.text.language import detect_language
from pulso.text.normaliser import SPECIAL_TOKENS, decode_text, normalise, normalise_many, tokens_of

__all__ = ["SPECIAL_TOKENS", "decode_text", "detect_language", "normalise", "normalise_many", "tokens_of"]
