"""ISO 639-1 two-letter language codes and names (184 codes), from pycountry."""

from __future__ import annotations

import pycountry

# pycountry's language list is ISO 639-3, which differs from the ISO 639-2 list these codes were
# first taken from in one code each way. It keeps "sh" (Serbo-Croatian), withdrawn from ISO 639-1:
# a licence names Serbian, Croatian or Bosnian (sr, hr, bs) instead. It has no collective codes, so
# "bh" (Bihari languages) comes from its ISO 639-5 families: records granted with it must stay
# amendable, and an amendment checks the whole terms again.
_WITHDRAWN = {"sh"}

LANGUAGES: dict[str, str] = dict(sorted(
    [(language.alpha_2, language.name) for language in pycountry.languages
     if getattr(language, "alpha_2", None) and language.alpha_2 not in _WITHDRAWN]
    + [("bh", pycountry.language_families.lookup("bih").name)]
))
