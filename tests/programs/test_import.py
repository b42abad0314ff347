import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from organizations.models import Invitation
from organizations.scope import organization_scope
from programs import services
from programs.imports import MAX_IMPORT_BYTES, ImportFileError, read_participant_csv
from programs.models import Enrolment, EnrolmentState
from tests.conftest import logged_in_client


def read(text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return read_participant_csv([data], len(data))


def test_a_good_file_reads_every_row():
    rows, errors = read(
        "Email,Name,Role,Department\nA@x.com,Ann,Mentor,Sales\nb@x.com,Bo,mentee,\n"
    )
    assert errors == []
    assert [(r.email, r.role, r.department) for r in rows] == [
        ("a@x.com", "mentor", "Sales"),
        ("b@x.com", "mentee", ""),
    ]


def test_bom_and_blank_lines_are_fine():
    rows, _ = read("\ufeffemail,name,role\n\na@x.com,Ann,mentor\n")
    assert len(rows) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("email,role\na@x.com,mentor\n", "missing column: name"),
        ("email,name,role,shoe_size\n", "unknown column: shoe_size"),
        ("", "empty"),
        ("email,name,role\n", "no participants"),
        ("email,name,role\nä@x.com,Jörg,mentor\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_unreadable_files_are_explained(content, message):
    with pytest.raises(ImportFileError, match=message):
        read(content)


def test_a_50_mb_file_is_refused_before_reading():
    with pytest.raises(ImportFileError, match=r"50\.0 MB; the limit is 5 MB"):
        read_participant_csv(iter(()), 50 * 1024 * 1024)
    assert MAX_IMPORT_BYTES == 5 * 1024 * 1024


def test_row_problems_are_reported_by_line():
    _, errors = read(
        "email,name,role,manager_email\nnot-an-email,Ann,mentor,\nb@x.com,,boss,nope\nB@x.com,Bo,mentee,\nc@x.com,Cy,mentee,\n"
    )
    assert [(e.line, e.column) for e in errors] == [
        (2, "email"),
        (3, "name"),
        (3, "role"),
        (3, "manager_email"),
    ]
    _, errors = read("email,name,role\nb@x.com,Bo,mentee\nB@x.com,Bo,mentee\n")
    assert errors[0].message == "B@x.com is already on line 2."


def _upload(client, world, content: bytes):
    url = reverse(
        "programs:participant_import",
        kwargs={
            "org_slug": "alpha",
            "program_id": world.alpha_program.pk,
            "cohort_id": world.alpha_cohort.pk,
        },
    )
    return client.post(
        url, {"import-file": SimpleUploadedFile("people.csv", content, "text/csv")}, follow=True
    )


def test_import_enrols_members_and_invites_the_rest(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    content = f"email,name,role\n{world.alpha_member.email},Max,mentee\nnew1@example.com,New One,mentor\nnew2@example.com,New Two,mentee\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(logged_in_client(world.alpha_owner), world, content.encode())
    assert (
        "Imported 3 participants: 1 members enrolled, 2 invited by email."
        in response.content.decode()
    )
    with organization_scope(world.alpha):
        states = dict(Enrolment.objects.values_list("email", "state"))
    assert states[world.alpha_member.email] == EnrolmentState.APPROVED
    assert states["new1@example.com"] == EnrolmentState.INVITED
    assert sorted(m.to[0] for m in mailoutbox) == ["new1@example.com", "new2@example.com"]


def test_one_bad_row_imports_nothing_and_shows_the_report(world):
    content = b"email,name,role\ngood@example.com,Good,mentor\nbad,Bad,mentor\n"
    response = _upload(logged_in_client(world.alpha_owner), world, content)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported: 1 problem in the file" in body
    assert "“bad” is not an email address." in body
    with organization_scope(world.alpha):
        assert not Enrolment.objects.exists()
        assert not Invitation.objects.filter(email="good@example.com").exists()


def test_already_enrolled_rows_reject_the_file(world):
    client = logged_in_client(world.alpha_owner)
    _upload(client, world, b"email,name,role\nfirst@example.com,First,mentor\n")
    response = _upload(
        client,
        world,
        b"email,name,role\nsecond@example.com,Second,mentor\nfirst@example.com,First,mentor\n",
    )
    assert "first@example.com is already enrolled" in response.content.decode()
    with organization_scope(world.alpha):
        assert list(Enrolment.objects.values_list("email", flat=True)) == ["first@example.com"]


def test_a_10000_row_file_imports_in_bounded_queries(
    world, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    lines = ["email,name,role,department"] + [
        f"person{i}@example.com,Person {i},{'mentor' if i % 4 == 0 else 'mentee'},Team {i % 20}"
        for i in range(10_000)
    ]
    data = ("\n".join(lines) + "\n").encode()
    rows, errors = read_participant_csv([data], len(data))
    assert errors == []
    # Batched writes: PostgreSQL takes 1,000 rows a statement; SQLite's 999-variable limit makes
    # batches of a few dozen rows. Either way nowhere near a query per row.
    max_queries = 80 if connection.vendor == "postgresql" else 400
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        django_assert_max_num_queries(max_queries),
    ):
        result = services.enrolment_import(
            actor_membership=world.alpha_owner_membership, cohort=world.alpha_cohort, rows=rows
        )
    assert result.invited == 10_000
    assert len(callbacks) == 1  # the emails go out in batches after commit
    with organization_scope(world.alpha):
        assert Enrolment.objects.filter(cohort=world.alpha_cohort).count() == 10_000
        assert Invitation.objects.filter(email__startswith="person").count() == 10_000


def test_an_oversized_upload_is_refused_with_a_clear_message(world):
    big = b"email,name,role\n" + b"x" * (MAX_IMPORT_BYTES + 1)
    response = _upload(logged_in_client(world.alpha_owner), world, big)
    assert response.status_code == 400
    assert "the limit is 5 MB" in response.content.decode()
    with organization_scope(world.alpha):
        assert not Enrolment.objects.exists()
