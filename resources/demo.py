"""The demo program's library: about twenty varied resources (links, articles, e-books, files,
webinars and events, the mentor guide) and a few shared into the demo pairs, one of them done.
Added through the services, as a program manager would. Idempotent: a program that has a
library keeps it as it is."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from goals.models import Goal
from organizations.models import Membership
from organizations.scope import organization_scope
from programs import selectors as program_selectors
from programs.models import Mentorship, MentorshipStatus, Program
from resources import sharing
from resources.models import Resource
from resources.services import ResourceDetails, resource_create

DAY = datetime.timedelta(days=1)

# (kind, title, description, url, skills, tags, audience, stage, in the mentor guide)
LINKS = [
    ("article", "Running your first mentoring meeting",
     "A one-hour plan for the first conversation: get to know each other, talk about what the "
     "mentee wants from the next six months, and agree how you will work together.",
     "https://example.com/guide/first-meeting", (), ("first meeting", "agenda"), "mentor",
     "first_month", True),
    ("article", "Agreeing on boundaries and confidentiality",
     "What stays between you, how often you meet, how you reach each other, and what to do "
     "when something is outside a mentor's role.",
     "https://example.com/guide/boundaries", (), ("agreement", "confidentiality"), "mentor",
     "first_month", True),
    ("article", "Giving feedback that helps",
     "Situation, behaviour, impact: a simple way to give feedback your mentee can act on, with "
     "examples of what to say and what to avoid.",
     "https://example.com/guide/feedback", ("Giving feedback",), ("feedback",), "mentor", "",
     True),
    ("link", "Questions that open a conversation",
     "Forty open questions for when a meeting stalls, from career direction to confidence.",
     "https://example.com/guide/questions", (), ("coaching", "questions"), "mentor", "", True),
    ("article", "Closing a mentorship well",
     "How to look back on what changed, celebrate it, and decide whether to keep in touch.",
     "https://example.com/guide/closing", (), ("reflection",), "both", "closing", True),
    ("article", "Making the most of being mentored",
     "Come with a question, leave with a next step: how mentees get the most from each "
     "meeting.", "https://example.com/mentees/most", (), ("getting started",), "mentee",
     "first_month", False),
    ("article", "Setting goals you will actually reach",
     "SMART goals in practice: from 'get better at presenting' to a goal with a date and a way "
     "to know you got there.", "https://example.com/goals/smart", ("Career planning",),
     ("goals", "planning"), "both", "first_month", False),
    ("link", "Storytelling for presentations",
     "A short video course on structuring a talk as a story: the hook, the turn, the ask.",
     "https://example.com/speaking/storytelling", ("Public speaking",),
     ("presenting", "talks"), "both", "", False),
    ("ebook", "The confident speaker",
     "An e-book of exercises to speak up in meetings and present without notes.",
     "https://example.com/books/confident-speaker", ("Public speaking",),
     ("confidence", "meetings"), "mentee", "middle", False),
    ("article", "From engineer to tech lead",
     "What changes when you lead a squad: delegation, one-to-ones, and leading a project end "
     "to end.", "https://example.com/leadership/tech-lead", ("Leadership", "Project management"),
     ("tech lead", "project"), "mentee", "", False),
    ("ebook", "Negotiation: getting to a fair deal",
     "Prepare your walk-away point, listen for interests, and trade rather than concede.",
     "https://example.com/books/negotiation", ("Negotiation",), ("sales", "contracts"), "both",
     "", False),
    ("link", "Building a network that helps you grow",
     "Practical ways to meet people in your field without feeling awkward about it.",
     "https://example.com/networking", ("Networking",), ("community",), "mentee", "", False),
    ("article", "A first data science project in Python",
     "From a question to a notebook to a chart your stakeholders understand.",
     "https://example.com/data/first-project", ("Python", "Data analysis"),
     ("data science", "notebooks"), "mentee", "", False),
    ("article", "Managing stakeholders without the drama",
     "Map who cares about your work, what they need to hear, and when.",
     "https://example.com/stakeholders", ("Stakeholder management",), ("influence",), "both",
     "middle", False),
    ("link", "Protecting your focus time",
     "Calendar habits that leave room for deep work and for your mentoring meetings.",
     "https://example.com/time", ("Time management",), ("habits",), "both", "", False),
    ("article", "Writing a one-page project brief",
     "A template and three examples of briefs that got a project started.",
     "https://example.com/writing/brief", ("Writing", "Project management"), ("template",),
     "both", "", False),
]  # fmt: skip

# (kind, title, description, join link, skills, days from now, hours long, audience)
EVENTS = [
    ("webinar", "Feedback clinic: practise with other mentors",
     "Bring a feedback conversation you find hard; practise it in small groups.",
     "https://example.com/live/feedback-clinic", ("Giving feedback",), 9, 1, "mentor"),
    ("webinar", "Presenting with confidence",
     "A live session with a speaking coach, with time for your questions.",
     "https://example.com/live/presenting", ("Public speaking",), 16, 1, "mentee"),
    ("event", "Mid-program meet-up",
     "Mentors and mentees of the cohort meet in the Lisbon office and online: short talks, "
     "then time together.", "https://example.com/live/meetup", ("Networking",), 23, 2, "both"),
]  # fmt: skip

# Files: (title, file name, description, skills, audience, in the mentor guide)
FILES = [
    ("Mentoring agreement worksheet", "agreement-worksheet.pdf",
     "A one-page worksheet to fill in together before you confirm your agreement.", (), "both",
     True),
    ("Career conversation slides", "career-conversation.pdf",
     "Slides to walk through a career conversation: where you are, where you want to be, "
     "and the first steps.", ("Career planning",), "both", False),
]  # fmt: skip


def _pdf(title: str) -> bytes:
    """A small, valid one-page PDF with the title on it."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


