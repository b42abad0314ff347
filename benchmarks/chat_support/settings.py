"""Settings of the chat benchmark's servers: the app's base settings unchanged, except

- the channel layer, chosen by BENCH_CHANNEL_LAYER: "redis" (the app's own Redis layer, as
  REDIS_URL configures it) or "inmemory" (channels.layers.InMemoryChannelLayer);
- every Redis key the server writes (channel layer, cache, Celery broker) starts with
  BENCH_REDIS_PREFIX, so the benchmark deletes exactly what it created.
"""

import copy

from django.core.exceptions import ImproperlyConfigured

from mentorship.settings.base import *  # noqa: F403
from mentorship.settings.base import (
    CACHES,
    CELERY_BROKER_TRANSPORT_OPTIONS,
    CHANNEL_LAYERS,
    REDIS_URL,
    env,
)

BENCH_REDIS_PREFIX = env.str("BENCH_REDIS_PREFIX", default="bench-chat:")
BENCH_CHANNEL_LAYER = env.str("BENCH_CHANNEL_LAYER", default="redis")

if not REDIS_URL:
    raise ImproperlyConfigured("The chat benchmark needs REDIS_URL.")
if BENCH_CHANNEL_LAYER == "inmemory":
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
elif BENCH_CHANNEL_LAYER == "redis":
    CHANNEL_LAYERS = copy.deepcopy(CHANNEL_LAYERS)
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = BENCH_REDIS_PREFIX
else:
    raise ImproperlyConfigured(
        f"BENCH_CHANNEL_LAYER is redis or inmemory, not {BENCH_CHANNEL_LAYER!r}."
    )

CACHES = copy.deepcopy(CACHES)
CACHES["default"]["KEY_PREFIX"] = BENCH_REDIS_PREFIX
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "global_keyprefix": BENCH_REDIS_PREFIX,
}

# A diagnostic: BENCH_GC=off runs the servers without the garbage collector, BENCH_GC=a,b,c with
# those collection thresholds instead of the app's SERVER_GC_THRESHOLDS, BENCH_GC=default with
# CPython's own, to see the collector's share of the latency tail.
if env.str("BENCH_GC", default=""):
    import gc

    if env.str("BENCH_GC") == "off":
        gc.disable()
    elif env.str("BENCH_GC") == "default":
        SERVER_GC_THRESHOLDS = None
    else:
        SERVER_GC_THRESHOLDS = tuple(int(x) for x in env.str("BENCH_GC").split(","))

# Another: BENCH_GC_LOG=<path> has each server process append its full collections (and any
# collection of 1 ms or more) to <path>.<pid>: when, which generation, how long.
if env.str("BENCH_GC_LOG", default=""):
    import gc
    import os
    import time

    gc_log = open(f"{env.str('BENCH_GC_LOG')}.{os.getpid()}", "a")  # noqa: SIM115 - process-long
    gc_started = [0.0]

    def gc_timer(phase, info):
        if phase == "start":
            gc_started[0] = time.perf_counter()
            return
        ms = (time.perf_counter() - gc_started[0]) * 1000
        if ms >= 1 or info["generation"] == 2:
            gc_log.write(
                f"{time.time():.3f} generation {info['generation']} {ms:.1f} ms "
                f"collected {info['collected']}\n"
            )
            gc_log.flush()

    gc.callbacks.append(gc_timer)
