from __future__ import annotations

from datetime import date

import pytest

from config.vocabularies.languages import LANGUAGES
from config.vocabularies.territories import COUNTRIES
from rights.terms import coverage_failure, terms_from, terms_overlap


def licence(**overrides):
    base = {"licensor": "Northwind", "licensee": "Harbour", "territories": {"worldwide": True},
            "media": ["svod"], "window_start": "2026-03-01", "window_end": "2026-03-31"}
    return terms_from({**base, **overrides})


def test_the_territory_list_is_the_full_iso_3166_1_alpha_2_list():
    # then
    assert len(COUNTRIES) == 249
    assert {"GB", "US", "FR", "JP", "AQ", "SS"} <= set(COUNTRIES)
    assert {"UK", "EU", "XK", "ZZ"}.isdisjoint(COUNTRIES)
    assert COUNTRIES["GB"] == "United Kingdom"


def test_the_language_list_is_iso_639_1_with_bihari_and_without_serbo_croatian():
    # then
    assert len(LANGUAGES) == 184
    assert {"en", "fr", "ja", "ga", "bh"} <= set(LANGUAGES)
    assert {"sh", "EN", "eng", "xx"}.isdisjoint(LANGUAGES)
    assert (LANGUAGES["en"], LANGUAGES["bh"]) == ("English", "Bihari languages")


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 2, 28), ("window_not_started", "2026-02-28 is before the window opens (2026-03-01).")),
    (date(2026, 3, 1), None),
    (date(2026, 3, 31), None),
    (date(2026, 4, 1), ("window_expired", "2026-04-01 is after the window closed (2026-03-31).")),
])
def test_the_window_includes_both_edge_days(day, expected):
    # given
    terms = licence()

    # when
    failure = coverage_failure(terms, territory="GB", medium="svod", on=day)

    # then
    assert failure == expected


def test_an_open_ended_window_covers_every_later_day():
    # given
    terms = licence(window_end=None)

    # when / then
    assert coverage_failure(terms, territory="GB", medium="svod", on=date(2099, 12, 31)) is None


def test_an_excluded_territory_is_refused_even_when_worldwide():
    # given
    terms = licence(territories={"worldwide": True, "exclude": ["CN", "RU"]})

    # when / then
    assert coverage_failure(terms, territory="RU", medium="svod", on=date(2026, 3, 5)) == (
        "territory_excluded", "RU is excluded.")
    assert coverage_failure(terms, territory="KZ", medium="svod", on=date(2026, 3, 5)) is None


def test_a_territory_outside_the_include_list_is_refused():
    # given
    terms = licence(territories={"worldwide": False, "include": ["IE", "GB"]})

    # when / then
    assert coverage_failure(terms, territory="FR", medium="svod", on=date(2026, 3, 5)) == (
        "territory_not_included", "FR is not among GB, IE.")


def test_an_unlicensed_medium_and_language_are_refused():
    # given
    terms = licence(media=["svod", "avod"], languages=["en"])

    # when / then
    assert coverage_failure(terms, territory="GB", medium="theatrical", on=date(2026, 3, 5)) == (
        "media_not_licensed", "theatrical is not among avod, svod.")
    assert coverage_failure(terms, territory="GB", medium="svod", on=date(2026, 3, 5), language="fr") == (
        "language_not_licensed", "fr is not among en.")
    assert coverage_failure(terms, territory="GB", medium="svod", on=date(2026, 3, 5)) is None


@pytest.mark.parametrize(("other", "overlap"), [
    ({}, True),
    ({"media": ["avod"]}, False),
    ({"window_start": "2026-04-01", "window_end": None}, False),
    ({"window_start": "2026-03-31", "window_end": None}, True),
    ({"territories": {"worldwide": False, "include": ["FR"]}}, False),
    ({"territories": {"worldwide": True, "exclude": ["GB", "IE"]}}, False),
    ({"territories": {"worldwide": True, "exclude": ["GB"]}}, True),
    ({"languages": ["fr"]}, False),
])
def test_terms_overlap_only_when_some_use_is_granted_by_both(other, overlap):
    # given
    first = licence(territories={"worldwide": False, "include": ["GB", "IE"]}, languages=["en"])
    second = licence(**other)

    # when / then
    assert terms_overlap(first, second) is overlap
    assert terms_overlap(second, first) is overlap
