"""Serve the ASGI application (web pages, API and websockets) with daphne, in one or more
processes sharing one listening socket.

One daphne process runs Python on one core. With the Redis channel layer, a message sent on a
socket of one process reaches sockets of the others, so `--processes` (or WEB_PROCESSES) can
use every core; the kernel spreads new connections over the processes. The embedded default's
in-process channel layer cannot span processes, so it runs one.

Handshakes wait up to --websocket-connect-timeout seconds (default 60) for the application:
when every browser reconnects at once (after a restart), sockets queue instead of being dropped
and retried, which would only add load.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

IN_PROCESS_LAYER = "channels.layers.InMemoryChannelLayer"


class Command(BaseCommand):
    help = "Serve the ASGI application with daphne in one or more processes on one socket."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--processes", type=int, default=int(os.environ.get("WEB_PROCESSES", "1"))
        )
        parser.add_argument(
            "--websocket-connect-timeout",
            type=int,
            default=int(os.environ.get("WEBSOCKET_CONNECT_TIMEOUT", "60")),
        )
        parser.add_argument("--application", default="mentorship.asgi:application")

    def handle(self, *args, **options) -> None:
        processes = options["processes"]
        if processes < 1:
            raise CommandError("--processes is at least 1.")
        layer = settings.CHANNEL_LAYERS["default"]["BACKEND"]
        if processes > 1 and layer == IN_PROCESS_LAYER:
            raise CommandError(
                "Several processes need a channel layer they share: set REDIS_URL, or serve "
                "with --processes 1."
            )
        listener = socket.socket(socket.AF_INET6 if ":" in options["host"] else socket.AF_INET)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((options["host"], options["port"]))
        except OSError as error:
            raise CommandError(
                f"Cannot listen on {options['host']}:{options['port']}: {error}"
            ) from None
        listener.listen(4096)
        fd = listener.fileno()
        os.set_inheritable(fd, True)
        daphne = str(Path(sys.executable).parent / "daphne")
        command = [
            daphne,
            "--fd", str(fd),
            "--websocket_connect_timeout", str(options["websocket_connect_timeout"]),
            options["application"],
        ]  # fmt: skip
        children = [
            subprocess.Popen(command, pass_fds=[fd])  # noqa: S603 - our own command line
            for _ in range(processes)
        ]
        self.stdout.write(
            f"Serving on http://{options['host']}:{options['port']}/ with {processes} "
            f"daphne process{'es' if processes > 1 else ''}."
        )

        def stop(signum, frame) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        # If one process dies, stop the others: the supervisor (honcho, compose) restarts us.
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        stop(None, None)
        codes = [child.wait() for child in children]
        listener.close()
        failed = [code for code in codes if code not in (0, -signal.SIGTERM)]
        if failed:
            sys.exit(failed[0])
