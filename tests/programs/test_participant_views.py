import pytest
from django.urls import reverse

from organizations.scope import organization_scope
from programs import services
from programs.models import EnrolmentState, ProfileAnswer
from tests.conftest import logged_in_client

VALID_FORM = {
    "goals": "Lead my team with confidence.",
    "skills_wanted": ["Leadership", "Public speaking"],
    "function": "Engineering",
    "experience_years": "2 to 5 years",
    "department": "Payments",
    "languages": ["English", "German"],
    "timezone": "Europe/Berlin",
    "availability": ["0:540:720", "2:1080:1260"],
    "learning_style": "Talking things through and reflecting",
    "communication_style": "Direct and to the point",
    "values": ["Growth", "Impact"],
    **{f"personality__{n}": "4" for n in range(1, 11)},
}


@pytest.fixture
def enrolment(world):
    return services.enrolment_add_member(
        actor_membership=world.alpha_owner_membership,
        cohort=world.alpha_cohort,
        member=world.alpha_member_membership,
        role="mentee",
    )


def _profile_url(enrolment):
    return reverse("programs:profile", kwargs={"org_slug": "alpha", "enrolment_id": enrolment.pk})


def test_my_programs_lists_the_members_cohorts(world, enrolment, django_assert_max_num_queries):
    client = logged_in_client(world.alpha_member)
    with django_assert_max_num_queries(9):  # with the navigation's two unread counts
        response = client.get(reverse("programs:my_programs", kwargs={"org_slug": "alpha"}))
    body = response.content.decode()
    assert world.alpha_program.name in body
    assert "Fill in your profile" in body


def test_profile_form_renders_every_kind_and_saves(world, enrolment):
    client = logged_in_client(world.alpha_member)
    page = client.get(_profile_url(enrolment)).content.decode()
    assert "What do you want to achieve in this program?" in page
    assert "Which skills can you help others grow?" not in page  # a mentor question
    assert "Monday 09:00–12:00" in page  # noqa: RUF001
    assert "I see myself as: Extraverted, enthusiastic." in page
    response = client.post(_profile_url(enrolment), VALID_FORM)
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.state == EnrolmentState.PROFILE_COMPLETE
    with organization_scope(world.alpha):
        answers = dict(
            ProfileAnswer.objects.filter(enrolment=enrolment).values_list("question_key", "value")
        )
    assert answers["availability"] == [[0, 540, 720], [2, 1080, 1260]]
    assert answers["personality"]["traits"]["openness"] == 4.0
    # The saved answers come back into the form.
    again = client.get(_profile_url(enrolment))
    assert again.context["form"].initial["availability"] == ["0:540:720", "2:1080:1260"]


def test_invalid_profile_shows_each_problem_and_saves_nothing(world, enrolment):
    client = logged_in_client(world.alpha_member)
    data = {**VALID_FORM, "goals": "", "personality__3": ""}
    response = client.post(_profile_url(enrolment), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "This question needs an answer." in body
    assert "Answer all 10 statements." not in body  # a gap is reported per rating instead
    assert "Statement 3" in body
    with organization_scope(world.alpha):
        assert not ProfileAnswer.objects.filter(enrolment=enrolment).exists()


def test_other_people_cannot_open_the_profile(world, enrolment):
    assert logged_in_client(world.alpha_owner).get(_profile_url(enrolment)).status_code == 404


def test_withdraw_from_my_programs(world, enrolment):
    client = logged_in_client(world.alpha_member)
    url = reverse("programs:withdraw", kwargs={"org_slug": "alpha", "enrolment_id": enrolment.pk})
    response = client.post(url, follow=True)
    assert "You have withdrawn" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.state == EnrolmentState.WITHDRAWN
    assert "You withdrew from this cohort." in client.get(_profile_url(enrolment)).content.decode()


def test_mentors_set_how_many_mentees_they_take_on(world):
    mentor = services.enrolment_add_member(
        actor_membership=world.alpha_owner_membership,
        cohort=world.alpha_cohort,
        member=world.membership(world.alpha, world.alpha_admin),
        role="mentor",
    )
    client = logged_in_client(world.alpha_admin)
    page = client.get(_profile_url(mentor))
    assert (
        page.context["form"].initial["mentor_capacity"]
        == world.alpha_program.default_mentor_capacity
    )
    answers = {
        "experience": "Ten years of sales leadership.",
        "skills_offered": ["Negotiation"],
        "function": "Sales",
        "experience_years": "10 to 15 years",
        "department": "Sales",
        "languages": ["English"],
        "timezone": "Europe/Paris",
        "availability": ["1:540:720"],
    }
    bad = client.post(_profile_url(mentor), {**answers, "mentor_capacity": "80"})
    assert bad.status_code == 400
    assert client.post(_profile_url(mentor), {**answers, "mentor_capacity": "3"}).status_code == 302
    mentor.refresh_from_db()
    assert mentor.mentor_capacity == 3
    # Mentees are not asked.
    mentee = logged_in_client(world.alpha_member)
    mentee_enrolment = services.enrolment_add_member(
        actor_membership=world.alpha_owner_membership,
        cohort=world.alpha_cohort,
        member=world.alpha_member_membership,
        role="mentee",
    )
    assert (
        "mentor_capacity" not in mentee.get(_profile_url(mentee_enrolment)).context["form"].fields
    )
