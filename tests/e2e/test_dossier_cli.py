"""`procedures import` and `notifications deliver` from the command line."""
import json

from sqlalchemy import select

from models.dossiers import Procedure
from models.notifications import Notification
from services.notifications.inbox import save_device
from services.notifications.push import PushOutcome
from tests.dossiers_support import DATA, key_headers, move, submit

GOOD = {"code": "T.000001", "name": "Thủ tục thử", "agency_code": "000.01.01.H26", "online_level": "full",
        "processing_days": 5, "fee": 0, "form_schema": {"type": "object", "properties": {}}}


def test_importing_the_demo_catalogue_twice_changes_nothing(runner, db_session):
    first = runner.invoke(args=["procedures", "import", f"{DATA}/procedures.json"])
    assert first.exit_code == 0, first.output
    assert "đã nạp 13, từ chối 0" in first.output
    stamps = dict(db_session.execute(select(Procedure.code, Procedure.updated_at)).all())
    again = runner.invoke(args=["procedures", "import", f"{DATA}/procedures.json"])
    assert again.exit_code == 0
    db_session.expire_all()
    assert dict(db_session.execute(select(Procedure.code, Procedure.updated_at)).all()) == stamps


def test_bad_items_are_reported_by_position_and_the_rest_imported(runner, db_session, tmp_path):
    items = [GOOD,
             {**GOOD, "code": "T.000002", "agency_code": "nowhere"},
             {**GOOD, "code": "T.000003", "online_level": "level4"},
             {**GOOD, "code": "T.000004", "processing_days": 0},
             {**GOOD, "code": "T.000005", "form_schema": {"type": "object", "required": "name"}},
             "not an object"]
    path = tmp_path / "procedures.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["procedures", "import", str(path)])
    assert result.exit_code == 1
    for position, word in ((2, "agency_code"), (3, "online_level"), (4, "processing_days"),
                           (5, "form_schema"), (6, "đối tượng JSON")):
        assert f"{path}:{position}:" in result.output and word in result.output
    assert db_session.scalars(select(Procedure.code).where(Procedure.code.like("T.%"))).all() == ["T.000001"]


def test_a_file_that_is_not_a_list_is_refused(runner, tmp_path):
    path = tmp_path / "procedures.json"
    path.write_text('{"code": "x"}')
    result = runner.invoke(args=["procedures", "import", str(path)])
    assert result.exit_code != 0 and "danh sách JSON" in result.output


class Recorder:
    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)
        return PushOutcome.SENT


def test_deliver_pushes_each_move_once_even_when_the_agency_retries(app, client, runner, people, db_session,
                                                                   catalogue, monkeypatch):
    citizen = people.citizen()
    save_device(db_session, citizen.account.id, "android", "fcm-token-hoa-0001")
    db_session.commit()
    sender = Recorder()
    monkeypatch.setattr(app.extensions["runtime"], "push", sender)
    code = submit(client, citizen).json["code"]
    headers = {**key_headers(db_session), "Idempotency-Key": "agency-retry-1"}
    for _ in range(3):  # the agency's system retries the same move
        assert move(client, headers, code, "received").status_code == 200
    result = runner.invoke(args=["notifications", "deliver"])
    assert result.exit_code == 0, result.output
    assert "pushes_sent=2" in result.output
    assert [m.title.split(": ")[1] for m in sender.sent] == ["Đã nộp", "Đã tiếp nhận"]
    assert runner.invoke(args=["notifications", "deliver"]).exit_code == 0
    assert len(sender.sent) == 2
    assert set(db_session.scalars(select(Notification.push_status).where(
        Notification.account_id == citizen.account.id))) == {"sent"}


def test_deliver_loop_keeps_polling_until_stopped(app, runner, people, db_session, monkeypatch):
    import api.cli.push as push_cli
    from services.notifications.inbox import notify

    citizen = people.citizen()
    save_device(db_session, citizen.account.id, "ios", "apns-token-loop-01")
    sender, naps = Recorder(), []
    monkeypatch.setattr(app.extensions["runtime"], "push", sender)

    def nap(seconds):
        naps.append(seconds)
        if len(naps) == 1:  # a new entry arrives while the worker sleeps
            notify(db_session, citizen.account.id, kind="dossier_status", title="Mới", body="…")
            db_session.commit()
        else:
            raise KeyboardInterrupt

    monkeypatch.setattr(push_cli.time, "sleep", nap)
    result = runner.invoke(args=["notifications", "deliver", "--loop", "--interval", "2"])
    assert result.exit_code == 0, result.output
    assert naps == [2.0, 2.0] and [m.title for m in sender.sent] == ["Mới"]
