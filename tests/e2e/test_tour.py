"""docs/tour.sh, the README's API tour, runs as written against a served demo.

The demo is what `make run` serves: SQLite under its own instance folder, the in-process
store, `seed demo`; here in a tmp folder, on a free loopback port, on either backend's run.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from api import create_app
from migrations.runner import upgrade

ROOT = Path(__file__).resolve().parents[2]
TOUR = ROOT / "docs" / "tour.sh"
VENV_BIN = Path(sys.executable).parent


@pytest.fixture
def demo(tmp_path, monkeypatch):
    """(base URL, environment of the CLI) of a seeded demo served in a thread."""
    env = {"APP_ENV": "development", "INSTANCE_PATH": str(tmp_path / "instance"),
           "DATABASE_URL": f"sqlite:///{tmp_path}/ihanoi.sqlite3",
           "PASSWORD_HASH_PROFILE": "fast", "LOG_LEVEL": "WARNING",
           "EID_DEV_PROVIDER_PORT": "0",  # the development e-ID provider on a free port
           # not "city-ca": a unit test finds the suite's CA by that folder name under the tmp root
           "SIGNATURE_CA_DIR": str(tmp_path / "demo-ca")}
    served: dict[str, Any] = {}  # the server's port is known first, so callbacks can name it
    server = make_server("127.0.0.1", 0, lambda environ, respond: served["app"](environ, respond), threaded=True)
    # as `make run`: the development payment gateway calling this server back, and certificates
    # naming this server's CRL, OCSP responder and CA certificates
    served_api = f"http://127.0.0.1:{server.server_port}/api/v1"
    env.update(PAYMENT_GATEWAY_URL="dev", PAYMENT_CALLBACK_URL=f"{served_api}/payments/callbacks/dev",
               SIGNATURE_CRL_URL=f"{served_api}/ca/crl", SIGNATURE_OCSP_URL=f"{served_api}/ca/ocsp",
               SIGNATURE_CA_ISSUERS_URL=f"{served_api}/ca/certificates/issuing.cer",
               SIGNATURE_ROOT_CERTIFICATE_URL=f"{served_api}/ca/certificates/root.cer")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("REDIS_URL", raising=False)
    upgrade(env["DATABASE_URL"])
    app = served["app"] = create_app()
    seeded = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert seeded.exit_code == 0, seeded.output
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", env
    finally:
        server.shutdown()
        thread.join()
        app.extensions["metrics_rollup"].stop()
        app.extensions["runtime"].engine.dispose()


def _run_tour(base_url: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {name: value for name, value in os.environ.items() if name != "REDIS_URL"}
    environment.update(env, BASE_URL=base_url, FLASK=str(VENV_BIN / "flask"),
                       PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    # The tour prints the first bytes of each answer, which can cut a Vietnamese letter in two.
    return subprocess.run(["bash", str(TOUR)], cwd=ROOT, env=environment, capture_output=True,
                          text=True, errors="replace", timeout=120)


def test_the_tour_runs_as_written_and_stops_at_an_unexpected_status(demo):
    base_url, env = demo
    tour = _run_tour(base_url, env)
    assert tour.returncode == 0, tour.stdout[-3000:] + tour.stderr[-3000:]
    assert "tour: every step answered as expected" in tour.stdout
    broken = _run_tour(base_url + "/nowhere", env)
    assert broken.returncode != 0 and "tour: expected 422, got 404" in broken.stderr


def _tour_blocks(readme: str) -> list[str]:
    """The lines of the README's `sh` blocks under "API tour", bar those that run the script."""
    section = readme.split("\n## API tour", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    return [line for block in blocks for line in block.splitlines()
            if line.strip() and "docs/tour.sh" not in line]


def test_the_readme_shows_the_tour_as_the_script_has_it():
    script = set(TOUR.read_text(encoding="utf-8").splitlines())
    shown = _tour_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(shown) > 50
    assert [line for line in shown if line not in script] == []


def test_make_run_serves_on_the_port_it_is_given():
    def dry_run(*args: str) -> str:
        return subprocess.run(["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout

    assert "--port 8001" in dry_run("PORT=8001") and "api.banner 8001" in dry_run("PORT=8001")
    assert "--port 8000" in dry_run()
