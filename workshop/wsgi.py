"""The WSGI entry point for the production server (gunicorn's gevent worker, see `workshop serve`)."""

import os

os.environ.setdefault("WORKSHOP_ASYNC_MODE", "gevent")

from workshop import create_app

app = create_app()
