"""The framework ceiling: a bare Flask endpoint answering a small JSON body."""
from flask import Flask

app = Flask(__name__)


@app.get("/bare")
def bare():
    return {"status": "ok", "full_name": "Nguyễn Thị Hoa", "assurance_level": 1}
