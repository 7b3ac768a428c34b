"""Bad input at the door: every refusal is a 4xx with the error body, the same on SQLite and PostgreSQL,
and appends nothing (issue 20, item 4)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _post_json(api, url: str, body: str):
    return api.generic("POST", url, body, content_type="application/json")


def _asset(studio, attributes: str) -> str:
    return f'{{"studio": "{studio.id}", "kind": "character", "name": "Mei", "attributes": {attributes}}}'


def test_a_50_mb_json_body_is_413_with_the_error_body(api, studio, no_new_events):
    # given
    body = '{"name": "%s"}' % ("x" * (50 * 1024 * 1024))
    # when
    with no_new_events():
        response = _post_json(api, "/api/studios/", body)
    # then
    assert response.status_code == 413
    assert response.json() == {"code": "too_large",
                               "message": "The request body is larger than the limit of 2097152 bytes.",
                               "extra": {"limit": 2097152}}


def test_deeply_nested_json_is_400(api, studio, no_new_events):
    # given: {"a": {"a": … 5000 deep
    body = '{"a":' * 5000 + "1" + "}" * 5000
    # when
    with no_new_events():
        response = _post_json(api, "/api/studios/", body)
    # then
    assert response.status_code == 400
    assert response.json() == {"code": "invalid_text", "message": "JSON may nest at most 64 levels deep.",
                               "extra": {}}


def test_json_nested_past_the_limit_is_refused_and_at_the_limit_reaches_the_fields_check(api, studio,
                                                                                        no_new_events):
    # given: a name nested 64 and 65 levels deep (the body's object is the first level)
    at_limit = '{"name":' + '{"a":' * 63 + "1" + "}" * 64
    past_limit = '{"name":' + '{"a":' * 64 + "1" + "}" * 65
    # when
    with no_new_events():
        refused = _post_json(api, "/api/studios/", past_limit)
        parsed = _post_json(api, "/api/studios/", at_limit)
    # then: the one refused by the parser, the other by the name field
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_text")
    assert (parsed.status_code, parsed.json()["extra"]["fields"]) == (400, {"name": ["Not a valid string."]})


@pytest.mark.parametrize(("escaped", "message"), [
    ("\\u0000", "Text may not contain the NUL character (\\u0000)."),
    ("\\ud800", "Text may not contain a lone UTF-16 surrogate (\\ud800-\\udfff)."),
    ("\\udfff", "Text may not contain a lone UTF-16 surrogate (\\ud800-\\udfff)."),
])
@pytest.mark.parametrize("where", ["value", "key", "list"])
def test_a_nul_or_a_lone_surrogate_anywhere_in_json_is_400_on_both_databases(api, studio, no_new_events, escaped,
                                                                             message, where):
    # given: PostgreSQL refused a NUL with a 500 where SQLite stored it; no database can store a lone surrogate
    attributes = {"value": '{"description": "red%scoat"}', "key": '{"co%sat": "red"}',
                  "list": '{"palette": ["#fff", ["x%s"]]}'}[where] % escaped
    # when
    with no_new_events():
        response = _post_json(api, "/api/assets/", _asset(studio, attributes))
    # then
    assert response.status_code == 400
    assert response.json() == {"code": "invalid_text", "message": message, "extra": {}}


def test_a_surrogate_pair_is_an_ordinary_character_and_accepted(api, studio):
    # when: \ud83e\udde5 is one character (a coat), not a lone surrogate
    response = _post_json(api, "/api/assets/", _asset(studio, '{"description": "\\ud83e\\udde5"}'))
    # then
    assert response.status_code == 201
    assert api.get(f"/api/assets/{response.json()['id']}/versions/1/").json()["attributes"] == {
        "description": "\N{COAT}"}


def test_a_number_too_large_for_a_float_is_400(api, studio, no_new_events):
    # when: 1e999 parses as infinity, which JSON cannot store
    with no_new_events():
        response = _post_json(api, "/api/assets/", _asset(studio, '{"height": 1e999}'))
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_text"


@pytest.mark.parametrize("url", ["/api/events/?stream=studio-%00", "/api/assets/?q=a%00b",
                                 "/api/studios/00000000-0000-0000-0000-000000000000/members/a%00b/"])
def test_a_nul_in_the_path_or_query_string_is_400(api, studio, url):
    # when
    response = api.get(url)
    # then
    assert response.status_code == 400
    assert response.json() == {"code": "invalid_text", "message": "Text may not contain the NUL character (\\u0000).",
                               "extra": {}}


def test_a_nul_in_a_form_field_is_400(api, studio, no_new_events):
    # when
    with no_new_events():
        response = api.post("/api/studios/", "name=Gull%00Island", content_type="application/x-www-form-urlencoded")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_text"


@pytest.mark.parametrize("as_of", ["0000-01-01T00:00:00Z", "0001-01-01T00:00:00+05:00", "9999-99-99T00:00:00Z", "²"])
def test_an_impossible_as_of_time_is_400(api, studio, as_of):
    # given
    asset = _post_json(api, "/api/assets/", _asset(studio, "{}")).json()
    # when
    response = api.get(f"/api/assets/{asset['id']}/", {"as_of": as_of})
    # then
    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {"as_of": ["An event position or an ISO-8601 time with a zone."]}
