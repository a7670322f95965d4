"""The project's gunicorn configuration. gunicorn reads ./gunicorn.conf.py when started from the
repository root (README "Production"); `-c gunicorn.conf.py` names it explicitly. Options given
on the command line (workers, bind, --access-logfile) are added to it.

Every line gunicorn prints masks 12-digit numbers (api/gunicorn_logging.py), like the app's own.
"""
logger_class = "api.gunicorn_logging.MaskingLogger"
