"""What `make run` prints before serving: where to go and how to sign in.

`python -m api.banner [PORT]`: the port `make run PORT=...` serves on (8000 by default)."""
import sys

from services.demo.health import DOCTOR
from services.demo.people import ADMIN, ANALYST, CITIZEN, OFFICER

if __name__ == "__main__":
    BASE = f"http://127.0.0.1:{sys.argv[1] if len(sys.argv) > 1 else 8000}"
    print(f"""
iHanoi backend (development, SQLite + in-process store)
  API docs:  {BASE}/api/v1/docs
  OpenAPI:   {BASE}/api/v1/openapi.json
  Demo sign-in (POST /api/v1/auth/token with national_id + password):
    citizen  {CITIZEN.national_id} / {CITIZEN.password}  ({CITIZEN.full_name})
    officer  {OFFICER.national_id} / {OFFICER.password}  ({OFFICER.full_name})
    doctor   {DOCTOR.national_id} / {DOCTOR.password}  ({DOCTOR.full_name})
    analyst  {ANALYST.national_id} / {ANALYST.password}  ({ANALYST.full_name})
    admin    {ADMIN.national_id} / {ADMIN.password}  ({ADMIN.full_name})
  Dashboard: {BASE}/dashboard (analyst or admin)
""", flush=True)
