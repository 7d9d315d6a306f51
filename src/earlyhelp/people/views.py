"""Family records: find a family, the family record (members, consent, timeline), consent."""



from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from earlyhelp.access import policy
from earlyhelp.access.scoping import get_visible_or_404, visible_people
from earlyhelp.cases import selectors as cases
from earlyhelp.core import audit, dates
from earlyhelp.people import selectors as people
from earlyhelp.people import services as people_services
from earlyhelp.web.templatetags.govuk import govuk_date, govuk_datetime, govuk_tag
from earlyhelp.web.views.base import attempt, audit_list, page, paginate, url_maker
from earlyhelp.worklists.timeline import family_timeline

from .forms import ConsentForm

TIMELINE_PAGE = 20


@login_required
def family_search(request):
    name = request.GET.get("name", "").strip()
    postcode = request.GET.get("postcode", "").strip()
    families = people.family_list(user=request.user, filters={"name": name, "postcode": postcode})
    page_obj = paginate(request, families)
    audit_list(request, "people.family")
    return page(
        request,
        "people/families/search.html",
        {"page_title": "Families", "page_obj": page_obj, "name": name, "postcode": postcode},
    )


def _members(family, today):
    """Current and past members, each with the latest consent to engage and to share (read with
    the memberships: family_detail(for_page=True)) and the cells and links of its row, drawn
    here rather than by the template per row (issue 19: one reverse() per link, not per row)."""
    current, past = [], []
    links = {
        "chronology": url_maker("documents:person_chronology"),
        "consent": url_maker("web:consent_add", family.pk),
        "letter": url_maker("letters:choose", "person"),
    }
    for membership in family.memberships.all():
        membership.engage = _consent(membership.engage_status, membership.engage_on)
        membership.share = _consent(membership.share_status, membership.share_on)
        membership.engage_tag = _consent_tag(membership.engage)
        membership.share_tag = _consent_tag(membership.share)
        membership.links = {name: url(membership.person_id) for name, url in links.items()}
        (current if membership.is_current(today) else past).append(membership)
    order = {"parent_carer": 0, "other_adult": 1, "child": 2}
    current.sort(key=lambda m: (order.get(m.role, 3), m.person.date_of_birth or today))
    return current, past


def _consent(status, decided_on):
    """What the consent tag shows of a decision (None: none recorded)."""
    return {"status": status, "decided_on": decided_on} if status else None


_CONSENT_TAGS = {"given": ("Given", "green"), "refused": ("Refused", "red")}


def _consent_tag(consent):
    """The consent cell: a tag and the date decided."""
    if not consent:
        return govuk_tag("Not recorded", "grey")
    tag = govuk_tag(*_CONSENT_TAGS.get(consent["status"], ("Withdrawn", "orange")))
    decided_on = conditional_escape(govuk_date(consent["decided_on"]))
    return mark_safe(f'{tag}<br><span class="govuk-body-s">{decided_on}</span>')


def _timeline_shown(events) -> None:
    """Each event's date as shown, its link and its text cut to length, drawn once here."""
    episode_url, contact_url = url_maker("web:episode_detail"), url_maker("web:contact_detail")
    for event in events:
        event["when"] = (govuk_datetime(event["at"]) if event["has_time"]
                         else govuk_date(event["date"]))  # fmt: skip
        if event["episode_id"]:
            event["url"] = episode_url(event["episode_id"])
        else:
            event["url"] = contact_url(event["contact_id"]) if event["contact_id"] else ""
        event["summary"] = Truncator(event["text"]).chars(240) if event["text"] else ""


@login_required
def family_detail(request, family_id):
    user = request.user
    today = dates.today()
    family = people.family_detail(user=user, family_id=family_id, for_page=True)
    current, past = _members(family, today)
    open_episode = cases.open_episode_of(family=family)
    timeline = family_timeline(user=user, family=family).page(
        request.GET.get("page"), TIMELINE_PAGE
    )
    _timeline_shown(timeline.object_list)
    return page(
        request,
        "people/families/detail.html",
        {
            "page_title": family.name,
            "family": family,
            "members": current,
            "past_members": past,
            "open_episode": open_episode,
            "timeline": timeline,
            "can_record_consent": policy.can(user, policy.Action.RECORD_CONSENT, family),
            "today": today,
        },
    )


@login_required
def consent_add(request, family_id, person_id):
    user = request.user
    family = people.family_detail(user=user, family_id=family_id)
    person = get_visible_or_404(
        visible_people(user).filter(memberships__family=family).distinct(), pk=person_id
    )
    policy.require(user, policy.Action.RECORD_CONSENT, person)
    audit.record_view(user=user, obj=person, person_id=person.pk, family_id=family.pk)
    form = ConsentForm(request.POST or None, initial={"decided_on": dates.today()})
    if request.method == "POST" and form.is_valid():
        consent = attempt(
            form,
            people_services.consent_record,
            person=person,
            acting_user=user,
            **form.cleaned_data,
        )
        if consent is not None:
            messages.success(
                request,
                f"{consent.get_kind_display()} recorded for {person.full_name}: "
                f"{consent.get_status_display().lower()}.",
            )
            return redirect("web:family_detail", family.pk)
    return page(
        request,
        "people/families/consent.html",
        {
            "page_title": f"Record consent for {person.full_name}",
            "family": family,
            "person": person,
            "form": form,
        },
    )
