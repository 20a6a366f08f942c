"""The WSGI entry point for the production server (gunicorn's gevent worker, see `workshop serve`)."""

import gc
import os

os.environ.setdefault("WORKSHOP_ASYNC_MODE", "gevent")

from workshop import create_app

app = create_app()

# A full hall keeps a great many objects alive (2,000 connections' greenlets, sockets and
# buffers), and Python's full collections walked them all every few seconds, stopping every
# vote in flight for 100-400 ms (measured in the 2,000-phone burst: benchmarks/README.md).
# What exists once the app is loaded is left out of the collector's scans, and collections
# run far less often; cyclic garbage is still collected.
gc.freeze()
gc.set_threshold(50_000, 10, 10)
