"""ISO 3166-1 alpha-2 country codes and names (all 249 officially assigned codes), from pycountry.

Rights records and episode targets name territories by these codes only.
"""

from __future__ import annotations

import pycountry

COUNTRIES: dict[str, str] = dict(sorted((country.alpha_2, country.name) for country in pycountry.countries))
