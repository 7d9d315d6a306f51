"""The episode page and its moves: allocation, Team Around the Family, notes, step-up, closure."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from earlyhelp.access import policy
from earlyhelp.assessments.models import AssessmentStatus
from earlyhelp.cases import selectors as cases
from earlyhelp.cases import services
from earlyhelp.cases.models import ClosureOutcome
from earlyhelp.core import dates
from earlyhelp.core.codes import Rater
from earlyhelp.core.dates import long_date
from earlyhelp.core.errors import IllegalMove
from earlyhelp.plans.models import PlanStatus
from earlyhelp.plans.rules import SATISFACTION
from earlyhelp.web.charts import line_chart
from earlyhelp.web.forms.base import VersionForm
from earlyhelp.web.templatetags.journey import allows
from earlyhelp.web.views.base import attempt, page, url_maker
from earlyhelp.worklists import selectors as worklists

from .forms import (
    AllocateForm,
    CaseNoteForm,
    CloseForm,
    FocusChildAddForm,
    FocusChildEndForm,
    StartDateForm,
    StepDownForm,
    StepUpForm,
    TafMemberForm,
)


def distance_travelled(assessment, reviews):
    """Progress per presenting need: the score at assessment, then at each review."""
    needs = cases.hung(assessment, "presenting_needs") if assessment else []
    if not needs or not reviews:
        return None
    categories = ["Assessment"] + [
        f"Review {n} ({long_date(r.held_on)})" for n, r in enumerate(reviews, start=1)
    ]
    # Each review's scores by need, read once (a need has one score per review)
    by_review = [{s.need_id: s.score for s in cases.hung(review, "scores")} for review in reviews]
    series = {}
    for need in needs:
        scores = [scored.get(need.pk) for scored in by_review]
        name = need.theme.name
        if name in series:
            name = f"{name} ({need.person.full_name if need.person_id else 'family'})"
        series[name] = [need.baseline_score, *scores]
    return line_chart(
        title="Distance travelled: progress score per need",
        categories=categories,
        series=series,
        x_label="Assessment and reviews",
        y_label="Score (10 is no concern)",
        y_min=0,
        y_max=10,
    )


def episode_context(user, episode) -> dict:
    assessments = cases.hung(episode, "assessments")
    in_progress = next((a for a in assessments if a.status == AssessmentStatus.IN_PROGRESS), None)
    completed = next((a for a in assessments if a.status == AssessmentStatus.COMPLETED), None)
    plans = cases.hung(episode, "plans")
    plan = next((p for p in plans if p.status == PlanStatus.ACTIVE), plans[0] if plans else None)
    reviews = cases.hung(episode, "reviews")
    # Kept on the episode by the services that record reviews and start plans (cases.state):
    # the one answer the worklists give too.
    review_due = episode.next_review_due
    today = dates.today()
    return {
        "episode": episode,
        "family": episode.family,
        "assessment": in_progress or completed,
        "assessment_in_progress": in_progress,
        "assessment_completed": completed,
        "assessments": assessments,
        "plan": plan,
        "outcomes": cases.hung(plan, "outcomes") if plan else [],
        "actions": cases.hung(plan, "actions") if plan else [],
        "reviews": reviews,
        "review_due": review_due,
        "review_overdue": bool(review_due and review_due < today and episode.is_open),
        "chart": distance_travelled(completed, reviews),
        "taf": cases.hung(episode, "taf_members"),
        "transitions": cases.hung(episode, "transitions"),
        "can_work": policy.can(user, policy.Action.RECORD_NOTE, episode),
        "today": today,
    }


# What the episode page offers, by the name its template reads: decided here once, not by a
# `{% can %}` tag each (their lookups were a good part of the page's rendering, issue 19).
_PAGE_PERMISSIONS = {
    "may_allocate": policy.Action.ALLOCATE,
    "may_add_taf": policy.Action.ADD_TAF_MEMBER,
    "may_close": policy.Action.CLOSE,
    "may_step_up": policy.Action.STEP_UP,
    "may_refer": policy.Action.REFER,
    "may_set_start": policy.Action.SET_EPISODE_START,
    "may_change_focus": policy.Action.CHANGE_FOCUS_CHILDREN,
    "may_letter": policy.Action.CREATE_LETTER,
}
# Offered on an open episode only: not asked of a closed one (False for it, which the template
# and cases/templatetags/episode_parts.py rely on)
_OPEN_ONLY = {"may_allocate", "may_add_taf", "may_close", "may_step_up", "may_refer",
              "may_set_start"}


@login_required
def episode_detail(request, episode_id):
    context = episode_page_context(request.user, episode_id)
    response = page(request, "cases/detail.html", context)
    cases.release(context["episode"])  # written: its rows freed now, not by the collector
    return response


def episode_page_context(user, episode_id) -> dict:
    """Everything cases/detail.html shows of the episode, as the user may see it."""
    episode, notes, referrals = cases.episode_page(user=user, episode_id=episode_id)
    context = episode_context(user, episode)
    context["notes"] = notes
    context["referrals"] = referrals
    completed = context["assessment_completed"]
    needs = cases.hung(completed, "presenting_needs") if completed else []
    context["ratings"] = cases.episode_ratings(user=user, episode=episode, needs=needs)
    is_open = episode.is_open
    context.update({name: (is_open or name not in _OPEN_ONLY) and policy.can(user, action, episode)
                    for name, action in _PAGE_PERMISSIONS.items()})
    # The back link and the caption's (includes/govuk/back_link.html written out)
    context["family_url"] = url_maker("web:family_detail")(episode.family_id)
    # Asked once: the buttons and the plan's two links each asked the plan's journey before
    context["plan_editable"] = allows(context["plan"], "edit")
    context["page_title"] = f"Episode {episode.reference} – {episode.family.name}"
    return context


@login_required
def episode_allocate(request, episode_id):
    user = request.user
    episode = cases.episode_for_work(
        user=request.user, episode_id=episode_id, action=policy.Action.ALLOCATE, detail="allocate"
    )
    candidates = (
        policy.lead_candidates(episode)
        .select_related("team", "organisation")
        .order_by("last_name", "first_name")
    )
    form = AllocateForm(
        request.POST or None,
        candidates=candidates,
        initial={"lead_practitioner": episode.lead_practitioner_id, "version": episode.version},
    )
    if request.method == "POST" and form.is_valid():
        lead = form.cleaned_data["lead_practitioner"]
        done = attempt(
            form,
            services.episode_allocate,
            episode=episode,
            lead_practitioner=lead,
            acting_user=user,
            expected_version=form.cleaned_data["version"],
        )
        if done is not None:
            messages.success(request, f"{lead.display_name} is now the lead practitioner.")
            if done.training_warning:
                messages.warning(request, done.training_warning)
            return redirect("web:episode_detail", episode.pk)
    # Each candidate's weighted caseload, so the manager allocates to who has room.
    loaded = worklists.candidate_loads(user=user, candidates=candidates)
    return page(
        request,
        "cases/allocate.html",
        {
            "page_title": f"Allocate a lead practitioner – {episode.reference}",
            "episode": episode,
            "form": form,
            "loaded": loaded,
        },
    )


@login_required
def taf_member_add(request, episode_id):
    user = request.user
    episode = cases.episode_for_work(
        user=request.user, episode_id=episode_id, action=policy.Action.ADD_TAF_MEMBER, detail="taf"
    )
    candidates = (
        policy.taf_candidates()
        .select_related("team", "organisation")
        .order_by("last_name", "first_name")
    )
    form = TafMemberForm(
        request.POST or None, candidates=candidates, initial={"joined_on": dates.today()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = attempt(
            form,
            services.taf_member_add,
            episode=episode,
            acting_user=user,
            joined_on=data["joined_on"],
            user=data["user"],
            name=data["name"],
            organisation=data["organisation"],
            role=data["role"],
        )
        if member is not None:
            messages.success(request, f"{member.name} joined the Team Around the Family.")
            return redirect("web:episode_detail", episode.pk)
    return page(
        request,
        "cases/taf_add.html",
        {"page_title": "Add a Team Around the Family member", "episode": episode, "form": form},
    )


@login_required
def notes(request, episode_id):
    user = request.user
    episode = cases.episode_for_page(user=user, episode_id=episode_id, detail="case notes")
    from earlyhelp.web.views.base import paginate

    page_obj = paginate(request, cases.episode_notes(user=user, episode=episode))
    return page(
        request,
        "cases/notes.html",
        {
            "page_title": f"Case notes – {episode.reference}",
            "episode": episode,
            "page_obj": page_obj,
            "can_work": policy.can(user, policy.Action.RECORD_NOTE, episode),
        },
    )


@login_required
def note_add(request, episode_id):
    user = request.user
    episode = cases.episode_for_work(
        user=request.user, episode_id=episode_id, action=policy.Action.RECORD_NOTE, detail="note"
    )
    form = CaseNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = attempt(
            form, services.case_note_add, episode=episode, acting_user=user, **form.cleaned_data
        )
        if note is not None:
            messages.success(request, "Case note added.")
            return redirect("web:episode_detail", episode.pk)
    return page(
        request,
        "cases/note_add.html",
        {"page_title": "Add a case note", "episode": episode, "form": form},
    )


@login_required
@require_POST
def note_significant(request, episode_id, note_id):
    """Mark a case note significant (it joins the chronology), or take the mark off."""
    episode = cases.episode_for_work(
        user=request.user, episode_id=episode_id, action=policy.Action.RECORD_NOTE,
        detail="note significance",
    )
    note = get_object_or_404(cases.episode_notes(user=request.user, episode=episode), pk=note_id)
    significant = request.POST.get("significant") == "yes"
    services.case_note_mark_significant(note=note, significant=significant,
                                        acting_user=request.user)
    messages.success(request, f"“{note.subject}” is {'now' if significant else 'no longer'} "
                              "marked significant.")
    return redirect("web:notes", episode.pk)


# Step-up and closure: a form, then "check your answers", then the move. The answers wait in the
# session between the two pages; nothing changes until the person confirms.


def _store(request, key, data):
    request.session[key] = {
        k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()
    }


def _load(request, key, date_fields):
    data = dict(request.session.get(key) or {})
    for name in date_fields:
        if data.get(name):
            data[name] = dt.date.fromisoformat(data[name])
    return data


@login_required
def step_up(request, episode_id):
    episode = cases.episode_for_work(
        user=request.user, episode_id=episode_id, action=policy.Action.STEP_UP, detail="step-up"
    )
    key = f"step_up:{episode.pk}"
    form = StepUpForm(
        request.POST or None, initial=_load(request, key, ["on"]) or {"on": dates.today()}
    )
    if request.method == "POST" and form.is_valid():
        _store(request, key, form.cleaned_data)
        return redirect("web:step_up_check", episode.pk)
    return page(
        request,
        "cases/step_up.html",
        {"page_title": "Step up to children's social care", "episode": episode, "form": form},
    )


@login_required
def step_up_check(request, episode_id):
    user = request.user
    episode = cases.episode_for_work(
        user=request.user,
        episode_id=episode_id,
        action=policy.Action.STEP_UP,
        detail="step-up check",
    )
    key = f"step_up:{episode.pk}"
    answers = _load(request, key, ["on"])
    if not answers:
        return redirect("web:step_up", episode.pk)
    form = VersionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        transition = attempt(
            form,
            services.episode_step_up,
            episode=episode,
            acting_user=user,
            expected_version=form.cleaned_data["version"],
            **answers,
        )
        if transition is not None:
            request.session.pop(key, None)
            messages.success(
                request,
                f"{episode.family.name} was stepped up to children's social care and episode "
                f"{episode.reference} closed.",
            )
            return redirect("web:episode_detail", episode.pk)
    return page(
        request,
        "cases/step_up_check.html",
        {
            "page_title": "Check your answers before stepping up",
            "episode": episode,
            "answers": answers,
            "form": form,
            "has_errors": bool(form.errors),
        },
    )


def _choices(answers: dict, prefix: str) -> dict:
    """The worker's answer for each action (or referral) from the first page: {id: choice}."""
    return {key.removeprefix(prefix): value for key, value in answers.items()
            if key.startswith(prefix)}