def _member(organization, user_id: int) -> Membership:
    return Membership.objects.select_related("organization", "user").get(
        organization=organization, user_id=user_id
    )


def seed_demo_library(*, manager: Membership, program: Program) -> None:
    organization = program.organization
    with organization_scope(organization):
        if Resource.objects.filter(program=program).exists():
            return
        skills = {s.lower() for s in program.skills}

        def known(found):
            return tuple(s for s in found if s.lower() in skills)

        for kind, title, text, url, found, tags, audience, stage, guide in LINKS:
            resource_create(
                actor=manager, program=program,
                details=ResourceDetails(
                    kind=kind, title=title, description=text, url=url, skills=known(found),
                    tags=tags, audience=audience, stage=stage, in_mentor_guide=guide,
                ),
            )  # fmt: skip
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        for kind, title, text, url, found, days, hours, audience in EVENTS:
            starts = (now + days * DAY).replace(hour=16)
            resource_create(
                actor=manager, program=program,
                details=ResourceDetails(
                    kind=kind, title=title, description=text, url=url, skills=known(found),
                    starts_at=starts, ends_at=starts + datetime.timedelta(hours=hours),
                    audience=audience,
                ),
            )  # fmt: skip
        for title, name, text, found, audience, guide in FILES:
            resource_create(
                actor=manager, program=program,
                details=ResourceDetails(
                    kind="file", title=title, description=text, skills=known(found),
                    audience=audience, in_mentor_guide=guide,
                ),
                upload=SimpleUploadedFile(name, _pdf(title), content_type="application/pdf"),
            )  # fmt: skip
        _share_into_pairs(program)


def _share_into_pairs(program: Program) -> None:
    """The first pairs (six weeks in) shared a few things: the mentor a resource for a goal
    (the mentee read it), the mentee their project brief draft."""
    organization = program.organization
    mentorships = list(
        Mentorship.objects.filter(cohort__program=program, status=MentorshipStatus.ACTIVE)
        .filter(goals__isnull=False)
        .distinct()
        .order_by("pk")[:3]
    )
    library = {r.title: r for r in Resource.objects.filter(program=program)}
    for number, found in enumerate(mentorships):
        mentor = _member(organization, found.mentor.user_id)
        mentorship = program_selectors.get_mentorship_for(mentor, found.pk)
        mentorship.organization = organization
        mentee = _member(organization, mentorship.members.all()[0].mentee.user_id)
        goals = list(Goal.objects.filter(mentorship=mentorship).order_by("pk"))
        lead, speak = goals[0], goals[-1]
        read = sharing.resource_share(
            actor=mentor, mentorship=mentorship,
            resource_id=library["Writing a one-page project brief"].pk,
            note="The second example is close to what you want to do.", goal_id=lead.pk,
        )  # fmt: skip
        if number == 0:
            sharing.shared_item_complete(actor=mentee, item=read)
        sharing.resource_share(
            actor=mentor, mentorship=mentorship,
            resource_id=library["Storytelling for presentations"].pk,
            note="Watch the part about the ask before your next review.", goal_id=speak.pk,
        )  # fmt: skip
        if number < 2:
            sharing.document_share(
                actor=mentee, mentorship=mentorship, title="Project brief, first draft",
                note="Could you look at the scope section?", goal_id=lead.pk,
                upload=SimpleUploadedFile(
                    "project-brief-draft.txt",
                    b"Project brief (draft)\n\nGoal: ship the onboarding revamp.\n"
                    b"Scope: the first week of a new hire.\nOpen question: who signs off?\n",
                ),
            )  # fmt: skip
