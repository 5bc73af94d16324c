"""`zhenggai serve [--host H] [--port N]`: Django's runserver when DEBUG, else gunicorn.

In production mode the static files are collected first when the manifest is missing, and
gunicorn serves `zhenggai.wsgi` (whitenoise, in the middleware, serves the static files).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

MANIFEST = "staticfiles.json"


class Command(BaseCommand):
    help = "启动网页服务（DEBUG 时用开发服务器，否则用 gunicorn）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))

    def handle(self, *args: Any, **options: Any) -> None:
        address = f"{options['host']}:{options['port']}"
        if settings.DEBUG:
            call_command("runserver", address)
            return
        if not (settings.STATIC_ROOT / MANIFEST).is_file():
            self.stdout.write("正在收集静态文件…")
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Zhenggai 运行于 http://{address}/")
        self.stdout.flush()
        argv = [
            sys.executable, "-m", "gunicorn", "zhenggai.wsgi",
            "--bind", address, "--workers", str(options["workers"]),
            "--access-logfile", "-",
        ]
        # Replace this process: signals (Ctrl-C, systemd stop) go straight to gunicorn.
        os.execv(sys.executable, argv)
