"""A request for support, for anyone who may raise one: find people first, then tell us more.

Find (search existing people) → add someone new → the household (only when nobody was found) →
the details → check your answers → sent. The draft lives in the session; nothing is saved until
the last step, and then everything is saved together."""

import datetime as dt
import uuid

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from earlyhelp.access import policy
from earlyhelp.access.scoping import get_visible_or_404, visible_contacts
from earlyhelp.core import dates
from earlyhelp.frontdoor import rules, services
from earlyhelp.frontdoor.models import Contact
from earlyhelp.people.models import Person
from earlyhelp.people.selectors import person_match_for_referral
from earlyhelp.thresholds.models import NeedTheme
from earlyhelp.web.forms.base import GovukForm
from earlyhelp.web.views.base import attempt, page

from ..forms.requests import HouseholdForm, NewPersonForm, PersonSearchForm, RequestDetailsForm
from .request_draft import clear_draft, default_source, get_draft, save_draft


def _guard(request):
    policy.require(request.user, policy.Action.RAISE_REQUEST)


def _age(born: dt.date | None) -> int | None:
    return dates.age_on(born, dates.today())


def _label(choices, value) -> str:
    return dict(choices.choices).get(value, value or "")


def _next_step(draft) -> str:
    if not draft["people"] and not draft["new_people"]:
        return "web:request_start"
    if not draft["family_id"] and not draft["household"]:
        return "web:request_household"
    if not draft["details"] or not _giver_still_there(draft):
        return "web:request_details"
    return "web:request_check"


def _draft_people(draft) -> list[dict]:
    """Everyone in the draft as {key, name, age}: found people by id, new ones by their draft id."""
    people = [{"key": f"p:{p['id']}", "name": p["name"], "born": p["date_of_birth"]}
              for p in draft["people"]]
    people += [{"key": f"n:{p.get('uid', index)}",
                "name": f"{p['given_name']} {p['family_name']}".strip(),
                "born": p["date_of_birth"], "expected": p.get("expected_date_of_birth") or ""}
               for index, p in enumerate(draft["new_people"])]
    for person in people:
        person["age"] = _age(_date(person["born"]))
    return people


def _givers(draft) -> list[tuple[str, str]]:
    return [(p["key"], p["name"] + (f" (aged {p['age']})" if p["age"] is not None else ""))
            for p in _draft_people(draft)
            if rules.may_answer_for_family(p["age"])]


def _giver_still_there(draft) -> bool:
    """A person removed after the details were given may have been the one who answered."""
    giver = (draft["details"] or {}).get("consent_given_by") or ""
    return giver in ("", RequestDetailsForm.OTHER_GIVER) or giver in dict(_givers(draft))


@login_required
def request_start(request):
    """Find the people the request is about (to avoid duplicate records)."""
    _guard(request)
    draft = get_draft(request)
    searched = any(k in request.GET for k in ("name", "nhs_number", "upn", "postcode"))
    form = PersonSearchForm(request.GET if searched else None)
    matches = None
    if searched and form.is_valid():
        data = form.cleaned_data
        matches = person_match_for_referral(
            user=request.user,
            name=data["name"],
            date_of_birth=data["date_of_birth"],
            nhs_number=data["nhs_number"],
            upn=data["upn"],
            postcode=data["postcode"],
        )
        # Only people found by this search may be added. Ids stay in the session: the page
        # names each match by its token, so a record the user cannot open is never identified.
        draft["last_matches"] = [
            {
                "key": m["match"],
                "id": str(m["person_pk"]),
                "name": m["name"],
                "date_of_birth": m["date_of_birth"].isoformat() if m["date_of_birth"] else "",
                "family_id": str(m["family_id"]) if m["family_id"] else None,
            }
            for m in matches
        ]
        save_draft(request, draft)
    chosen = {p["key"] for p in draft["people"] if "key" in p}
    for match in matches or []:
        match["chosen"] = match["match"] in chosen
    return page(
        request,
        "frontdoor/requests/start.html",
        {
            "page_title": "Who is the request about?",
            "form": form,
            "matches": matches,
            "draft": draft,
            "next_step": _next_step(draft),
            "has_people": bool(draft["people"] or draft["new_people"]),
            "add_error": request.session.pop("request_add_error", ""),
        },
    )