@login_required
def close(request, episode_id):
    episode = cases.episode_for_work(
        user=request.user, episode_id=episode_id, action=policy.Action.CLOSE, detail="close"
    )
    key = f"close:{episode.pk}"
    still_open = cases.episode_work_still_open(episode=episode)
    form = CloseForm(
        request.POST or None,
        initial=_load(request, key, ["end_date"]) or {"end_date": dates.today()},
        actions=still_open["actions"],
        referrals=still_open["referrals"],
        needs=cases.episode_closing_needs(episode=episode),
    )
    if request.method == "POST" and form.is_valid():
        _store(request, key, {**form.cleaned_data, "closing": form.closing()})
        return redirect("web:close_check", episode.pk)
    return page(
        request,
        "cases/close.html",
        {"page_title": "Close the episode", "episode": episode, "form": form,
         "still_open": still_open},
    )


@login_required
def close_check(request, episode_id):
    user = request.user
    episode = cases.episode_for_work(
        user=request.user, episode_id=episode_id, action=policy.Action.CLOSE, detail="close check"
    )
    key = f"close:{episode.pk}"
    answers = _load(request, key, ["end_date"])
    if not answers:
        return redirect("web:close", episode.pk)
    form = VersionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:  # the service reads what is still open under its lock, and settles it
            services.episode_close_settling(
                episode=episode, acting_user=user, expected_version=form.cleaned_data["version"],
                outcome=answers["outcome"], end_date=answers["end_date"],
                summary=answers.get("summary", ""), actions=_choices(answers, "action_"),
                referrals=_choices(answers, "referral_"), closing=answers.get("closing"),
            )
        except (IllegalMove, ValidationError) as refused:
            if getattr(refused, "code", "") == "work_still_open":
                return _ask_again(request, episode)
            form.add_service_error(refused)
        else:
            request.session.pop(key, None)
            messages.success(request, f"Episode {episode.reference} is closed.")
            return redirect("web:episode_detail", episode.pk)
    still_open = cases.episode_work_still_open(episode=episode)
    if any(f"action_{a.pk}" not in answers for a in still_open["actions"]) or any(
        f"referral_{r.pk}" not in answers for r in still_open["referrals"]
    ):
        return _ask_again(request, episode)
    return page(
        request,
        "cases/close_check.html",
        {
            "page_title": "Check your answers before closing",
            "episode": episode,
            "answers": answers,
            "outcome_label": ClosureOutcome(answers["outcome"]).label,
            "still_open": still_open,
            "action_choices": [(a, CloseForm.ACTION_LABELS[answers[f"action_{a.pk}"]])
                               for a in still_open["actions"]],
            "referral_choices": [(r, CloseForm.REFERRAL_LABELS[answers[f"referral_{r.pk}"]])
                                 for r in still_open["referrals"]],
            "closing": _closing_answers(episode, answers.get("closing")),
            "form": form,
            "has_errors": bool(form.errors),
        },
    )


