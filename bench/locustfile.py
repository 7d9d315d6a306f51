"""The load test's users: a council's mix of roles on the production server, and the bare view.

Run by bench/loadtest.py (which starts PostgreSQL, gunicorn and locust, and checks the targets);
not meant to be run alone. Each simulated person signs in once – username, password, then a
current TOTP code from their own authenticator key (bench/loadtest_prepare.py) – and then works
with think times of a few seconds between pages, as people do:

- front door (MASH) workers: the queue, a request, the triage form, a decision (no further action
  or signposting, so the borough's episodes are unchanged);
- early help workers: their caseload, an episode they lead, its notes, the family; they add case
  notes and record reviews (the form's own scores);
- team managers: the team page and its queues, a worker's caseload, the dashboard;
- partner practitioners: the start page, an episode they lead, and raising a request for help
  about a child they work with (search by NHS number, add, details, check, send);
- BareUser: the same number of people with the same think times, asking the bare view (one row
  read) – the yardstick for throughput and latency in the same run.

Request names are page names (ids folded), so the statistics are per page.
"""

import json
import os
import random
import re
import time
from html.parser import HTMLParser
from itertools import count

from django_otp.oath import totp
from locust import HttpUser, between, events, task

ACCOUNTS = json.load(open(os.environ["LOADTEST_USERS"]))
PASSWORD = ACCOUNTS["password"]
POOLS = {}
for account in ACCOUNTS["accounts"]:
    POOLS.setdefault(account["role"], []).append(account)
NEXT = {role: count() for role in POOLS}
POOLS_SHARED = {}  # role -> True once more people than accounts have signed in
MAX_REQUESTS = int(os.environ.get("LOADTEST_MAX_REQUESTS", "20000"))
THINK = (float(os.environ.get("LOADTEST_THINK_MIN", "3")),
         float(os.environ.get("LOADTEST_THINK_MAX", "10")))  # fmt: skip
# The server is behind "the council's proxy": it terminates TLS and says so.
HEADERS = {"X-Forwarded-Proto": "https"}
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
sent = count(1)


PEOPLE = int(os.environ.get("LOADTEST_PEOPLE", "50"))
SIGN_INS = {}  # page -> response times (ms) of the sign-in steps, kept across the stats reset
signed_in = count(1)


@events.request.add_listener
def _bound(name="", response_time=0, **_kwargs):
    """Bounded in requests as well as time: stop once the budget is spent."""
    if name.startswith("sign in"):
        SIGN_INS.setdefault(name, []).append(response_time)
    if next(sent) == MAX_REQUESTS:
        from locust.runners import STATE_STOPPED, STATE_STOPPING

        runner = _bound.environment.runner
        if runner and runner.state not in (STATE_STOPPING, STATE_STOPPED):
            runner.quit()


@events.init.add_listener
def _remember(environment, **_kwargs):
    _bound.environment = environment


@events.quitting.add_listener
def _save_sign_ins(**_kwargs):
    if os.environ.get("LOADTEST_SIGN_INS"):
        with open(os.environ["LOADTEST_SIGN_INS"], "w") as handle:
            json.dump(SIGN_INS, handle)


def _all_signed_in():
    """Steady state starts when everyone has signed in (a hundred password hashes at once are
    the morning rush, not the day): the page statistics are reset then."""
    if next(signed_in) == PEOPLE:
        _bound.environment.runner.stats.reset_all()


