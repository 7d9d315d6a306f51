"""The whole-family assessment as a GOV.UK task list: save part-done, then complete."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from earlyhelp.access import policy
from earlyhelp.access.permissions import can_work_on_episode, require_episode_worker
from earlyhelp.access.scoping import get_visible_or_404, visible_episodes
from earlyhelp.assessments import services
from earlyhelp.assessments.journey import ASSESSMENT
from earlyhelp.assessments.models import Assessment, AssessmentDomain, AssessmentStatus
from earlyhelp.cases.selectors import episode_for_work
from earlyhelp.core import audit, dates
from earlyhelp.people.models import Person
from earlyhelp.web.views.base import attempt, page

from .forms import (
    AssessmentChildrenForm,
    AssessmentStartForm,
    CompleteAssessmentForm,
    MemberEntriesForm,
    PresentingNeedForm,
    VoiceForm,
)

DOMAINS = AssessmentDomain.choices


def _assessment(request, assessment_id, *, change: bool, detail: str = ""):
    """An assessment of an episode in scope; audited as a view of the family."""
    user = request.user
    assessment = get_visible_or_404(
        Assessment.objects.filter(episode__in=visible_episodes(user)).select_related(
            "episode__family", "episode__team", "completing_organisation"
        ),
        pk=assessment_id,
    )
    if change:
        require_episode_worker(user, assessment.episode, "change the assessment")
    audit.record_view(
        user=user, obj=assessment, family_id=assessment.episode.family_id, detail=detail
    )
    return assessment


def _members(assessment):
    """Current members of the household (and anyone with entries already), children last."""
    today = dates.today()
    memberships = assessment.episode.family.memberships.select_related("person").order_by(
        "role", "person__date_of_birth"
    )
    return [m for m in memberships if m.is_current(today)]


def _with_visible_descriptions(user, assessment, needs):
    """Sensitive need descriptions (domestic abuse, mental health …) read "Restricted" for roles
    the security settings do not allow (access.sensitive)."""
    from earlyhelp.access.sensitive import (
        NEED_DESCRIPTION,
        may_see,
        need_is_sensitive,
        restricted_theme_ids,
    )

    allowed = may_see(user, NEED_DESCRIPTION, episode=assessment.episode)
    themes = set() if allowed else restricted_theme_ids()
    for need in needs:
        hidden = not allowed and need_is_sensitive(need, themes)
        need.shown_description = "Restricted" if hidden and need.description else need.description
    return needs


def _member_status(entries_for_person) -> tuple[str, str]:
    filled = [
        e for e in entries_for_person if (e.needs or "").strip() or (e.strengths or "").strip()
    ]
    if len(filled) >= len(DOMAINS):
        return "Completed", ""
    if filled:
        return "In progress", "light-blue"
    return "Not yet started", "blue"


@login_required
def assessment_start(request, episode_id):
    user = request.user
    episode = episode_for_work(
        user=request.user,
        episode_id=episode_id,
        action=policy.Action.ASSESS,
        detail="assessment start",
    )
    form = AssessmentStartForm(
        request.POST or None,
        initial={"started_on": dates.today(), "completing_organisation": user.organisation_id},
    )
    if request.method == "POST" and form.is_valid():
        assessment = attempt(
            form, services.assessment_start, episode=episode, acting_user=user, **form.cleaned_data
        )
        if assessment is not None:
            return redirect("web:assessment", assessment.pk)
    return page(
        request,
        "assessments/start.html",
        {"page_title": "Start the early help assessment", "episode": episode, "form": form},
    )


@login_required
def assessment_tasks(request, assessment_id):
    user = request.user
    assessment = _assessment(request, assessment_id, change=False, detail="task list")
    members = _members(assessment)
    entries = list(assessment.entries.all())
    needs = _with_visible_descriptions(
        user, assessment, list(assessment.presenting_needs.select_related("theme", "person"))
    )
    editable = ASSESSMENT.allows("edit", assessment) and can_work_on_episode(
        user, assessment.episode
    )
    member_tasks = []
    for membership in members:
        person = membership.person
        mine = [e for e in entries if e.person_id == person.pk]
        status, colour = _member_status(mine)
        if not editable:  # a completed (or read-only) record: say what is there, not what is due
            recorded = any((e.needs or "").strip() or (e.strengths or "").strip() for e in mine)
            status, colour = ("Recorded", "") if recorded else ("Nothing recorded", "")
        member_tasks.append(
            {
                "title": f"{person.full_name}: needs and strengths",
                "hint": membership.get_role_display(),
                "href": reverse("web:assessment_member", args=[assessment.pk, person.pk])
                if editable
                else "",
                "status": status,
                "status_colour": colour,
            }
        )
    voice_done = bool((assessment.voice_of_child or "").strip())
    covered = list(assessment.children.order_by("date_of_birth"))
    other_tasks = [
        {
            "title": "Children this assessment covers",
            "hint": ", ".join(c.full_name for c in covered) or "None",
            "href": reverse("web:assessment_children", args=[assessment.pk]) if editable else "",
            "status": f"{len(covered)} covered",
            "status_colour": "",
        },
        {
            "title": "Presenting needs",
            "hint": "The needs found, each with a score from 1 to 10",
            "href": reverse("web:assessment_needs", args=[assessment.pk]) if editable else "",
            "status": f"{len(needs)} added" if needs else "Not yet started",
            "status_colour": "" if needs else "blue",
        },
        {
            "title": "Voice of the child and the family's view",
            "href": reverse("web:assessment_voice", args=[assessment.pk]) if editable else "",
            "status": "Completed" if voice_done else "Not yet started",
            "status_colour": "" if voice_done else "blue",
        },
    ]
    ready = bool(needs) and voice_done
    if editable:
        complete_task = {
            "title": "Check and complete the assessment",
            "href": reverse("web:assessment_complete", args=[assessment.pk]) if ready else "",
            "status": "Not yet started" if ready else "Cannot start yet",
            "status_colour": "blue" if ready else "",
        }
    else:
        complete_task = None
    done = sum(1 for t in member_tasks if t["status"] == "Completed") + bool(needs) + voice_done
    return page(
        request,
        "assessments/tasks.html",
        {
            "page_title": f"Early help assessment – {assessment.episode.family.name}",
            "assessment": assessment,
            "episode": assessment.episode,
            "member_tasks": member_tasks,
            "other_tasks": other_tasks,
            "complete_task": complete_task,
            "done": done,
            "total": len(member_tasks) + 2,
            "editable": editable,
            "entries": entries,
            "needs": needs,
            "rows": _rows(members, entries)
            if assessment.status == AssessmentStatus.COMPLETED
            else [],
        },
    )


def _rows(members, entries):
    """Each member's needs and strengths per domain, for reading back."""
    rows = []
    for membership in members:
        person_entries = {e.domain: e for e in entries if e.person_id == membership.person_id}
        rows.append(
            {
                "person": membership.person,
                "domains": [(label, person_entries.get(domain)) for domain, label in DOMAINS],
            }
        )
    return rows


