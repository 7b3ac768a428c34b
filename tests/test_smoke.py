from __future__ import annotations


def test_health_answers_ok_with_the_database_and_broker(client, db):
    # when
    response = client.get("/api/health/")
    # then
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
