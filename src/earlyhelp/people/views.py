"""Family records: find a family, the family record (members, consent, timeline), consent."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from earlyhelp.access import policy
from earlyhelp.access.scoping import get_visible_or_404, visible_people
from earlyhelp.cases import selectors as cases
from earlyhelp.core import audit, dates
from earlyhelp.people import selectors as people
from earlyhelp.people import services as people_services
from earlyhelp.web.escaping import escape_text as escape
from earlyhelp.web.templatetags.govuk import cached_tag, displayed, govuk_date, local_datetime_text
from earlyhelp.web.views.base import (
    attempt,
    audit_list,
    fixed_link,
    page,
    paginate,
    url_maker,
)
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


_ROLE_ORDER = {"parent_carer": 0, "other_adult": 1, "child": 2}


def _members(family, today):
    """Current members in the table's order and past members, each with the latest consent to
    engage and to share (read with the memberships: family_detail(for_page=True))."""
    current, past = [], []
    for membership in family.memberships.all():
        (current if membership.is_current(today) else past).append(membership)
    current.sort(key=lambda m: (_ROLE_ORDER.get(m.role, 3), m.person.date_of_birth or today))
    return current, past


def _member_rows(members, family, today, can_record_consent: bool) -> str:
    """The members table's rows as HTML, drawn here in one pass (issue 19: as the timeline):
    one reverse() per link, not per row; each consent tag's markup made once."""
    chronology = url_maker("documents:person_chronology")
    if can_record_consent:
        consent = url_maker("web:consent_add", family.pk)
        letter = url_maker("letters:choose", "person")
    rows = []
    for m in members:
        person = m.person
        name = escape(person.full_name)
        known_as = f" (known as {escape(person.known_as)})" if person.known_as else ""
        other = ('<br><span class="govuk-body-s">Also a member of another household</span>'
                 if m.other_household else "")  # fmt: skip
        relationship = (f'<br><span class="govuk-body-s">{escape(m.relationship)}</span>'
                        if m.relationship else "")  # fmt: skip
        if person.date_of_birth:
            born = (f"{escape(govuk_date(person.date_of_birth))}<br><span class=\"govuk-body-s\">"
                    f"Age {dates.age_in_years(person.date_of_birth, today)}</span>")  # fmt: skip
        elif person.expected_date_of_birth:
            born = f"Due {escape(govuk_date(person.expected_date_of_birth))}"
        else:
            born = "Not known"
        actions = ""
        if can_record_consent:
            actions = (
                f'<td class="govuk-table__cell"><a class="govuk-link" '
                f'href="{escape(consent(m.person_id))}">Record consent<span '
                f'class="govuk-visually-hidden"> for {name}</span></a><br><a class="govuk-link" '
                f'href="{escape(letter(m.person_id))}">Create a letter<span '
                f'class="govuk-visually-hidden"> for {name}</span></a></td>'
            )
        rows.append(
            f'<tr class="govuk-table__row">\n<th scope="row" class="govuk-table__header">'
            f'{name}{known_as}{other}<br><a class="govuk-link govuk-body-s" '
            f'href="{escape(chronology(m.person_id))}">Chronology<span '
            f'class="govuk-visually-hidden"> of {name}</span></a></th>\n'
            f'<td class="govuk-table__cell">{escape(displayed(m, "role"))}{relationship}</td>\n'
            f'<td class="govuk-table__cell">{born}</td>\n'
            f'<td class="govuk-table__cell">{_consent_cell(m.engage_status, m.engage_on)}</td>\n'
            f'<td class="govuk-table__cell">{_consent_cell(m.share_status, m.share_on)}</td>\n'
            f"{actions}</tr>\n"
        )
    return mark_safe("".join(rows))


_CONSENT_TAGS = {"given": ("Given", "green"), "refused": ("Refused", "red")}


def _consent_tag(status: str) -> str:
    """A consent decision's tag (none recorded: status "")."""
    if not status:
        return cached_tag("Not recorded", "grey")
    return cached_tag(*_CONSENT_TAGS.get(status, ("Withdrawn", "orange")))


def _consent_cell(status, decided_on) -> str:
    """The consent cell: a tag and the date decided."""
    if not status:
        return _consent_tag("")
    return (f'{_consent_tag(status)}<br><span class="govuk-body-s">'
            f"{escape(govuk_date(decided_on))}</span>")  # fmt: skip


def _timeline_shown(events) -> str:
    """The timeline's items as HTML: each event's date as shown, its link and its text cut to
    length, drawn here in one pass rather than by the template's tags per event (issue 19:
    the loop's nodes were most of the page's rendering)."""
    episode_url, contact_url = url_maker("web:episode_detail"), url_maker("web:contact_detail")
    items = []
    for event in events:
        # The event's time is already local (worklists.timeline)
        when = (local_datetime_text(event["at"]) if event["has_time"]
                else govuk_date(event["date"]))
        if event["episode_id"]:
            url = episode_url(event["episode_id"])
        else:
            url = contact_url(event["contact_id"]) if event["contact_id"] else ""
        title = escape(event["title"])
        if url:
            title = f'<a class="govuk-link" href="{escape(url)}">{title}</a>'
        text = event["text"]
        summary = f'<p class="govuk-body">{escape(_cut(text))}</p>' if text else ""
        items.append(
            f'<li class="app-timeline__item">\n'
            f'<p class="govuk-body-s app-timeline__date">{escape(when)}</p>\n'
            f'<h3 class="govuk-heading-s app-timeline__title">{title}</h3>\n'
            f"{summary}</li>\n"
        )
    return mark_safe("".join(items))


_CUT_AT = 240


def _cut(text: str) -> str:
    """Truncator(text).chars(240), without its work for the short texts most events have."""
    return text if len(text) <= _CUT_AT else Truncator(text).chars(_CUT_AT)


@login_required
def family_detail(request, family_id):
    user = request.user
    today = dates.today()
    family = people.family_detail(user=user, family_id=family_id, for_page=True,
                                  joined=cases.OPEN_EPISODE)  # fmt: skip
    current, past = _members(family, today)
    open_episode = cases.open_episode_of(family=family)
    timeline = family_timeline(user=user, family=family).page(
        request.GET.get("page"), TIMELINE_PAGE
    )
    timeline_html = _timeline_shown(timeline.object_list)
    can_record_consent = policy.can(user, policy.Action.RECORD_CONSENT, family)
    step_down = "" if open_episode else fixed_link("web:step_down")
    return page(
        request,
        "people/families/detail.html",
        {
            "page_title": family.name,
            "family": family,
            "members": current,
            "member_rows": _member_rows(current, family, today, can_record_consent),
            "past_members": past,
            "open_episode": open_episode,
            "timeline": timeline,
            "timeline_html": timeline_html,
            "links": {
                "documents": url_maker("documents:family")(family.pk),
                "chronology": url_maker("documents:chronology")(family.pk),
                "episode": url_maker("web:episode_detail")(open_episode.pk) if open_episode else "",
                "step_down": "" if open_episode else f"{step_down}?family={family.pk}",
            },
            "can_record_consent": can_record_consent,
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