class Form(HTMLParser):
    """The fields of the POST forms on a page: name -> value (as the browser would send them
    untouched), radio choices, and the first value of each select."""

    def __init__(self, html):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}, "radios": {},
                          "selects": {}}  # fmt: skip
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind == "radio":
                self._form["radios"].setdefault(name, []).append(a.get("value", ""))
                if "checked" in a:
                    self._form["fields"][name] = a.get("value", "")
            elif kind == "checkbox":
                if "checked" in a:
                    self._form["fields"][name] = a.get("value", "on")
            elif kind not in ("submit", "button"):
                self._form["fields"][name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self._form["fields"][name] = ""
        elif tag == "select" and name:
            self._select = name
            self._form["selects"][name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            self._form["selects"][self._select].append(value)
            if "selected" in a:
                self._form["fields"][self._select] = value

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def filled(self, action_part="", **overrides):
        """The form whose action contains action_part (else the biggest), every radio group
        answered with its first choice and every select with its first real option, then the
        overrides."""
        forms = [f for f in self.forms if action_part in f["action"]] or self.forms
        form = max(forms, key=lambda f: len(f["fields"]) + len(f["radios"]))
        data = dict(form["fields"])
        for name, choices in form["radios"].items():
            data.setdefault(name, choices[0])
        for name, options in form["selects"].items():
            if not data.get(name):
                real = [o for o in options if o]
                data[name] = real[0] if real else ""
        data.update(overrides)
        return data


class Person(HttpUser):
    abstract = True
    wait_time = between(*THINK)
    role = ""

    def on_start(self):
        self.client.headers.update(HEADERS)
        pool = POOLS[self.role]
        n = next(NEXT[self.role])
        self.account = pool[n % len(pool)]
        if n >= len(pool):
            POOLS_SHARED[self.role] = True
        self.sign_in()

    def loopback_cookies(self):
        """Production cookies are Secure (sent over HTTPS only); here the pretend proxy's TLS
        ends before 127.0.0.1, so the client must send them back over plain HTTP."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def get(self, url, name, **kwargs):
        with self.client.get(url, name=name, catch_response=True, **kwargs) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} from {url}")
        self.loopback_cookies()
        return response

    def post(self, url, data, name, expect=(302,)):
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        with self.client.post(url, data=data, name=name, allow_redirects=False,
                              headers={"Referer": f"https://{self.host_name}{url}"},
                              catch_response=True) as response:  # fmt: skip
            if response.status_code not in expect:
                snippet = re.findall(r"govuk-error-summary__list.*?</ul>", response.text, re.S)
                response.failure(f"{response.status_code} from POST {url} "
                                 f"{snippet[0][:300] if snippet else ''}")  # fmt: skip
        self.loopback_cookies()
        return response

    @property
    def host_name(self):
        return self.host.split("://", 1)[1].rstrip("/")

    def sign_in(self):
        self.get("/sign-in/", "sign in (form)")
        self.post("/sign-in/", {"username": self.account["username"], "password": PASSWORD},
                  "sign in (password)")  # fmt: skip
        self.get("/account/two-factor/verify/", "sign in (two-factor form)")
        key = bytes.fromhex(self.account["totp_key"])
        if POOLS_SHARED.get(self.role):
            # A shared account (small borough only): a code is accepted once, so wait for a
            # fresh one.
            time.sleep(31 - time.time() % 30)
        self.post("/account/two-factor/verify/", {"code": f"{totp(key):06d}"},
                  "sign in (two-factor code)")  # fmt: skip
        _all_signed_in()

    def links(self, html, pattern):
        return sorted(set(re.findall(f'href="({pattern})"', html)))


class FrontDoor(Person):
    weight = 8
    role = "frontdoor"

    @task(3)
    def queue_and_triage(self):
        queue = self.get("/front-door/", "front door queue")
        contacts = self.links(queue.text, f"/front-door/contacts/{UUID}/")
        if not contacts:
            return
        # Each triager takes their own share of the queue, as a MASH team divides it.
        index = POOLS[self.role].index(self.account)
        mine = contacts[index :: len(POOLS[self.role])] or contacts
        contact = random.choice(mine)
        self.get(contact, "contact")
        self.wait()
        form = self.get(f"{contact}triage/", "triage form")
        if form.status_code != 200 or random.random() < 0.3:
            return  # read, but decided later
        self.wait()
        data = Form(form.text).filled(
            "triage", outcome=random.choice(["nfa", "signpost"]), rag="green",
            rationale="Load test: needs met by universal services; advice given to the family.",
        )  # fmt: skip
        data.pop("indicators", None)
        data["level"] = Form(form.text).filled("triage").get("level", "")
        self.post(f"{contact}triage/", data, "triage decision", expect=(302,))

    @task(1)
    def start_page(self):
        self.get("/", "start")


class Worker(Person):
    weight = 24
    role = "worker"

    def episode(self):
        return f"/episodes/{random.choice(self.account['episodes'])}/"

    @task(4)
    def caseload(self):
        self.get("/caseload/", "caseload")

    @task(6)
    def episode_and_family(self):
        url = self.episode()
        page = self.get(url, "episode")
        self.wait()
        families = self.links(page.text, f"/families/{UUID}/")
        if families:
            self.get(families[0], "family")

    @task(3)
    def notes(self):
        self.get(f"{self.episode()}notes/", "case notes")

    @task(3)
    def add_note(self):
        url = f"{self.episode()}notes/add/"
        self.get(url, "add note (form)")
        self.wait()
        self.post(url, {"subject": "Home visit",
                        "text": "Visited the family at home; the plan's actions were discussed."},
                  "add note")  # fmt: skip

    @task(1)
    def record_review(self):
        url = f"{self.episode()}reviews/add/"
        form = self.get(url, "record review (form)")
        if form.status_code != 200:
            return
        self.wait()
        data = Form(form.text).filled(
            "reviews", attendees="Parent, lead practitioner, school", summary="Progress reviewed.",
        )  # fmt: skip
        for name in [n for n in data if n.startswith("score_")]:
            data[name] = str(random.randint(3, 9))
        # The family's own rating is optional; answering every radio group with its first
        # choice would pick a face for a rater who is not a child under 8 (a form error).
        for name in [n for n in data if n.startswith("face_")]:
            del data[name]
        self.post(url, data, "record review")


class Manager(Person):
    weight = 6
    role = "manager"

    @task(4)
    def team(self):
        page = self.get("/team/", "team")
        queues = self.links(page.text, r"/team/[a-z0-9-]+/")
        if queues:
            self.wait()
            self.get(random.choice(queues), "team queue")
        workers = self.links(page.text, f"/caseload/{UUID}/")
        if workers:
            self.wait()
            self.get(random.choice(workers), "worker's caseload")

    @task(2)
    def dashboard(self):
        self.get("/insights/", "dashboard")


class Partner(Person):
    weight = 12
    role = "partner"

    @task(2)
    def start_and_episode(self):
        self.get("/", "start")
        if self.account.get("episodes"):
            self.wait()
            self.get(f"/episodes/{random.choice(self.account['episodes'])}/", "episode")

    @task(1)
    def raise_request(self):
        numbers = self.account.get("nhs_numbers") or []
        if not numbers:
            return
        self.get("/requests/new/", "request: who")
        self.wait()
        found = self.get(f"/requests/new/?nhs_number={random.choice(numbers)}",
                         "request: search")  # fmt: skip
        people = re.findall(r'name="person_id" value="([0-9a-f-]{36})"', found.text)
        if not people:
            found.failure("the search found nobody")
            return
        self.post("/requests/new/add/", {"person_id": people[0]}, "request: add person")
        self.wait()
        details = self.get("/requests/new/details/", "request: details (form)")
        data = Form(details.text).filled(
            "details", concerns="Attendance has dropped and the family asked the school for help.",
            family_consents_to_request="yes", family_consents_to_share="yes",
        )  # fmt: skip
        data.pop("priority", None)
        self.post("/requests/new/details/", data, "request: details")
        self.wait()
        self.get("/requests/new/check/", "request: check")
        self.post("/requests/new/check/", {}, "request: send")


class BareUser(HttpUser):
    """As many people, with the same think times, asking the bare view."""

    weight = 50
    wait_time = between(*THINK)

    def on_start(self):
        self.client.headers.update(HEADERS)

    @task
    def bare(self):
        self.client.get("/bench/bare/", name="bare view (one row)")