def _closing_answers(episode, closing):
    """The closing scores and the family's view as the check page shows them."""
    if not closing:
        return None
    family = closing.get("family") or {}
    ratings = family.get("scores") or {}
    rows = [(need, closing["scores"].get(str(need.pk)), ratings.get(str(need.pk)))
            for need in cases.episode_closing_needs(episode=episode)]
    return {"rows": rows, "declined": family.get("declined", False),
            "rater": Rater(family["rater"]).label if family.get("rater") else "",
            "words": family.get("words", ""),
            "satisfaction": SATISFACTION.get(family.get("satisfaction"))}


def _ask_again(request, episode):
    """Something was added since the first page: back to it, to say what happens to it."""
    messages.warning(request, "Something new is open in this episode: say what happens to it.")
    return redirect("web:close", episode.pk)


@login_required
def episode_start_date(request, episode_id):
    """A team manager sets the day the work began (it defaults to the decision's day)."""
    episode = cases.episode_for_work(
        user=request.user, episode_id=episode_id, action=policy.Action.SET_EPISODE_START,
        detail="start date",
    )
    form = StartDateForm(
        request.POST or None,
        initial={"start_date": episode.start_date, "version": episode.version},
    )
    if request.method == "POST" and form.is_valid():
        done = attempt(
            form,
            services.episode_start_date_set,
            episode=episode,
            start_date=form.cleaned_data["start_date"],
            expected_version=form.cleaned_data["version"],
            acting_user=request.user,
        )
        if done is not None:
            messages.success(request, f"The episode now starts on {long_date(done.start_date)}.")
            return redirect("web:episode_detail", episode.pk)
    return page(
        request,
        "cases/start_date.html",
        {"page_title": "Change the start date", "episode": episode, "form": form},
    )


