"""CSV exports never hand a spreadsheet a formula (issue 12, point 6)."""
import csv
import io

from hypothesis import given, strategies as st

from services.metrics.export import indicators_csv
from services.metrics.indicators import IndicatorValue
from services.reference.unit_tables import read_rows, write_rows
from services.spreadsheet_cells import FORMULA_STARTS, neutralised


def value(unit_name: str) -> IndicatorValue:
    return IndicatorValue(code="online_dossier_share", name="Tỷ lệ hồ sơ trực tuyến", name_en="x", pillar="p",
                          unit_code="001", unit_name=unit_name, level="district", period="2024",
                          numerator=-3, denominator=12, value=-0.25, suppressed=False, catalogue_version="1")


def test_indicator_csv_cells_starting_a_formula_are_text():
    body = indicators_csv([value('=HYPERLINK("http://evil","x")'), value("@SUM(A1)"), value("Ba Đình")])
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert [row[3] for row in rows[1:]] == ["'=HYPERLINK(\"http://evil\",\"x\")", "'@SUM(A1)", "Ba Đình"]
    assert rows[1][5] == "-3" and rows[1][7] == "-0.25"  # numbers stay numbers


def test_the_reference_file_writer_uses_the_same_rule(tmp_path):
    write_rows(tmp_path / "units.csv", ("code", "name"), [{"code": "001", "name": "+cmd|' /C calc'!A0"}])
    assert read_rows(tmp_path / "units.csv") == [{"code": "001", "name": "'+cmd|' /C calc'!A0"}]


@given(st.text())
def test_no_neutralised_text_starts_a_formula(text):
    cell = neutralised(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell == text or cell == "'" + text
