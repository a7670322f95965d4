"""No user-facing text outside the catalogue (issue 17). The scan itself is tested here on a small
source, then run on the project: a literal in notify(...), an SMS send, a problem detail, a line
the CLI prints to an operator, its `--help`, a history note or the reason an import gives for a row
fails, and so does a module's constant holding such a text."""
from __future__ import annotations

import textwrap
from pathlib import Path

from tests.i18n_leftovers import find_offenders, offenders_in

SAMPLE = '''
STATE_LABELS = {"received": "Đã tiếp nhận", "done": lazy_text("dossier.state.done")}

def handlers(session, sms, account, code, reason, language):
    notify(session, account.id, kind="k", title="Correction made", body=f"Reason: {reason}")
    notify(session, account.id, kind="k", title=translate(language, "x.title"), body=reason)
    sms.send(account.phone, f"iHanoi: your code is {code}.")
    sms.send(account.phone, render_sms("signup_code", language, code=code).text)
    raise NotFound("No such dossier.", code="not_found")
    raise Conflict(translate(language, "dossier.conflict"), code="conflict")
    raise ValidationFailed.on_field("phone", "Not a Vietnamese mobile number.", "bad_phone")
    raise ValidationFailed("Check the fields.", errors={"name": ["Too long."]})
    _send(session, title="Hồ sơ " + code, lines=[reason, "Hẹn trả kết quả"])
    log.info("sms sent: %s segments", 2)
    click.echo(f"{count} rows loaded")
    click.echo(operator_text("cli.imports.summary", kind=kind), err=True)
    raise click.ClickException("no such file")
    bar = click.progressbar(days, label="snapshot")
    click.echo(f"{path}:{line}: {reason}")
    tqdm(total=9, desc=operator_text("cli.health.records"), unit="line")
    raise RowRejected(f"{name} is empty")
    raise RowRejected(lazy_text("imports.field.empty", name=name))
    self._reject(number, "national_id: 12 digits required")


@health.command("summaries", help="Store the summary of every record that has none yet.")
@click.option("--loop", is_flag=True, help=operator_text("cli.help.metrics.rollup.loop"))
def build_summaries(loop):
    """A command's docstring is not read: click shows help= when it is given."""


MACHINE = StateMachine("dossier", STATES, MOVES, refusal="A dossier in '{current}' cannot move to '{to}'.")
NO_SUCH = {"request": "Không có yêu cầu chữ ký này.", "certificate": lazy_text("signatures.access.no_such_certificate")}
APOLOGY = "Xin lỗi vì hồ sơ trả chậm."
KIND = "dossier_late"


def counter(session, account, dossier, actor, sms):
    notify(session, account.id, kind=KIND, title=APOLOGY, body=f"{APOLOGY} {dossier.code}")
    sms.send(account.phone, APOLOGY)
    register_received(ctx, national_id=national_id, note="Tiếp nhận tại bộ phận một cửa.")
    record(session, dossier, None, actor, note=lazy_text("demo.dossier.counter_note"))
    approve(ctx, authority, vault, request_id, note=reason)
'''


def test_the_scan_finds_literal_texts_and_passes_catalogue_calls(tmp_path: Path, monkeypatch):
    import tests.i18n_leftovers as leftovers

    monkeypatch.setattr(leftovers, "ROOT", tmp_path)
    source = tmp_path / "sample.py"
    source.write_text(textwrap.dedent(SAMPLE))
    found = sorted((offender.line, offender.where) for offender in offenders_in(source))
    assert found == [
        (2, "table STATE_LABELS"),
        (5, "notify"), (5, "notify"),
        (7, "sms"),
        (9, "detail"),
        (11, "field message"),
        (12, "detail"), (12, "field message"),
        (13, "lines="), (13, "title="),
        (15, "cli"), (17, "cli"), (18, "label="), (20, "unit="),
        (21, "row reason"), (23, "row reason"),
        (26, "help="),
        (32, "refusal="),
        (33, "table NO_SUCH"),
        (39, "notify"), (39, "notify"),
        (40, "sms"),
        (41, "note="),
    ]


def test_no_user_facing_literal_outside_the_catalogue():
    offenders = find_offenders()
    assert offenders == [], "\n".join(map(str, offenders))


def test_a_text_constant_imported_from_another_module_counts_too(tmp_path: Path, monkeypatch):
    import tests.i18n_leftovers as leftovers

    monkeypatch.setattr(leftovers, "ROOT", tmp_path)
    monkeypatch.setattr(leftovers, "SCANNED", ("services",))
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "texts.py").write_text('APOLOGY = "Xin lỗi vì hồ sơ trả chậm."\nKIND = "late"\n')
    (tmp_path / "services" / "late.py").write_text(
        "from services.texts import APOLOGY as SORRY, KIND\n\n"
        "def tell(session, account):\n"
        "    notify(session, account.id, kind=KIND, title=SORRY, body=translate('vi', 'x.body'))\n")
    found = [(offender.path, offender.line, offender.where) for offender in leftovers.find_offenders(tmp_path)]
    assert found == [("services/late.py", 4, "notify")]
