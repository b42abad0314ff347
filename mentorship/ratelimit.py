"""Pace limits: how much a person, or a whole organisation, may do per period (chat messages,
invitation emails). Refused work is refused as a whole and nothing of it is done.

A limit is "<count>/<period>" in settings.RATE_LIMITS: "30/m", "100/h", "20000/d", "10/30s". It is
counted in fixed windows (aligned to the clock) in Django's cache, so every web and socket process
counts against the same number: with Redis the count is one atomic INCRBY; the file cache of a
single machine takes a lock file around its read and write.
"""

from __future__ import annotations

import fcntl
import math
import re
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.deprecation import MiddlewareMixin
from django.utils.http import url_has_allowed_host_and_scheme

RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
PERIOD_WORDS = {1: "second", 60: "minute", 3600: "hour", 86400: "day"}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        match = RATE.match(text)
        if match is None or int(match[1]) < 1 or match[2] == "0":
            raise ValueError(
                f"“{text}” is not a rate: write <count>/<period>, e.g. 30/m, 100/h or 10/30s."
            )
        return cls(int(match[1]), int(match[2] or 1) * UNIT_SECONDS[match[3]])

    @property
    def period(self) -> str:
        """'an hour', 'a minute', 'every 30 seconds'."""
        word = PERIOD_WORDS.get(self.seconds)
        if word:
            return f"an {word}" if word == "hour" else f"a {word}"
        return f"every {duration(self.seconds)}"

    @property
    def window_name(self) -> str:
        """'this hour', 'in these 30 seconds'."""
        word = PERIOD_WORDS.get(self.seconds)
        return f"this {word}" if word else f"in these {duration(self.seconds)}"


DURATION_UNITS = ((172800, 86400, "day"), (7200, 3600, "hour"), (120, 60, "minute"))


def duration(seconds: float) -> str:
    """'1 second', '45 seconds', '12 minutes', '3 hours', '2 days'; rounded up."""
    seconds = max(1, math.ceil(seconds))
    size, word = next(
        ((size, word) for above, size, word in DURATION_UNITS if seconds >= above), (1, "second")
    )
    count = math.ceil(seconds / size)
    return f"{count} {word}{'s' if count != 1 else ''}"


def rate_of(name: str) -> Rate:
    return Rate.parse(settings.RATE_LIMITS[name])


@dataclass(frozen=True)
class Refusal:
    """What is left of an allowance that refused: `remaining` of `rate.count`, all of it back in
    `retry_after` seconds (when the window ends)."""

    rate: Rate
    remaining: int
    retry_after: int


