"""Gettext catalogues compiled from the `.po` files into memory, one cached translator per language."""
from __future__ import annotations

import functools
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DEFAULT_LANGUAGE = "vi"
LANGUAGES = ("vi", "en")
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).with_name("locale")


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(language: str) -> Catalog:
    """The `.po` file of one language as Babel reads it (tests walk this)."""
    with catalogue_path(language).open("rb") as po:
        return read_po(po, locale=language, domain=DOMAIN)


@functools.cache
def translator(language: str) -> Translations:
    """The compiled catalogue of `language`; English falls back to Vietnamese, the source of truth."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; expected one of {LANGUAGES}")
    compiled = io.BytesIO()
    write_mo(compiled, read_catalogue(language), use_fuzzy=False)
    compiled.seek(0)
    translations = Translations(compiled, domain=DOMAIN)
    if language != DEFAULT_LANGUAGE:
        translations.add_fallback(translator(DEFAULT_LANGUAGE))
    return translations


def translate(language: str, msgid: str | LazyText, **values: Any) -> str:
    """The text of `msgid` in `language`, with `%(name)s` placeholders filled from `values`;
    dates, instants, `Amount`s and decimals (float, Decimal) among the values are written as the
    language writes them. An int is left as it is (counts, years, sizes in bytes)."""
    if isinstance(msgid, LazyText):
        return msgid.resolve(language, **values)
    text = translator(language).gettext(msgid)
    return text % {name: _formatted(value, language) for name, value in values.items()} if values else text


def _formatted(value: Any, language: str) -> Any:
    from services.messages import formats

    if isinstance(value, datetime):
        return formats.format_datetime(value, language)
    if isinstance(value, date):
        return formats.format_date(value, language)
    if isinstance(value, LazyText):
        return value.resolve(language)
    if isinstance(value, formats.Amount):
        return formats.format_amount(value.vnd, language)
    if isinstance(value, (float, Decimal)):  # a measured value (5,6 mmol/L), not a count or a code
        return formats.format_decimal(value, language)
    if isinstance(value, (list, tuple)):  # several texts (reasons), one after another
        return " ".join(str(_formatted(item, language)) for item in value)
    return value


def translate_plural(language: str, singular: str, plural: str, num: int, **values: Any) -> str:
    """The plural form for `num` (Vietnamese has one form, English two); `num` is a placeholder too."""
    text = translator(language).ngettext(singular, plural, num)
    return text % {"num": num, **values}


@dataclass(frozen=True)
class LazyText:
    """A message id kept in a module-level table and turned into text once the language is known.

    It has no `str()` of its own on purpose: a lazy text printed without a language is a bug.
    """

    msgid: str
    values: dict[str, Any] = field(default_factory=dict)

    def filled(self, **values: Any) -> LazyText:
        """The same text with (more) values, still without a language."""
        return LazyText(self.msgid, {**self.values, **values})

    def resolve(self, language: str, **values: Any) -> str:
        return translate(language, self.msgid, **{**self.values, **values})


def lazy_text(msgid: str, **values: Any) -> LazyText:
    return LazyText(msgid, values)