def _focus_for_work(request, episode_id):
    return cases.episode_for_work(
        user=request.user, episode_id=episode_id, action=policy.Action.CHANGE_FOCUS_CHILDREN,
        detail="focus children",
    )


@login_required
def focus_children(request, episode_id):
    """Who the episode is about, dated: current focus children and those who stopped being."""
    episode = _focus_for_work(request, episode_id)
    return page(
        request,
        "cases/focus_children.html",
        {
            "page_title": "Focus children",
            "episode": episode,
            "history": cases.focus_history(episode=episode),
            "can_add": cases.children_not_in_focus(episode=episode).exists(),
        },
    )


@login_required
def focus_child_add(request, episode_id):
    episode = _focus_for_work(request, episode_id)
    form = FocusChildAddForm(
        request.POST or None,
        children=cases.children_not_in_focus(episode=episode),
        initial={"on": dates.today()},
    )
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        done = attempt(
            form, services.focus_child_add, episode=episode, person=person,
            on=form.cleaned_data["on"], acting_user=request.user,
        )
        if done is not None:
            messages.success(request, f"{person.full_name} is now a focus child.")
            return redirect("web:focus_children", episode.pk)
    return page(
        request,
        "cases/focus_child_add.html",
        {"page_title": "Add a focus child", "episode": episode, "form": form},
    )


