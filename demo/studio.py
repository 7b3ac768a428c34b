"""The demo studio "Harbour Lights": users, approved assets with drawn references, models and two episodes.

Dev-only credentials (printed by `manage.py demo`): demo-admin, demo-supervisor and demo-artist,
all with the password DEMO_PASSWORD. Never load the demo into a production database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from assets.services import (
    asset_create,
    asset_version_approve,
    asset_version_create,
    asset_version_submit,
    blob_store,
)
from config.types import Actor
from demo import art
from episodes.services import episode_create, series_create, shot_create
from generation.models import RenderModel
from generation.services import model_register
from studios.models import Studio
from studios.services import member_add, studio_create

STUDIO_NAME = "Harbour Lights"
DEMO_PASSWORD = "harbour-lights-dev-only"
USERS = {"admin": "demo-admin", "supervisor": "demo-supervisor", "artist": "demo-artist"}

COSTUMES: dict[str, tuple[dict[str, Any], list[str]]] = {
    "Red Coat": ({"description": "a knee-length red wool duffel coat with toggles", "era": "contemporary",
                  "palette": ["#b22222", "#3b2f2f"]}, ["#b22222", "#3b2f2f"]),
    "Oilskin Jacket": ({"description": "a weathered yellow oilskin fishing jacket", "condition": "worn",
                        "palette": ["#d4a017", "#2f4f4f"]}, ["#d4a017", "#2f4f4f"]),
}
CHARACTERS: dict[str, tuple[dict[str, Any], list[str], str]] = {
    "Mei": ({"description": "a curious ten-year-old girl who collects sea glass", "pronouns": "she/her",
             "appearance": ["short black bob", "freckles"], "palette": ["#b22222", "#f1c9a5"]},
            ["#b22222", "#f1c9a5", "#222222"], "Red Coat"),
    "Captain Ines": ({"description": "a grey-haired harbour pilot with a calm voice", "pronouns": "she/her",
                      "appearance": ["grey braid", "weathered face"], "palette": ["#d4a017", "#2f4f4f"]},
                     ["#2f4f4f", "#d4a017", "#c68642"], "Oilskin Jacket"),
}
PROPS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "Storm Lantern": ({"description": "a brass storm lantern with a cracked glass", "interactive": "handheld"},
                      ["#c9a227", "#333333"]),
    "Brass Compass": ({"description": "an old brass pocket compass", "interactive": "hero"}, ["#b08d57", "#1c1c24"]),
}
SCENES: dict[str, tuple[dict[str, Any], str, list[str]]] = {
    "Harbour at Dusk": ({"setting": "a small fishing harbour with a stone pier", "time_of_day": "dusk",
                         "interior": "exterior", "weather": "light drizzle"}, "dusk", ["#2d1e4f", "#f7a35c"]),
    "Harbour at Dawn": ({"setting": "the same harbour, boats heading out", "time_of_day": "dawn",
                         "interior": "exterior", "weather": "mist"}, "dawn", ["#3b4a7a", "#f7d794"]),
}
# Season 2: Mei gets a yellow scarf. Loaded as a draft v2 with its own drawing; the README's walkthrough
# submits and approves it, then re-renders the shots that pin v1.
MEI_REDESIGN = {"description": "a curious ten-year-old girl who collects sea glass, now in a yellow scarf",
                "appearance": ["short black bob", "freckles", "yellow knitted scarf"],
                "palette": ["#b22222", "#f1c9a5", "#ffd700"]}
SCARF = "#ffd700"
EPISODES = [
    ("The Lantern", "Harbour at Dusk", [
        ("Mei waits on the pier", ["Mei"]), ("A light on the water", ["Mei", "Storm Lantern"]),
        ("Captain Ines arrives", ["Captain Ines"]), ("Two lights", ["Mei", "Captain Ines", "Storm Lantern"]),
        ("Heading home", ["Mei"]),
    ]),
    ("The Compass", "Harbour at Dawn", [
        ("Morning mist", ["Captain Ines"]), ("Mei finds the compass", ["Mei", "Brass Compass"]),
        ("Which way is north", ["Mei", "Captain Ines", "Brass Compass"]), ("Boats head out", ["Captain Ines"]),
    ]),
]

# Shots that move: rendered as clips by previz (weight-free) whichever model the other shots use.
CLIPS: dict[str, dict[str, Any]] = {
    "A light on the water": {"frames": 48, "fps": 24, "camera": "slow push in on the lantern's light"},
}


def demo_studio() -> Studio | None:
    """Return the demo studio if it is already loaded."""
    return Studio.objects.filter(name=STUDIO_NAME).first()


def demo_load(log: Callable[[str], None] = print) -> Studio:
    """Create the demo studio, its users, approved assets, models and two episodes ready to render."""
    with transaction.atomic():
        admin = _user(USERS["admin"])
        studio = studio_create(actor=admin, name=STUDIO_NAME)
        sid = str(studio.id)
        supervisor = member_add(actor=admin, studio_id=sid, username=USERS["supervisor"], password=DEMO_PASSWORD,
                                role="supervisor").user
        artist = member_add(actor=admin, studio_id=sid, username=USERS["artist"], password=DEMO_PASSWORD,
                            role="artist").user
        assets = _assets(admin, supervisor, sid)
        model = _models(admin, sid, log)
        _episodes(admin, sid, assets, model)
        _mei_redesign(artist, sid, assets["Mei"])
    for role, username in USERS.items():
        log(f"demo user {username} ({role}), password {DEMO_PASSWORD!r} (development only)")
    return studio


def _user(username: str) -> Actor:
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        # In development the demo admin may sign in to /admin/ (read-only lists of the read models).
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD, is_staff=settings.DEBUG,
                                        is_superuser=settings.DEBUG)
    return user


def _approved(admin: Actor, supervisor: Actor, sid: str, kind: str, name: str, attributes: dict, image: bytes,
              components: list[dict] | None = None) -> str:
    blob = blob_store(actor=admin, studio_id=sid, data=image, filename=f"{name}.png")
    asset = asset_create(actor=admin, studio_id=sid, kind=kind, name=name, attributes=attributes,
                         references=[blob.sha256], components=components or [], note="demo")
    asset_version_submit(actor=admin, asset_id=str(asset.id), number=1)
    asset_version_approve(actor=supervisor, asset_id=str(asset.id), number=1, comment="demo")
    return str(asset.id)


def _assets(admin: Actor, supervisor: Actor, sid: str) -> dict[str, str]:
    ids: dict[str, str] = {}
    for seed, (name, (attributes, palette)) in enumerate(COSTUMES.items()):
        ids[name] = _approved(admin, supervisor, sid, "costume", name, attributes,
                              art.costume_sheet(name, palette, seed))
    for seed, (name, (attributes, palette, costume)) in enumerate(CHARACTERS.items()):
        ids[name] = _approved(admin, supervisor, sid, "character", name, attributes,
                              art.character_portrait(name, palette, seed),
                              components=[{"asset": ids[costume], "version": 1}])
    for seed, (name, (attributes, palette)) in enumerate(PROPS.items()):
        ids[name] = _approved(admin, supervisor, sid, "prop", name, attributes,
                              art.prop_sketch(name, palette, seed))
    for seed, (name, (attributes, time_of_day, palette)) in enumerate(SCENES.items()):
        ids[name] = _approved(admin, supervisor, sid, "scene", name, attributes,
                              art.scene_plate(name, time_of_day, palette, seed))
    return ids


def _models(admin: Actor, sid: str, log: Callable[[str], None]) -> tuple[RenderModel, dict[str, int]]:
    previz = model_register(actor=admin, studio_id=sid, name="previz", backend="previz")
    if not settings.DEMO_MODEL_PATH:
        return previz, {"width": 384, "height": 216, "steps": 1}
    model = model_register(actor=admin, studio_id=sid, name="demo-diffusers", backend="diffusers",
                           path=settings.DEMO_MODEL_PATH)
    log(f"demo shots render with {model.name} ({settings.DEMO_MODEL_PATH})")
    return model, {"width": 128, "height": 128, "steps": 10}


def _mei_redesign(artist: Actor, sid: str, mei: str) -> None:
    attributes, palette, _costume = CHARACTERS["Mei"]
    image = art.character_portrait("Mei", palette, list(CHARACTERS).index("Mei"), scarf=SCARF)
    blob = blob_store(actor=artist, studio_id=sid, data=image, filename="Mei-season-2.png")
    patch = {key: value for key, value in MEI_REDESIGN.items() if attributes.get(key) != value}
    asset_version_create(actor=artist, asset_id=mei, expected_version=1, attributes_patch=patch,
                         references=[blob.sha256], note="season 2 redesign: a yellow scarf")


def _episodes(admin: Actor, sid: str, assets: dict[str, str], model: tuple[RenderModel, dict[str, int]]) -> None:
    render_model, size = model
    series = series_create(actor=admin, studio_id=sid, title=STUDIO_NAME)
    for number, (title, scene, shots) in enumerate(EPISODES, start=1):
        episode = episode_create(actor=admin, series_id=str(series.id), number=number, title=title,
                                 targets=[{"territory": "GB", "media": "svod", "release_date": "2027-03-01"}])
        for order, (prompt, cast) in enumerate(shots, start=1):
            pins = [{"asset": assets[name], "version": 1, "role": "lead" if i == 0 else ""}
                    for i, name in enumerate(cast)]
            pins.append({"asset": assets[scene], "version": 1, "role": "setting"})
            clip = CLIPS.get(prompt, {})
            shot_model = RenderModel.objects.get(studio_id=sid, name="previz") if clip else render_model
            shot_create(actor=admin, episode_id=str(episode.id), prompt=prompt, title=f"{number}.{order} {prompt}",
                        cast=pins, seed=1000 * number + order, guidance=6.0, model=str(shot_model.id),
                        width=size["width"], height=size["height"], steps=size["steps"], **clip)
