"""Email backends for the delivery tests: one whose server is down, one that refuses every
address, and one that records each message in the database (in the sender's transaction), so
a test sees exactly which emails left."""

from __future__ import annotations

from smtplib import SMTPRecipientsRefused

from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection

DELIVERED_TABLE = "test_delivered_email"


class DownBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("The mail server is not answering")


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise SMTPRecipientsRefused({m.to[0]: (550, b"No such user") for m in messages})


def create_delivered_table() -> None:
    """The table, empty: it is not a model, so the tests' database flush leaves it alone."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {DELIVERED_TABLE} "
            "(message_id varchar(200) NOT NULL, address varchar(254) NOT NULL)"
        )
        cursor.execute(f"DELETE FROM {DELIVERED_TABLE}")  # noqa: S608 - a constant table name


class RecordingBackend(BaseEmailBackend):
    """Delivers into a table, on the connection (and so in the transaction) of the code that
    sends: an email whose sending transaction rolls back was never delivered."""

    def send_messages(self, messages):
        with connection.cursor() as cursor:
            for message in messages:
                message.message()
                cursor.execute(
                    f"INSERT INTO {DELIVERED_TABLE} (message_id, address) VALUES (%s, %s)",  # noqa: S608 - a constant table name
                    [message.extra_headers["Message-ID"], message.to[0]],
                )
        return len(messages)


class SlowRecordingBackend(RecordingBackend):
    """As RecordingBackend, taking a while per message (a slow mail server), so that a test
    can kill the worker in the middle of a batch."""

    def send_messages(self, messages):
        import time

        time.sleep(0.02)
        return super().send_messages(messages)