@login_required
def focus_child_end(request, episode_id, person_id):
    episode = _focus_for_work(request, episode_id)
    person = cases.current_focus_child(episode=episode, person_id=person_id)
    form = FocusChildEndForm(request.POST or None, initial={"on": dates.today()})
    if request.method == "POST" and form.is_valid():
        done = attempt(
            form, services.focus_child_end, episode=episode, person=person,
            on=form.cleaned_data["on"], acting_user=request.user,
        )
        if done is not None:
            messages.success(request, f"{person.full_name} is no longer a focus child.")
            return redirect("web:focus_children", episode.pk)
    return page(
        request,
        "cases/focus_child_end.html",
        {
            "page_title": f"{person.full_name} stops being a focus child",
            "episode": episode,
            "person": person,
            "form": form,
        },
    )


@login_required
def step_down(request):
    """A step-down from children's social care: a family already known (from its family page,
    ?family=…) or a family new to early help with its people – all of it, or nothing."""
    user = request.user
    policy.require(user, policy.Action.STEP_DOWN)
    family = cases.family_for_step_down(user=user, family_id=request.GET.get("family"))
    form = StepDownForm(
        request.POST or None,
        teams=cases.step_down_teams(),
        levels=cases.step_down_levels(),
        family=family,
        children=cases.family_children(family=family) if family else None,
        initial={"on": dates.today(), "social_care_decided_on": dates.today(),
                 "team": user.team_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        common = dict(
            team=data["team"], on=data["on"], reason=data["reason"],
            social_care_decided_on=data["social_care_decided_on"],
            social_care_reference=data.get("social_care_reference", ""),
            level=data.get("level"), acting_user=user,
        )
        if family is not None:
            episode = attempt(
                form, services.episode_step_down, family=family,
                focus_children=list(data["focus_children"]), **common,
            )
        else:
            episode = attempt(
                form, services.episode_step_down_new_family,
                family_values={
                    "name": data["family_name"].strip(),
                    "address_line_1": data.get("address_line_1", ""),
                    "town": data.get("town", ""),
                    "postcode": data.get("postcode", ""),
                },
                members=form.members_for_service(),
                **common,
            )
        if episode is not None:
            messages.success(request, f"Episode {episode.reference} opened for the step-down.")
            if policy.can(user, policy.Action.RECORD_NOTE, episode):
                return redirect("web:episode_detail", episode.pk)
            return redirect("web:start")  # the front door: the team now has it on its list
    return page(
        request,
        "cases/step_down.html",
        {
            "page_title": "Record a step-down from children's social care",
            "family": family,
            "form": form,
        },
    )