@login_required
def assessment_member(request, assessment_id, person_id):
    user = request.user
    assessment = _assessment(request, assessment_id, change=True, detail="member entries")
    members = {m.person_id: m for m in _members(assessment)}
    if person_id not in members and str(person_id) not in {str(k) for k in members}:
        from django.http import Http404

        raise Http404("Not a member of this family")
    person = Person.objects.get(pk=person_id)
    existing = {e.domain: e for e in assessment.entries.filter(person=person)}
    initial = {"version": assessment.version}
    for domain, _ in DOMAINS:
        entry = existing.get(domain)
        initial[f"{domain}_needs"] = entry.needs if entry else ""
        initial[f"{domain}_strengths"] = entry.strengths if entry else ""
    form = MemberEntriesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entries = [
            (person, domain, data[f"{domain}_needs"], data[f"{domain}_strengths"])
            for domain, _ in DOMAINS
        ]
        saved = attempt(
            form,
            services.assessment_update,
            assessment=assessment,
            acting_user=user,
            expected_version=data["version"],
            entries=entries,
        )
        if saved is not None:
            messages.success(request, f"Saved needs and strengths for {person.full_name}.")
            return redirect("web:assessment", assessment.pk)
    return page(
        request,
        "assessments/member.html",
        {
            "page_title": f"Needs and strengths: {person.full_name}",
            "assessment": assessment,
            "person": person,
            "membership": members.get(person.pk),
            "form": form,
        },
    )