@login_required
@require_POST
def request_add_person(request):
    _guard(request)
    draft = get_draft(request)
    key = request.POST.get("match", "")
    match = next((m for m in draft["last_matches"] if m.get("key") == key), None)
    if match is None:
        return redirect("web:request_start")
    if any(p["id"] == match["id"] for p in draft["people"]):
        return redirect("web:request_start")
    if draft["family_id"] and match["family_id"] and match["family_id"] != draft["family_id"]:
        request.session["request_add_error"] = (
            f"{match['name']} lives in a different household from the people already added. "
            "Raise a separate request for each household."
        )
        return redirect("web:request_start")
    born = dt.date.fromisoformat(match["date_of_birth"]) if match["date_of_birth"] else None
    age = _age(born)
    draft["people"].append(
        {
            "id": match["id"],
            "key": match["key"],
            "name": match["name"],
            "date_of_birth": match["date_of_birth"],
            "subject": age is None or age < 18,
        }
    )
    if match["family_id"]:
        draft["family_id"] = match["family_id"]
        draft["household"] = None
    save_draft(request, draft)
    return redirect("web:request_start")


@login_required
@require_POST
def request_remove_person(request):
    _guard(request)
    draft = get_draft(request)
    key = request.POST.get("key", "")
    if key.startswith("new-"):
        index = int(key[4:]) if key[4:].isdigit() else -1
        if 0 <= index < len(draft["new_people"]):
            draft["new_people"].pop(index)
    else:
        draft["people"] = [p for p in draft["people"] if p.get("key") != key]
        if not draft["people"]:
            draft["family_id"] = None
    save_draft(request, draft)
    return redirect("web:request_start")


@login_required
def request_new_person(request):
    _guard(request)
    draft = get_draft(request)
    form = NewPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draft["new_people"].append(
            {
                "given_name": data["given_name"],
                "family_name": data["family_name"],
                "date_of_birth": data["date_of_birth"].isoformat() if data["date_of_birth"] else "",
                "expected_date_of_birth": data["expected_date_of_birth"].isoformat()
                if data["expected_date_of_birth"]
                else "",
                "sex": data["sex"],
                "nhs_number": data["nhs_number"],
                "upn": data["upn"],
                "role": data["role"],
                "relationship": data["relationship"],
                "is_subject": data["is_subject"] == "yes",
                "uid": uuid.uuid4().hex,  # stable while others are removed: consent names it
            }
        )
        save_draft(request, draft)
        return redirect("web:request_start")
    return page(
        request,
        "frontdoor/requests/person.html",
        {"page_title": "Add someone we did not find", "form": form},
    )


@login_required
def request_household(request):
    _guard(request)
    draft = get_draft(request)
    if draft["family_id"]:
        return redirect("web:request_details")
    initial = draft["household"] or {}
    if not initial and draft["new_people"]:
        initial = {"name": f"{draft['new_people'][0]['family_name']} household"}
    form = HouseholdForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        draft["household"] = form.cleaned_data
        save_draft(request, draft)
        return redirect(_next_step(draft))
    return page(
        request,
        "frontdoor/requests/household.html",
        {"page_title": "Where does the family live?", "form": form},
    )


