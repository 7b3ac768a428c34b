from __future__ import annotations

import math

import pytest

from config.canonical import canonical_hash, canonical_json, sha256_hex


def test_canonical_json_sorts_keys_drops_spaces_and_keeps_unicode() -> None:
    # given
    value = {"b": 1, "a": [1.5, "é", None, True], "c": {"z": "x", "y": 2}}

    # when
    data = canonical_json(value)

    # then
    assert data == '{"a":[1.5,"é",null,true],"b":1,"c":{"y":2,"z":"x"}}'.encode()


def test_canonical_json_rejects_nan_and_infinity() -> None:
    # given
    values = [{"x": math.nan}, {"x": math.inf}, [-math.inf]]

    # when / then
    for value in values:
        with pytest.raises(ValueError, match="cannot serialise canonically"):
            canonical_json(value)


def test_sha256_hex_is_the_lowercase_hex_digest() -> None:
    # given
    data = b"abc"

    # when
    digest = sha256_hex(data)

    # then
    assert digest == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_canonical_hash_is_the_same_for_dicts_built_in_any_order() -> None:
    # given
    first = {"seed": 7, "prompt": "harbour"}
    second = {"prompt": "harbour", "seed": 7}

    # when
    hashes = {canonical_hash(first), canonical_hash(second)}

    # then
    assert hashes == {sha256_hex(b'{"prompt":"harbour","seed":7}')}