@login_required
def assessment_needs(request, assessment_id):
    user = request.user
    assessment = _assessment(request, assessment_id, change=True, detail="presenting needs")
    people = Person.objects.filter(pk__in=[m.person_id for m in _members(assessment)]).order_by(
        "given_name"
    )
    form = PresentingNeedForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        need = attempt(
            form,
            services.presenting_need_add,
            assessment=assessment,
            acting_user=user,
            **form.cleaned_data,
        )
        if need is not None:
            messages.success(request, f"Added {need.theme.name}.")
            return redirect("web:assessment_needs", assessment.pk)
    needs = list(assessment.presenting_needs.select_related("theme", "person"))
    return page(
        request,
        "assessments/needs.html",
        {"page_title": "Presenting needs", "assessment": assessment, "needs": needs, "form": form},
    )


@login_required
@require_POST
def assessment_need_remove(request, assessment_id, need_id):
    user = request.user
    assessment = _assessment(request, assessment_id, change=True, detail="remove need")
    need = get_visible_or_404(assessment.presenting_needs.select_related("theme"), pk=need_id)
    from earlyhelp.web.forms.base import GovukForm

    form = GovukForm()
    attempt(form, services.presenting_need_remove, need=need, acting_user=user)
    if form.errors:
        messages.error(request, form.non_field_errors()[0])
    else:
        messages.success(request, f"Removed {need.theme.name}.")
    return redirect("web:assessment_needs", assessment.pk)


@login_required
def assessment_voice(request, assessment_id):
    user = request.user
    assessment = _assessment(request, assessment_id, change=True, detail="voice of the child")
    form = VoiceForm(
        request.POST or None,
        initial={
            "voice_of_child": assessment.voice_of_child,
            "family_view": assessment.family_view,
            "summary": assessment.summary,
            "version": assessment.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        saved = attempt(
            form,
            services.assessment_update,
            assessment=assessment,
            acting_user=user,
            expected_version=version,
            **data,
        )
        if saved is not None:
            messages.success(request, "Saved the voice of the child and the family's view.")
            return redirect("web:assessment", assessment.pk)
    return page(
        request,
        "assessments/voice.html",
        {
            "page_title": "Voice of the child and the family's view",
            "assessment": assessment,
            "form": form,
        },
    )


@login_required
def assessment_complete(request, assessment_id):
    user = request.user
    assessment = _assessment(request, assessment_id, change=True, detail="check and complete")
    form = CompleteAssessmentForm(
        request.POST or None,
        initial={"completed_on": dates.today(), "version": assessment.version},
    )
    if request.method == "POST" and form.is_valid():
        done = attempt(
            form,
            services.assessment_complete,
            assessment=assessment,
            acting_user=user,
            completed_on=form.cleaned_data["completed_on"],
            expected_version=form.cleaned_data["version"],
        )
        if done is not None:
            messages.success(request, "The early help assessment is complete.")
            return redirect("web:episode_detail", assessment.episode_id)
    rows = _rows(_members(assessment), list(assessment.entries.all()))
    return page(
        request,
        "assessments/complete.html",
        {
            "page_title": "Check the assessment before completing it",
            "assessment": assessment,
            "rows": rows,
            "needs": list(assessment.presenting_needs.select_related("theme", "person")),
            "form": form,
        },
    )


@login_required
def assessment_children(request, assessment_id):
    """Which children of the household the assessment covers (Annex A List 2 rows)."""
    user = request.user
    assessment = _assessment(request, assessment_id, change=True, detail="children covered")
    from earlyhelp.assessments.rules import household_children

    candidates = household_children(assessment.episode.family, assessment.started_on)
    form = AssessmentChildrenForm(
        request.POST or None, candidates=candidates,
        initial={"children": [str(pk) for pk in assessment.children.values_list("pk", flat=True)],
                 "version": assessment.version},
    )
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form, services.assessment_children_set, assessment=assessment,
            children=form.chosen(), expected_version=form.cleaned_data["version"],
            acting_user=user,
        )
        if saved is not None:
            messages.success(request, "The children the assessment covers were saved.")
            return redirect("web:assessment", assessment.pk)
    return page(
        request,
        "assessments/children.html",
        {"page_title": "Children this assessment covers", "assessment": assessment,
         "episode": assessment.episode, "form": form},
    )
