"""{% survey_card membership mentorship %}: on a mentorship's page, the surveys its person may
answer now (nothing for anyone else). No query until a survey's moment came; then one."""

from __future__ import annotations

from django import template

from surveys.selectors import open_surveys_for

register = template.Library()


@register.inclusion_tag("surveys/_mentorship_card.html")
def survey_card(membership, mentorship) -> dict:
    return {
        "membership": membership,
        "mentorship": mentorship,
        "surveys": open_surveys_for(membership, mentorship),
    }
