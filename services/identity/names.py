"""Comparing Vietnamese names: NFC, collapsed whitespace, case folded; diacritics matter."""
import unicodedata


def normalize_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def same_name(a: str, b: str) -> bool:
    return normalize_name(a) == normalize_name(b)
