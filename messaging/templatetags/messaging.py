"""How a message's text is shown: every character escaped, line breaks kept, web addresses
made into links that open in a new tab and pass no referrer or ranking."""

from __future__ import annotations

from django import template
from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter(is_safe=True)
def message_html(text: str) -> SafeString:
    """Only http(s) and www. addresses become links (urlize never links javascript: and
    escapes everything else); newlines become <br>."""
    linked = urlize(str(text or ""), nofollow=True, autoescape=True)
    linked = linked.replace('rel="nofollow"', 'rel="nofollow noopener noreferrer" target="_blank"')
    return mark_safe("<br>".join(linked.splitlines()))  # noqa: S308 - escaped by urlize above
