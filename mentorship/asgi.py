"""ASGI entry point: HTTP through Django, websockets through the Channels router.

Websockets are authenticated from the session and refused unless the Origin header names an
allowed host, so another site cannot open a socket with a visitor's cookies.

The garbage collector is set for a server process holding many sockets (see
`_settle_garbage_collector`): with CPython's defaults, a process with 500 chat sockets ran a
full collection every five seconds, each a pause of 100 ms or more for every socket it serves.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings.base")
django_asgi_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from mentorship.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_application,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)


def _settle_garbage_collector() -> None:
    """Two changes, measured by benchmarks/chat.py (p99 219 ms before, about 20 ms after):

    - What is loaded now (URLconf, views, serializers, the matching engine's numerical
      libraries: some 200,000 objects) lives as long as the process. It is frozen out of the
      collector's view (`gc.freeze`), so a full collection walks what the sockets hold, not
      all of Django again.
    - Every young collection promotes whatever is in flight at that moment (tasks, futures,
      frames being sent), and those promotions are what trigger full collections. A young
      generation of 10,000 objects instead of 700 (settings.SERVER_GC_THRESHOLDS) means far
      fewer of them; the garbage it holds is a few megabytes at most.
    """
    from django.conf import settings
    from django.urls import get_resolver

    # The URLconf, and with it every view module, would load on the first request otherwise.
    get_resolver().url_patterns  # noqa: B018 - loading it is the point
    gc.collect()
    gc.freeze()
    if settings.SERVER_GC_THRESHOLDS:
        gc.set_threshold(*settings.SERVER_GC_THRESHOLDS)


_settle_garbage_collector()
