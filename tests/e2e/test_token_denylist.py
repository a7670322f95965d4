"""The token denylist survives Redis losing its data: it is rebuilt from the database."""
from __future__ import annotations

from services.identity.tokens import DENYLIST_COMPLETE


def test_a_logged_out_token_stays_refused_after_redis_lost_its_data(app, client, people):
    person, other = people.citizen(), people.citizen()
    assert client.post("/api/v1/auth/logout", headers=person.headers).status_code == 204
    app.extensions["runtime"].kv.flushdb()   # a restart without persistence, a flush, an empty replica

    me = client.get("/api/v1/me", headers=person.headers)
    assert me.status_code == 401 and me.json["code"] == "token_revoked"
    assert client.get("/api/v1/me", headers=other.headers).status_code == 200
    assert app.extensions["runtime"].kv.get(DENYLIST_COMPLETE) == "1"


def test_a_session_ended_from_another_device_stays_ended_after_redis_lost_its_data(app, client, people):
    person = people.citizen()
    phone = client.post("/api/v1/auth/token", json={"national_id": person.national_id,
                                                    "password": "correct horse battery", "device_name": "phone"})
    stolen = {"Authorization": f"Bearer {phone.json['access_token']}"}
    sessions = client.get("/api/v1/me/sessions", headers=person.headers).json["items"]
    phone_session = next(s for s in sessions if s["device_name"] == "phone")
    assert client.delete(f"/api/v1/me/sessions/{phone_session['id']}", headers=person.headers).status_code == 204
    app.extensions["runtime"].kv.flushdb()

    assert client.get("/api/v1/me", headers=stolen).json["code"] == "token_revoked"
    assert client.get("/api/v1/me", headers=person.headers).status_code == 200