@login_required
def request_details(request):
    _guard(request)
    draft = get_draft(request)
    user = request.user
    initial = draft["details"] or {
        "referrer_name": user.display_name,
        "referrer_role": user.job_title,
        "referrer_email": user.email,
        "referrer_phone": user.phone,
        "source": default_source(user),
    }
    if draft["details"] and draft["details"].get("consent_given_on"):
        initial = {**initial,
                   "consent_given_on": dt.date.fromisoformat(draft["details"]["consent_given_on"])}
    form = RequestDetailsForm(
        request.POST or None, initial=initial, can_rate=policy.can(user, policy.Action.TRIAGE),
        givers=_givers(draft),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["needs"] = [str(theme.pk) for theme in data["needs"]]
        given_on = data.get("consent_given_on")
        data["consent_given_on"] = given_on.isoformat() if given_on else ""
        draft["details"] = data
        save_draft(request, draft)
        return redirect("web:request_check")
    return page(
        request,
        "frontdoor/requests/details.html",
        {"page_title": "About the request", "form": form},
    )


def _giver_name(draft) -> str:
    details = draft["details"]
    if details.get("consent_given_by") == RequestDetailsForm.OTHER_GIVER:
        return details.get("consent_given_by_name", "")
    return next((p["name"] for p in _draft_people(draft)
                 if p["key"] == details.get("consent_given_by")), "")


def _consent_coverage(draft) -> list[dict]:
    """Whom the family's answers will be recorded for, and why not for the others: the
    service's own answer, asked with the draft's people before anything is saved."""
    details = draft["details"]
    if not details.get("consent_given_by"):
        return []
    people = {p["key"]: Person(given_name=p["name"], date_of_birth=_date(p["born"]),
                               expected_date_of_birth=_date(p.get("expected", "")))
              for p in _draft_people(draft)}
    coverage = services.consent_coverage(
        people=list(people.values()), giver=people.get(details["consent_given_by"]),
        given_on=dt.date.fromisoformat(details["consent_given_on"]),
        parental=details.get("consent_parental_responsibility") == "yes",
    )
    return [{"name": person.given_name, "not_reached": not_reached}
            for person, not_reached in coverage]


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@login_required
def request_check(request):
    _guard(request)
    draft = get_draft(request)
    step = _next_step(draft)
    if step != "web:request_check":
        return redirect(step)
    form = GovukForm()  # carries the services' refusals to the error summary
    if request.method == "POST":
        contact = attempt(
            form,
            services.request_submit,
            acting_user=request.user,
            details=draft["details"],
            people=draft["people"],
            new_people=draft["new_people"],
            family_id=draft["family_id"],
            household=draft["household"],
        )
        if contact is not None:
            clear_draft(request)
            request.session["request_sent"] = str(contact.pk)
            return redirect("web:request_sent", contact.pk)
    details = draft["details"]
    from earlyhelp.core.codes import ReferralSource
    from earlyhelp.frontdoor.models import ConsentAnswer, Rag

    needs = NeedTheme.objects.filter(pk__in=details.get("needs", [])).order_by("order", "name")
    coverage = _consent_coverage(draft)
    return page(
        request,
        "frontdoor/requests/check.html",
        {
            "page_title": "Check your answers before sending the request",
            "draft": draft,
            "details": details,
            "source_label": _label(ReferralSource, details["source"]),
            "needs": needs,
            "consent_request": _label(ConsentAnswer, details["family_consents_to_request"]),
            "consent_share": _label(ConsentAnswer, details["family_consents_to_share"]),
            "priority_label": _label(Rag, details.get("priority", "")),
            "coverage": coverage,
            "consent_given_by": _giver_name(draft),
            "form": form,
            "has_errors": bool(form.errors),
            "is_partner": policy.can(request.user, policy.Action.SEE_OWN_REQUESTS),
        },
    )


@login_required
def request_sent(request, contact_id):
    _guard(request)
    # The person who just sent it may not be able to see contacts in general (a worker from
    # another team): the session remembers the one they sent.
    if request.session.get("request_sent") == str(contact_id):
        contact = get_visible_or_404(Contact.objects.all(), pk=contact_id)
    else:
        contact = get_visible_or_404(visible_contacts(request.user), pk=contact_id)
    return page(
        request,
        "frontdoor/requests/sent.html",
        {"page_title": "Request for support sent", "contact": contact},
    )


@login_required
def my_requests(request):
    """Feedback to the referrer: the requests this user raised, and what the front door
    decided – without opening the families' records (decision 0004)."""
    from earlyhelp.frontdoor.selectors import requests_raised_by
    from earlyhelp.web.views.base import paginate

    policy.require(request.user, policy.Action.SEE_OWN_REQUESTS)
    page_obj = paginate(request, requests_raised_by(user=request.user))
    return page(
        request,
        "frontdoor/requests/mine.html",
        {"page_title": "Your requests for support", "page_obj": page_obj},
    )
