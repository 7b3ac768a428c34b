from __future__ import annotations

import pytest

from assets.schemas import KINDS, validate_attributes
from config.errors import InvalidInput

FULL = {
    "character": {"description": "Keeper", "species": "human", "pronouns": "she/her",
                  "age_range": {"min": 30, "max": 35},
                  "height_cm": 170, "build": "wiry", "appearance": ["freckles"], "palette": ["#000000"],
                  "voice": "low, dry", "personality": ["stubborn"], "backstory": "…", "tags": ["lead"]},
    "costume": {"description": "Coat", "garments": ["coat"], "palette": ["#fff"], "materials": ["oilskin"],
                "accessories": ["scarf"], "era": "1920s", "condition": "worn", "tags": []},
    "prop": {"description": "Lamp", "materials": ["brass"], "dimensions": {"width": 10, "height": 30.5, "unit": "cm"},
             "weight_kg": 1.5, "palette": [], "condition": "used", "interactive": "hero", "tags": ["light"]},
    "scene": {"description": "Lamp room", "setting": "Top of the lighthouse", "interior": "interior",
              "time_of_day": "night", "weather": "storm", "season": "winter", "lighting": "rotating beam",
              "mood": "tense", "palette": ["#102030"], "tags": []},
}


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_accepts_its_full_schema_and_an_empty_one(kind):
    # when / then
    assert validate_attributes(kind, FULL[kind]) == FULL[kind] | ({"palette": ["#ffffff"]} if kind == "costume" else {})
    assert validate_attributes(kind, {}) == {}


@pytest.mark.parametrize(("kind", "attributes", "field", "message"), [
    ("character", {"height_cm": True}, "attributes.height_cm", "Must be a number."),
    ("character", {"age_range": {"min": 3}}, "attributes.age_range.max", "This field is required."),
    ("character", {"appearance": ["ok", ""]}, "attributes.appearance[1]",
     "Must be a non-empty string of at most 200 characters."),
    ("prop", {"dimensions": {"width": 1, "unit": "furlong"}}, "attributes.dimensions.unit",
     "Must be one of: mm, cm, m, in, ft."),
    ("prop", {"dimensions": {"width": -1, "unit": "cm"}}, "attributes.dimensions.width",
     "Must be between 0 and 1e+06."),
    ("scene", {"time_of_day": "teatime"}, "attributes.time_of_day",
     "Must be one of: dawn, morning, noon, afternoon, golden_hour, dusk, evening, night."),
    ("costume", {"palette": "red"}, "attributes.palette", 'Must be a list of at most 32 hex colours like "#1a2b3c".'),
    ("costume", {"description": "x" * 5001}, "attributes.description", "At most 5000 characters."),
])
def test_ill_typed_attributes_name_the_exact_field(kind, attributes, field, message):
    # when
    with pytest.raises(InvalidInput) as refused:
        validate_attributes(kind, attributes)
    # then
    assert refused.value.extra["fields"] == {field: [message]}
    assert refused.value.message == f"{field}: {message}"


def test_attributes_must_be_an_object_and_the_kind_known():
    # when / then
    with pytest.raises(InvalidInput) as not_object:
        validate_attributes("prop", ["lamp"])
    with pytest.raises(InvalidInput) as unknown_kind:
        validate_attributes("vehicle", {})
    assert not_object.value.extra["fields"] == {"attributes": ["Must be an object."]}
    assert list(unknown_kind.value.extra["fields"]) == ["kind"]
