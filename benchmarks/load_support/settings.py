"""Settings of the load benchmark's servers: the chat benchmark's (the app's base settings, every
Redis key under BENCH_REDIS_PREFIX), with limits meant for people, not for a load generator:

- every locust user signs in from 127.0.0.1, where the sign-in limit per address would stop the
  31st within a minute: the limits stay on (their cache work is part of what a request costs),
  with room for the whole crowd;
- the limit on message sends, when the app has one, gets the same room.
"""

from chat_support.settings import *  # noqa: F403
from chat_support.settings import ACCOUNT_RATE_LIMITS

ACCOUNT_RATE_LIMITS = {
    **ACCOUNT_RATE_LIMITS,
    "login": "100000/m/ip",
    "login_failed": "100000/m/ip,100000/300s/key",
}
