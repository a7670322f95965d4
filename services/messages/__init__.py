"""One message catalogue for every text a person reads (issue 17): Vietnamese first, English beside.

Message ids are symbolic, stable keys ("sms.signup_code", "time.days_left"), not source texts.
Vietnamese is the source of truth in the sense that its catalogue is written first and is what
a missing English entry falls back to; but the id is neither language, because:
- "a message id missing in either language" then means something for BOTH catalogues: with
  Vietnamese texts as ids the vi catalogue would be empty by design and could never be
  checked, and a text shown untranslated would be indistinguishable from a translated one;
- fixing a Vietnamese typo or tone does not change the id, so the English entry is not
  orphaned (gettext's fuzzy matching would otherwise silently pair it with the wrong text);
- clients and logs never see the id; an id that leaks (missing in both) is obviously a bug.
Ids must be literal strings at the call (`translate(language, "dossier.state.received")`,
or `lazy_text("...")` per entry of a table keyed by an enum value), never built at run time
(`f"dossier.state.{status}"`): extraction, and so the catalogue test, only sees literals.
Placeholders are `%(name)s` (the form Flask-Babel and Jinja's i18n use), and the catalogue
test requires the same set of placeholders in both languages.

The catalogues live beside this module in `locale/{vi,en}/LC_MESSAGES/messages.po` and are
compiled into memory on first use, so nothing generated is committed and a fresh clone works.
`make i18n` extracts ids from the code and updates both `.po` files (see README).

A locale is a plain value, `"vi"` or `"en"`, that the caller carries (the request Context,
an account's preference for notifications and SMS); nothing here asks Flask.
"""
from services.messages.catalogue import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    LazyText,
    lazy_text,
    translate,
    translate_plural,
    translator,
)
from services.messages.formats import (Amount, format_amount, format_date, format_datetime, format_decimal, format_percent,
                                       format_working_days)

__all__ = [
    "DEFAULT_LANGUAGE", "LANGUAGES", "LazyText", "lazy_text", "translate", "translate_plural",
    "translator", "Amount", "format_amount", "format_date", "format_datetime", "format_decimal", "format_percent",
    "format_working_days",
]
