from __future__ import annotations

from tests.episodes import catalog

# The catalog fixtures, bound here so pytest finds them.
episode, make_asset, make_episode = catalog.episode, catalog.make_asset, catalog.make_episode
make_shot, new_version, previz, revise = catalog.make_shot, catalog.new_version, catalog.previz, catalog.revise
