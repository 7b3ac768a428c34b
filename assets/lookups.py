"""How a person names an asset on the command line (the rule itself is in studios/lookup.py)."""

from __future__ import annotations

import re

from django.db.models import Q

from assets.models import Asset
from studios.lookup import Kind


def _slug(text: str) -> Q | None:
    # `red-coat` names "Red Coat": a slug is the name in lower case with dashes for spaces.
    return Q(name__iexact=text.replace("-", " ")) if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", text) else None


ASSET = Kind(label="asset", model=Asset, name_field="name", code=_slug, code_help="the name as a slug: red-coat",
             describe=lambda asset: f"{asset.name} ({asset.kind}, v{asset.latest_version}, {asset.studio.name})")
