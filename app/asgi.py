"""The ASGI entry point for uvicorn: `app.asgi:app`."""

import os
import sys

from app.settings import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT))
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")

from app.main import create_app  # noqa: E402

app = create_app()
