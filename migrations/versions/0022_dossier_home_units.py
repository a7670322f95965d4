"""dossier home units: a dossier filed from 2025-07-01 keeps its owner's ward or commune of that day (issue 11.5)

Until this revision every dossier stored its owner's 2024 district in `dossiers.district_code`
(shown as `home_unit_code`), also when filed after the reform. This data step rewrites, for the
dossiers submitted from 2025-07-01 (Hanoi time), the unit the owner's address history gives on
the filing day when it is a ward or commune, else the registry row's current unit; a dossier whose
owner has neither keeps what it has. Earlier dossiers keep their district, which was right then.
The rule is written out here (a migration must not import the services, which change later); it
is services/reference/addresses.home_unit_code as it stood at this revision. No schema change.
The downgrade leaves the codes: the old ones were wrong, and the column is the same.

Revision ID: 0022_dossier_home_units
Revises: 0020_health_summaries
Create Date: 2026-12-01
"""
from datetime import date, datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


revision = '0022_dossier_home_units'
down_revision = '0021_health_summaries_built'
branch_labels = None
depends_on = None

REFORM_DAY = date(2025, 7, 1)
HANOI = timezone(timedelta(hours=7))  # no daylight saving
BATCH = 5000

dossiers = sa.table('dossiers', sa.column('id', sa.BigInteger), sa.column('owner_resident_id', sa.BigInteger),
                    sa.column('district_code', sa.String), sa.column('submitted_at', sa.DateTime(timezone=True)))
residents = sa.table('residents', sa.column('id', sa.BigInteger), sa.column('unit_code', sa.String))
addresses = sa.table('resident_addresses', sa.column('id', sa.BigInteger), sa.column('resident_id', sa.BigInteger),
                     sa.column('unit_id', sa.BigInteger), sa.column('valid_from', sa.Date),
                     sa.column('valid_to', sa.Date))
units = sa.table('administrative_units', sa.column('id', sa.BigInteger), sa.column('code', sa.String),
                 sa.column('level', sa.String), sa.column('valid_from', sa.Date), sa.column('valid_to', sa.Date))


def _local_day(moment) -> date:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:  # SQLite keeps UTC without its offset
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(HANOI).date()


def _covers(start, end, day: date) -> bool:
    start, end = (date.fromisoformat(v) if isinstance(v, str) else v for v in (start, end))
    return (start is None or start <= day) and (end is None or day <= end)


def _home(history: list, current: str | None, day: date) -> str | None:
    """The unit of the latest-starting history row covering `day` whose unit is valid then, when
    it is a ward or commune; else the registry row's current unit."""
    rows = [row for row in history if _covers(row.valid_from, row.valid_to, day)
            and _covers(row.unit_from, row.unit_to, day)]
    rows.sort(key=lambda row: (row.valid_from is not None, str(row.valid_from or ''), row.id), reverse=True)
    if rows and rows[0].level == 'commune':
        return rows[0].code
    return current


def upgrade() -> None:
    connection = op.get_bind()
    since = datetime(2025, 6, 30, 17, tzinfo=timezone.utc)
    if connection.dialect.name == 'sqlite':
        since = since.replace(tzinfo=None)
    last_id = 0
    while True:
        batch = connection.execute(
            sa.select(dossiers.c.id, dossiers.c.owner_resident_id, dossiers.c.district_code, dossiers.c.submitted_at)
            .where(dossiers.c.submitted_at >= since, dossiers.c.id > last_id)
            .order_by(dossiers.c.id).limit(BATCH)).all()
        if not batch:
            return
        last_id = batch[-1].id
        owners = sorted({row.owner_resident_id for row in batch})
        current = dict(connection.execute(sa.select(residents.c.id, residents.c.unit_code)
                                          .where(residents.c.id.in_(owners))).all())
        history: dict[int, list] = {}
        for row in connection.execute(
                sa.select(addresses.c.id, addresses.c.resident_id, addresses.c.valid_from, addresses.c.valid_to,
                          units.c.code, units.c.level, units.c.valid_from.label('unit_from'),
                          units.c.valid_to.label('unit_to'))
                .join(units, units.c.id == addresses.c.unit_id).where(addresses.c.resident_id.in_(owners))):
            history.setdefault(row.resident_id, []).append(row)
        changed = []
        for row in batch:
            day = _local_day(row.submitted_at)
            home = _home(history.get(row.owner_resident_id, []), current.get(row.owner_resident_id), day)
            if day >= REFORM_DAY and home and home != row.district_code:
                changed.append({'dossier_id': row.id, 'home': home})
        if changed:
            connection.execute(dossiers.update().where(dossiers.c.id == sa.bindparam('dossier_id'))
                               .values(district_code=sa.bindparam('home')), changed)


def downgrade() -> None:
    pass
