"""The load benchmark's users, for locust (run by benchmarks/load.py as `locust --headless`; never
imported by the app or the test suite: locust patches the standard library for gevent).

Each user takes the next account of the plan (LOAD_PLAN, a JSON file written by load.py), signs
in through the sign-in form as a browser does (the CSRF token from the form, the session cookie
kept), and then, with a think time between actions:

- a participant (mentor or mentee) opens their mentorships, the mentorship's home page and its
  goals, ticks a milestone off or reopens it (the form's POST, then the goal page it leads to),
  reads the conversation page and sends a message through the API (with their API token, as a
  phone app would), and polls the bell's unread count;
- a program manager or report viewer opens the reports dashboard of a program, the pairs of a
  cohort, the dashboard's API and the unread count.

Sign-ins happen while users are spawned; load.py resets the statistics once every user runs, so
the figures are the steady mix. The sign-ins are written to LOAD_LOGINS (a JSON file) at the end.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time
import uuid

from locust import FastHttpUser, between, events, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read())  # noqa: SIM115 - read once at import
SLUG = PLAN["org_slug"]
WAIT_MIN = float(os.environ["LOAD_WAIT_MIN"])
WAIT_MAX = float(os.environ["LOAD_WAIT_MAX"])
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BODY = "Thanks! I wrote down the three points; shall we pick them up on Thursday?"

_participants = itertools.cycle(PLAN["participants"])
_managers = itertools.cycle(PLAN["managers"])
_logins: list[dict] = []


@events.quitting.add_listener
def _write_logins(environment, **kwargs) -> None:
    with open(os.environ["LOAD_LOGINS"], "w") as out:
        json.dump(_logins, out)


def why(response) -> str:
    """The status, and the connection error when there was no answer."""
    error = getattr(response, "error", None)
    return f"{response.status_code} {type(error).__name__}" if error else str(response.status_code)


class SignedIn(FastHttpUser):
    abstract = True
    wait_time = between(WAIT_MIN, WAIT_MAX)
    # One connection per user, as one browser tab; the default would open up to 10.
    concurrency = 1
    account: dict

    def on_start(self) -> None:
        self.origin = self.host.rstrip("/")
        self.api = {"Authorization": f"Bearer {self.account['token']}"}
        self.sign_in()

    def sign_in(self) -> None:
        started = time.perf_counter()
        ok, reason = False, ""
        with self.client.get(
            "/accounts/login/", name="sign-in form", catch_response=True
        ) as form_page:
            match = CSRF_INPUT.search(form_page.text or "")
            if form_page.status_code != 200 or match is None:
                reason = f"no sign-in form ({why(form_page)})"
                form_page.failure(reason)
        if match is not None:
            with self.client.post(
                "/accounts/login/",
                name="sign in",
                data={
                    "login": self.account["email"],
                    "password": PLAN["password"],
                    "csrfmiddlewaretoken": match[1],
                },
                headers={"Origin": self.origin, "Referer": f"{self.origin}/accounts/login/"},
                allow_redirects=False,
                catch_response=True,
            ) as answer:
                # Signed in: a redirect away from the form; refused: the form again (200).
                ok = answer.status_code == 302 and "/accounts/login/" not in (
                    answer.headers.get("Location") or ""
                )
                if not ok:
                    reason = f"sign-in refused ({why(answer)})"
                    answer.failure(reason)
        _logins.append({"seconds": time.perf_counter() - started, "ok": ok, "reason": reason})

    def csrf(self) -> dict:
        token = next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")
        return {"X-CSRFToken": token, "Origin": self.origin, "Referer": f"{self.origin}/"}

    @task(3)
    def unread_count(self) -> None:
        self.client.get(
            f"/api/v1/orgs/{SLUG}/notifications/unread-count/",
            name="API notifications unread count",
            headers=self.api,
        )


class Participant(SignedIn):
    weight = 9

    def on_start(self) -> None:
        self.account = next(_participants)
        self.mentorship = self.account["mentorship"]
        self.done: dict[int, bool] = {}
        super().on_start()

    @task(3)
    def my_mentorships(self) -> None:
        self.client.get(f"/o/{SLUG}/my-mentorships/", name="my mentorships")

    @task(3)
    def mentorship_home(self) -> None:
        self.client.get(f"/o/{SLUG}/mentorships/{self.mentorship}/", name="mentorship home")

    @task(2)
    def goals(self) -> None:
        self.client.get(f"/o/{SLUG}/mentorships/{self.mentorship}/goals/", name="goals")

    @task(1)
    def milestone(self) -> None:
        milestones = self.account["milestones"]
        milestone = milestones[int(time.time() * 1000) % len(milestones)]
        # The seeded first step of each goal is done, the others open.
        done = self.done.get(milestone, milestone == min(milestones))
        action = "reopen" if done else "done"
        with self.client.post(
            f"/o/{SLUG}/milestones/{milestone}/{action}/",
            name=f"milestone {action}",
            data={"evidence": "Gave the talk"} if action == "done" else {},
            headers=self.csrf(),
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"expected a redirect to the goal, got {answer.status_code}")
                return
            location = answer.headers.get("Location") or ""
        self.done[milestone] = not done
        self.client.get(location, name="goal (after a milestone)")

    @task(2)
    def conversation(self) -> None:
        self.client.get(
            f"/o/{SLUG}/messages/{self.account['conversation']}/", name="conversation page"
        )

    @task(2)
    def send_message(self) -> None:
        self.client.post(
            f"/api/v1/orgs/{SLUG}/conversations/{self.account['conversation']}/messages/",
            name="API send message",
            json={"body": BODY, "client_key": f"load-{uuid.uuid4().hex}"},
            headers=self.api,
        )


class Manager(SignedIn):
    weight = 1

    def on_start(self) -> None:
        self.account = next(_managers)
        self.cohorts = self.account["cohorts"]
        super().on_start()

    def pick(self) -> tuple[int, int]:
        return self.cohorts[int(time.time() * 1000) % len(self.cohorts)]

    @task(2)
    def reports(self) -> None:
        program, _ = self.pick()
        self.client.get(f"/o/{SLUG}/reports/?program={program}", name="reports dashboard")

    @task(2)
    def cohort_pairs(self) -> None:
        program, cohort = self.pick()
        self.client.get(
            f"/o/{SLUG}/programs/{program}/cohorts/{cohort}/pairs/", name="cohort pairs"
        )

    @task(1)
    def api_dashboard(self) -> None:
        program, _ = self.pick()
        self.client.get(
            f"/api/v1/orgs/{SLUG}/reports/dashboard/?program={program}",
            name="API reports dashboard",
            headers=self.api,
        )
