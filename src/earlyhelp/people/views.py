"""Family records: find a family, the family record (members, consent, timeline), consent."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from earlyhelp.access import policy
from earlyhelp.access.scoping import get_visible_or_404, visible_people
from earlyhelp.cases import selectors as cases
from earlyhelp.core import audit, dates
from earlyhelp.people import selectors as people
from earlyhelp.people import services as people_services
from earlyhelp.web.views.base import attempt, audit_list, page, paginate
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
    the memberships: family_detail(for_page=True))."""
    current, past = [], []
    for membership in family.memberships.all():
        membership.engage = _consent(membership.engage_status, membership.engage_on)
        membership.share = _consent(membership.share_status, membership.share_on)
        (current if membership.is_current(today) else past).append(membership)
    order = {"parent_carer": 0, "other_adult": 1, "child": 2}
    current.sort(key=lambda m: (order.get(m.role, 3), m.person.date_of_birth or today))
    return current, past


def _consent(status, decided_on):
    """What the consent tag shows of a decision (None: none recorded)."""
    return {"status": status, "decided_on": decided_on} if status else None


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
