"""People-facing notification pages: the centre of an organisation (what the member was told in
the app), the person's own preferences, and the unsubscribe link each email carries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from mentorship.forms import apply_validation_error
from notifications import preferences as prefs
from notifications.forms import PreferencesForm
from notifications.kinds import KINDS, Kind
from notifications.models import Notification
from notifications.timing import zone_of
from organizations.access import organization_view
from organizations.models import Membership, Role

PER_PAGE = 25
MANAGING_ROLES = (Role.OWNER, Role.ADMIN, Role.PROGRAM_MANAGER)


# The centre -------------------------------------------------------------------------------------


def in_app_notifications(user: User):
    """The user's notifications in the app, in the organisation in scope, newest first (served
    by the partial index notification_centre)."""
    return Notification.objects.filter(user=user, in_app=True).order_by("-created_at", "-pk")


def unread_count(user: User) -> int:
    return in_app_notifications(user).filter(read_at__isnull=True).count()


def _centre_url(membership: Membership) -> str:
    return reverse("notifications:centre", args=[membership.organization.slug])


def local_path(url: str) -> str | None:
    """`url` when it is a path on this site ("/o/acme/..."), else None: a notification never
    sends anyone to another site, whatever its row says ("//evil.example", "/\\evil.example",
    "https://evil.example" are all refused)."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return None


@organization_view()
def centre(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    rows = in_app_notifications(request.user).only(
        "pk", "kind", "title", "body", "url", "created_at", "read_at"
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    for row in page:
        row.kind_label = KINDS[row.kind].label if row.kind in KINDS else ""
    return render(
        request,
        "notifications/centre.html",
        {"membership": membership, "org": membership.organization, "page": page},
    )


@organization_view()
@require_POST
def read_all(request: HttpRequest, *, membership: Membership) -> HttpResponse:
    marked = (
        in_app_notifications(request.user)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )
    if marked:
        messages.success(
            request, f"Marked {marked} notification{'s' if marked != 1 else ''} as read."
        )
    return redirect(_centre_url(membership))


@organization_view()
@require_POST
def read(request: HttpRequest, notification_id: int, *, membership: Membership) -> HttpResponse:
    """Open a notification: it is read, and the member goes where it points (on this site
    only), or back to the centre."""
    row = get_object_or_404(
        in_app_notifications(request.user).only("pk", "url", "read_at"), pk=notification_id
    )
    if row.read_at is None:
        Notification.objects.filter(pk=row.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect(local_path(row.url) or _centre_url(membership))


# Preferences ------------------------------------------------------------------------------------


def manages_anything(user: User) -> bool:
    """Owner, admin or program manager in some organisation: the managers' kinds are theirs."""
    return Membership.all_organizations.filter(user=user, role__in=MANAGING_ROLES).exists()


def kinds_for(user: User) -> list[Kind]:
    managing = manages_anything(user)
    return [
        kind
        for kind in KINDS.values()
        if kind.in_preferences and (managing or not kind.for_managers)
    ]


def _kept_channels(row, shown: list[Kind]) -> dict:
    """The saved choices of the kinds the page does not show: a save keeps them as they are
    (preferences_update replaces the whole set)."""
    keys = {kind.key for kind in shown}
    return {kind: chosen for kind, chosen in (row.channels or {}).items() if kind not in keys}


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    row = prefs.preferences_of(user)
    kinds = kinds_for(user)
    choices = prefs.choices_of([user.pk])[user.pk]
    if request.method == "POST" and "confirm_email" in request.POST:
        prefs.preferences_update(
            user=user, quiet_start=row.quiet_start, quiet_end=row.quiet_end, confirm_email=True
        )
        messages.success(request, f"Thank you. We email {user.email} again.")
        return redirect("notifications:preferences")
    form = PreferencesForm(request.POST or None, kinds=kinds, choices=choices)
    if request.method == "POST" and form.is_valid():
        start, end = form.quiet_hours
        try:
            prefs.preferences_update(
                user=user,
                channels={**_kept_channels(row, kinds), **form.channels()},
                quiet_start=start,
                quiet_end=end,
                digest=form.cleaned_data["digest"],
                digest_hour=form.cleaned_data["digest_hour"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Your notification settings are saved.")
            return redirect("notifications:preferences")
    zone, zone_known = zone_of(user.timezone)
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "row": row,
            "zone_name": str(zone).replace("_", " "),
            "zone_known": zone_known,
            "urgent_labels": " and ".join(kind.label for kind in kinds if kind.urgent),
            "memberships": Membership.all_organizations.filter(user=user)
            .select_related("organization")
            .order_by("organization__name"),
        },
        status=400 if form.errors else 200,
    )


# Unsubscribe ------------------------------------------------------------------------------------


# No CSRF check: mail providers send RFC 8058 one-click unsubscribes as a cross-site POST
# ("List-Unsubscribe=One-Click") with no cookie and no token of ours, and people open the link
# from their mail app signed out. The signed token in the URL authenticates the request instead:
# it names one user and one kind, cannot be forged without SECRET_KEY, and the only thing it can
# do is turn off that kind's emails for that user (never anything else, never turn on).
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = prefs.read_unsubscribe_token(token)
    user = User.objects.filter(pk=found[0]).first() if found else None
    if user is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    kind = KINDS[found[1]]
    if request.method == "POST":
        prefs.unsubscribe(user, kind.key)
        return render(request, "notifications/unsubscribe.html", {"kind": kind, "done": True})
    return render(request, "notifications/unsubscribe.html", {"kind": kind, "done": False})
