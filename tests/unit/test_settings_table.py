"""The README's settings table and Settings name the same settings, and Settings checks values."""
import os
import re

import pytest

from services.settings import ConfigError, Settings

README = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")
HEADER = "| variable | default (development) | meaning |"


def readme_settings() -> set[str]:
    with open(README, encoding="utf-8") as stream:
        lines = stream.read().splitlines()
    start = lines.index(HEADER) + 2  # past the header and its | --- | line
    names: set[str] = set()
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def test_the_readme_table_lists_every_setting_and_only_those():
    documented, known = readme_settings(), set(Settings.names())
    assert not known - documented, f"missing from the README's table: {sorted(known - documented)}"
    assert not documented - known, f"in the README's table but not a setting: {sorted(documented - known)}"


@pytest.mark.parametrize("name, value, complaint", [
    ("ACCESS_TOKEN_TTL_SECONDS", "901", "ACCESS_TOKEN_TTL_SECONDS must be between 1 and 900"),
    ("APP_ENV", "staging", "APP_ENV must be one of"),
    ("DB_POOL_SIZE", "five", "DB_POOL_SIZE must be an integer"),
    ("METRICS_SUPPRESSION_THRESHOLD", "0", "METRICS_SUPPRESSION_THRESHOLD must be at least 1"),
    ("SIGNATURE_MAX_PDF_BYTES", str(20 * 1024 * 1024), "SIGNATURE_MAX_PDF_BYTES must be between 1024 and"),
])
def test_a_wrong_value_names_its_setting(tmp_path, name, value, complaint):
    with pytest.raises(ConfigError, match=complaint):
        Settings.load({name: value}, instance_path=str(tmp_path))


def test_settings_are_read_once_and_frozen(tmp_path):
    settings = Settings.load({"METRICS_USAGE_COUNTING": "off"}, {"DB_POOL_SIZE": 9}, instance_path=str(tmp_path))
    assert (settings.metrics_usage_counting, settings.db_pool_size) == (False, 9)
    assert settings.database_url == "sqlite:///" + os.path.join(str(tmp_path), "ihanoi.sqlite3")
    with pytest.raises(AttributeError):
        settings.db_pool_size = 10


def test_production_from_the_environment_names_everything_it_misses(tmp_path):
    with pytest.raises(ConfigError) as refused:
        Settings.load({"APP_ENV": "production"}, instance_path=str(tmp_path))
    assert str(refused.value) == (
        "production needs DATABASE_URL (PostgreSQL), REDIS_URL, SECRET_KEY, JWT_PRIVATE_KEY_FILE, "
        "NATIONAL_ID_HASH_KEY, SIGNATURE_CA_DIR, SIGNATURE_KEY_ENCRYPTION_KEY, SIGNATURE_CRL_URL, SIGNATURE_OCSP_URL, "
        "SIGNATURE_CA_ISSUERS_URL, "
        "SMS_SENDER=http (the log sender would write codes to the log) set in the environment")


def test_an_override_set_to_nothing_puts_the_default_back(tmp_path):
    settings = Settings.load({"REDIS_URL": "redis://127.0.0.1:6379/9", "LOG_LEVEL": "DEBUG"},
                             {"REDIS_URL": None}, instance_path=str(tmp_path))
    assert (settings.redis_url, settings.log_level) == (None, "DEBUG")
