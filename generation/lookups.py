"""How a person names a re-render plan or a render on the command line."""

from __future__ import annotations

import re

from django.db.models import Q

from episodes.models import Shot
from generation.models import Render, RerenderPlan
from studios.lookup import Kind


def _render_code(text: str) -> Q | None:
    # `ep01-sh03-r2`: the render(s) of episode 1's shot 3 at revision 2 (what its downloaded file is called).
    match = re.fullmatch(r"ep?0*(\d+)-sh0*(\d+)-r(\d+)", text, re.IGNORECASE)
    if not match:
        return None
    shots = Shot.objects.filter(episode__number=int(match[1]), order=int(match[2])).values_list("pk", flat=True)
    return Q(shot_id__in=[str(pk) for pk in shots], shot_revision=int(match[3]))


PLAN = Kind(label="re-render plan", model=RerenderPlan,
            describe=lambda p: f"plan {str(p.id)[:8]} ({p.status}, v{p.to_version}, {len(p.shots)} shots)")
RENDER = Kind(label="render", model=Render, code=_render_code, code_help="ep01-sh03-r2",
              describe=lambda r: f"render {str(r.id)[:8]} of revision {r.shot_revision} at {r.created_at:%H:%M:%S}")
