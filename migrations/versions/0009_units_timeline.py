"""units timeline: units keyed by (code, level, valid_from), the crosswalk, address history

Hanoi's 2025 unit codes are all pre-2025 ward codes of other wards, so a code no longer
names one unit: administrative_units gets a surrogate id, a `kind` (city, district, ward,
commune, township), a `parent_code`, and a start that may be unknown. The tables that named a
district by code (residents, agencies, facilities, service_counters) keep their code columns
without a foreign key (the code is checked against the units on import). The existing rows
are copied with kind = level. New: unit_successions (the crosswalk) and resident_addresses;
residents get `unit_code` (the current 2025 unit) and a district that may be unknown.

Revision ID: 0009_units_timeline
Revises: 0008_event_columns
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

revision = "0009_units_timeline"
down_revision = "0008_event_columns"
branch_labels = None
depends_on = None

BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Tables whose district_code pointed at administrative_units.code.
REFERRING = ("residents", "agencies", "facilities", "service_counters")


def _fk(table: str) -> str:
    return f"fk_{table}_district_code_administrative_units"


def _old_units() -> sa.Table:
    return sa.table("administrative_units", sa.column("code", sa.String), sa.column("name", sa.String),
                    sa.column("level", sa.String), sa.column("valid_from", sa.Date),
                    sa.column("valid_to", sa.Date))


def upgrade() -> None:
    bind = op.get_bind()
    rows = [dict(row._mapping) for row in bind.execute(sa.select(_old_units()))]
    for table in REFERRING:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(_fk(table), type_="foreignkey")
    with op.batch_alter_table("administrative_units") as batch:
        batch.drop_index("ix_administrative_units_level")
    op.drop_table("administrative_units")
    units = op.create_table(
        "administrative_units",
        sa.Column("id", BIGINT_PK, nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("parent_code", sa.String(length=10), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_administrative_units")),
        sa.UniqueConstraint("code", "level", "valid_from", name=op.f("uq_administrative_units_code")),
    )
    with op.batch_alter_table("administrative_units") as batch:
        batch.create_index(batch.f("ix_administrative_units_code"), ["code"], unique=False)
        batch.create_index(batch.f("ix_administrative_units_level"), ["level"], unique=False)
    if rows:
        op.bulk_insert(units, [{**row, "kind": row["level"]} for row in rows])

    op.create_table(
        "unit_successions",
        sa.Column("id", BIGINT_PK, nullable=False),
        sa.Column("old_unit_id", BIGINT_PK, nullable=False),
        sa.Column("new_unit_id", BIGINT_PK, nullable=False),
        sa.Column("share", sa.Numeric(precision=7, scale=6), nullable=False),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["new_unit_id"], ["administrative_units.id"], ondelete="CASCADE",
                                name=op.f("fk_unit_successions_new_unit_id_administrative_units")),
        sa.ForeignKeyConstraint(["old_unit_id"], ["administrative_units.id"], ondelete="CASCADE",
                                name=op.f("fk_unit_successions_old_unit_id_administrative_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_successions")),
        sa.UniqueConstraint("old_unit_id", "new_unit_id", name=op.f("uq_unit_successions_old_unit_id")),
    )
    with op.batch_alter_table("unit_successions") as batch:
        batch.create_index(batch.f("ix_unit_successions_new_unit_id"), ["new_unit_id"], unique=False)

    with op.batch_alter_table("residents") as batch:
        batch.alter_column("district_code", existing_type=sa.String(length=10), nullable=True)
        batch.add_column(sa.Column("unit_code", sa.String(length=10), nullable=True))
        batch.create_index(batch.f("ix_residents_unit_code"), ["unit_code"], unique=False)

    op.create_table(
        "resident_addresses",
        sa.Column("id", BIGINT_PK, nullable=False),
        sa.Column("resident_id", BIGINT_PK, nullable=False),
        sa.Column("unit_id", BIGINT_PK, nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["resident_id"], ["residents.id"], ondelete="CASCADE",
                                name=op.f("fk_resident_addresses_resident_id_residents")),
        sa.ForeignKeyConstraint(["unit_id"], ["administrative_units.id"],
                                name=op.f("fk_resident_addresses_unit_id_administrative_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resident_addresses")),
    )
    with op.batch_alter_table("resident_addresses") as batch:
        batch.create_index(batch.f("ix_resident_addresses_resident_id"), ["resident_id"], unique=False)
        batch.create_index(batch.f("ix_resident_addresses_unit_id"), ["unit_id"], unique=False)
    # Each resident so far lived in their district, for as long as it existed.
    op.execute("INSERT INTO resident_addresses (resident_id, unit_id, valid_from, valid_to)"
               " SELECT r.id, u.id, u.valid_from, u.valid_to FROM residents r"
               " JOIN administrative_units u ON u.code = r.district_code AND u.level = 'district'")


def downgrade() -> None:
    """Back to one row per code: the units of the latest start win, the rest are dropped,
    and residents without a district are removed (the old schema cannot hold them)."""
    bind = op.get_bind()
    with op.batch_alter_table("resident_addresses") as batch:
        batch.drop_index(batch.f("ix_resident_addresses_unit_id"))
        batch.drop_index(batch.f("ix_resident_addresses_resident_id"))
    op.drop_table("resident_addresses")
    bind.execute(sa.text("DELETE FROM residents WHERE district_code IS NULL"))
    with op.batch_alter_table("residents") as batch:
        batch.drop_index(batch.f("ix_residents_unit_code"))
        batch.drop_column("unit_code")
        batch.alter_column("district_code", existing_type=sa.String(length=10), nullable=False)
    with op.batch_alter_table("unit_successions") as batch:
        batch.drop_index(batch.f("ix_unit_successions_new_unit_id"))
    op.drop_table("unit_successions")
    units = sa.table("administrative_units", sa.column("code", sa.String), sa.column("name", sa.String),
                     sa.column("level", sa.String), sa.column("valid_from", sa.Date),
                     sa.column("valid_to", sa.Date))
    kept: dict[str, dict] = {}
    for row in bind.execute(sa.select(units).where(units.c.level.in_(("district", "commune"))
                                                   & units.c.valid_from.is_not(None))
                            .order_by(units.c.valid_from)):
        kept[row.code] = dict(row._mapping)
    with op.batch_alter_table("administrative_units") as batch:
        batch.drop_index(batch.f("ix_administrative_units_level"))
        batch.drop_index(batch.f("ix_administrative_units_code"))
    op.drop_table("administrative_units")
    old = op.create_table(
        "administrative_units",
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_administrative_units")),
    )
    with op.batch_alter_table("administrative_units") as batch:
        batch.create_index(batch.f("ix_administrative_units_level"), ["level"], unique=False)
    if kept:
        op.bulk_insert(old, list(kept.values()))
    for table in REFERRING:
        with op.batch_alter_table(table) as batch:
            batch.create_foreign_key(_fk(table), "administrative_units", ["district_code"], ["code"])