class RateLimitedError(ValidationError):
    """Refused because of a pace limit. The message says what to do and when to try again;
    nothing was done. A ValidationError, so any form shows it; the API answers 429 with
    Retry-After, the chat socket an error frame with code "rate_limited"."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, code="rate_limited")
        self.reason = message
        self.retry_after = retry_after


@contextmanager
def _counter_lock():
    """The file cache reads and writes a counter in two steps: processes sharing it take turns
    through a lock file. Redis and the local-memory cache count atomically on their own."""
    backend = caches["default"]
    if not isinstance(backend, FileBasedCache):
        yield
        return
    folder = Path(backend._dir)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "ratelimit.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _window(rate: Rate, now: float) -> tuple[int, int]:
    """The window's number and the seconds until it ends (at least 1)."""
    index = int(now // rate.seconds)
    return index, max(1, math.ceil((index + 1) * rate.seconds - now))


def take(name: str, key: str, *, cost: int = 1) -> Refusal | None:
    """Take `cost` from the allowance `name` (settings.RATE_LIMITS) of `key`: None when taken,
    otherwise what is left, and then nothing is taken."""
    rate = rate_of(name)
    index, retry_after = _window(rate, time.time())
    counter = f"ratelimit:{name}:{key}:{index}"
    with _counter_lock():
        # add() starts the window's count, with the window's lifetime plus a minute for clocks
        # that differ between machines; incr() is atomic in Redis.
        cache.add(counter, 0, timeout=rate.seconds + 60)
        try:
            used = cache.incr(counter, cost)
        except ValueError:  # expired between the two calls: a new count
            cache.add(counter, 0, timeout=rate.seconds + 60)
            used = cache.incr(counter, cost)
        if used <= rate.count:
            return None
        _give_back(counter, cost)
    return Refusal(rate, max(0, rate.count - (used - cost)), retry_after)


def give_back(name: str, key: str, *, cost: int = 1) -> None:
    """Return what `take` took for work that turned out to do nothing (a resent message)."""
    index, _ = _window(rate_of(name), time.time())
    with _counter_lock():
        _give_back(f"ratelimit:{name}:{key}:{index}", cost)


def _give_back(counter: str, cost: int) -> None:
    with suppress(ValueError):  # the window ended meanwhile: nothing to return
        cache.decr(counter, cost)


def person_key(organization_id: int, user_id: int) -> str:
    return f"org:{organization_id}:user:{user_id}"


def organization_key(organization_id: int) -> str:
    return f"org:{organization_id}"


# The product's limits -------------------------------------------------------------------------


def message_send_take(*, organization_id: int, user_id: int) -> None:
    """One chat message of the person's allowance in the organisation (RATE_LIMITS
    "message_send"); raises RateLimitedError when it is spent."""
    refused = take("message_send", person_key(organization_id, user_id))
    if refused is not None:
        raise RateLimitedError(
            f"You are sending messages too fast; wait {duration(refused.retry_after)}.",
            retry_after=refused.retry_after,
        )


def message_send_give_back(*, organization_id: int, user_id: int) -> None:
    give_back("message_send", person_key(organization_id, user_id))


def _invitation_refusal(refused: Refusal, count: int, *, who: str) -> RateLimitedError:
    """`who`: "You" or "Your organisation", whose allowance is spent."""
    rate, wait = refused.rate, duration(refused.retry_after)
    limit = f"the limit is {rate.count:,} invitations {rate.period}"
    if count > rate.count:
        text = (
            f"{who} can send at most {rate.count:,} invitations {rate.period}; this would send "
            f"{count:,}. Nothing was sent: send them in smaller groups."
        )
    elif refused.remaining:
        text = (
            f"This would send {count:,} invitations, and {who.lower()} can send "
            f"{refused.remaining:,} more {rate.window_name} ({limit}). Nothing was sent: send "
            f"at most {refused.remaining:,} now, or all of them in {wait}."
        )
    else:
        has = "have" if who == "You" else "has"
        text = (
            f"{who} {has} sent the most invitations allowed {rate.window_name} ({limit}). "
            f"Nothing was sent; try again in {wait}."
        )
    return RateLimitedError(text, retry_after=refused.retry_after)


def invitations_take(*, organization_id: int, user_id: int, count: int) -> None:
    """`count` invitation emails of the acting person's allowance and of their organisation's
    (RATE_LIMITS "invitation_person" and "invitation_organization"), both or neither; raises
    RateLimitedError, naming the one spent, so a bulk action is refused as a whole."""
    if count <= 0:
        return
    person = person_key(organization_id, user_id)
    refused = take("invitation_person", person, cost=count)
    if refused is not None:
        raise _invitation_refusal(refused, count, who="You")
    refused = take("invitation_organization", organization_key(organization_id), cost=count)
    if refused is not None:
        give_back("invitation_person", person, cost=count)
        raise _invitation_refusal(refused, count, who="Your organisation")


# Pages ----------------------------------------------------------------------------------------


def rate_limited_response(request: HttpRequest, error: RateLimitedError) -> HttpResponse:
    """429 with Retry-After: JSON to the chat script, the page that says why to a browser."""
    if "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse(
            {
                "code": "rate_limited",
                "retry_after": error.retry_after,
                "errors": {"__all__": [error.reason]},
            },
            status=429,
        )
    else:
        referer = request.headers.get("Referer", "")
        back = (
            referer
            if url_has_allowed_host_and_scheme(
                referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            else ""
        )
        response = render(request, "429.html", {"reason": error.reason, "back": back}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


class RateLimitedMiddleware(MiddlewareMixin):
    """A page whose view leaves a RateLimitedError to its caller answers 429 with the reason
    (the API answers in its own shape, mentorship.api.errors), never a server error. Loaded when
    the server starts, it refuses to start on a limit that is not a rate."""

    def __init__(self, get_response) -> None:
        super().__init__(get_response)
        for name, text in settings.RATE_LIMITS.items():
            try:
                Rate.parse(text)
            except ValueError as error:
                raise ImproperlyConfigured(f"RATE_LIMITS[{name!r}]: {error}") from None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RateLimitedError):
            return rate_limited_response(request, exception)
        return None
