"""Strategy pages: frameworks, self-assessment rounds (rate, agree, consensus), the action plan."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect

from earlyhelp.access import policy
from earlyhelp.access.policy import Action
from earlyhelp.core import dates
from earlyhelp.insights.models import IndicatorDefinition
from earlyhelp.web.charts import bar_chart
from earlyhelp.web.views.base import attempt, page

from . import selectors, services
from .forms import (
    AcknowledgeForm,
    ActionItemForm,
    CompleteForm,
    CompletionForm,
    ConsensusForm,
    GradeForm,
    ImportForm,
    ModerateForm,
    ProgrammeForm,
    RatingForm,
    ReassignForm,
    RoundForm,
)
from .models import Element, ItemStatus


@login_required
def index(request):
    user = request.user
    runs = selectors.runs_strategy(user)
    return page(request, "strategy/index.html", {
        "page_title": "Strategy",
        "runs": runs,
        "frameworks": selectors.framework_list(user=user) if runs else [],
        "rounds": selectors.round_list(user=user),
    })


@login_required
def framework_detail(request, framework_id):
    framework = selectors.framework_detail(user=request.user, framework_id=framework_id)
    return page(request, "strategy/framework.html", {
        "page_title": framework.name, "framework": framework,
    })


@login_required
def round_new(request):
    user = request.user
    selectors.require_strategy(user)
    form = RoundForm(request.POST or None, initial={"opens_on": dates.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        round_ = attempt(
            form, services.round_create, framework=data["framework"], name=data["name"],
            chair=data["chair"], target_level=data["target_level"], opens_on=data["opens_on"],
            closes_on=data["closes_on"], organisations=list(data["organisations"]),
            acting_user=user,
        )
        if round_ is not None:
            messages.success(request, f"{round_.name} is open for ratings")
            return redirect("strategy:round", round_id=round_.pk)
    return page(request, "strategy/round_new.html", {
        "page_title": "Start a self-assessment round", "form": form,
    }, status=400 if form.errors else 200)


def change_chart(*, round_, rows):
    """The consensus level of each dimension (the mean of its elements' ranks), this round
    against the last: a bar chart with its table. None before the chair records any."""
    previous = selectors.previous_round(round_)
    by_dimension: dict[str, tuple[list[int], list[int]]] = {}
    for row in rows:
        now, before = by_dimension.setdefault(row.element.dimension.name, ([], []))
        if row.consensus is not None:
            now.append(row.consensus.level.rank)
        if row.previous is not None:
            before.append(row.previous.level.rank)
    if not any(now for now, _ in by_dimension.values()):
        return None

    def mean(ranks):
        return round(sum(ranks) / len(ranks), 1) if ranks else None

    series = {}
    if previous is not None:
        series[previous.name] = [mean(before) for _, before in by_dimension.values()]
    series[round_.name] = [mean(now) for now, _ in by_dimension.values()]
    top = round_.framework.levels.count()
    return bar_chart(
        title="Consensus level by dimension" + (" since the last round" if previous else ""),
        categories=list(by_dimension),
        series=series,
        x_label="Dimension",
        y_label=f"Level (1 to {top})",
        y_min=0,
        y_max=top,
    )


@login_required
def round_detail(request, round_id, *, close_form=None):
    user = request.user
    round_ = selectors.round_detail(user=user, round_id=round_id)
    rows = selectors.round_rows(user=user, round_=round_)
    sees_all = selectors.sees_all_ratings(user, round_)
    return page(request, "strategy/round.html", {
        "page_title": round_.name,
        "round": round_,
        "rows": rows,
        "sees_all": sees_all,
        "is_chair": policy.can(user, Action.CHAIR_ROUND, round_),
        "rates": policy.can(user, Action.RATE_FOR_PARTNER, round_),
        "is_open": round_.status == "open",
        "progress": selectors.partner_progress(round_=round_) if sees_all else [],
        "chart": change_chart(round_=round_, rows=rows) if sees_all else None,
        "previous": selectors.previous_round(round_) if sees_all else None,
        "close_form": close_form or CompleteForm(),
    }, status=400 if close_form is not None else 200)


def _element(round_, element_id):
    return get_object_or_404(
        Element.objects.select_related("dimension"),
        pk=element_id, dimension__framework_id=round_.framework_id,
    )


@login_required
def rate(request, round_id, element_id):
    user = request.user
    round_ = selectors.round_detail(user=user, round_id=round_id)
    policy.require(user, Action.RATE_FOR_PARTNER, round_)
    element = _element(round_, element_id)
    own = selectors.ratings_visible(user=user, round_=round_).filter(
        element=element, organisation_id=user.organisation_id).first()
    initial = ({"level": own.level_id, "evidence": own.evidence, "comments": own.comments,
                "version": own.version} if own else {})
    form = RatingForm(request.POST or None, initial=initial, framework=round_.framework)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        rating = attempt(
            form, services.rating_record, round_=round_, element=element, level=data["level"],
            evidence=data["evidence"], comments=data["comments"], acting_user=user,
            expected_version=data.get("version"),
        )
        if rating is not None:
            messages.success(request, f"Your rating of “{element.name}” is saved")
            return redirect("strategy:round", round_id=round_.pk)
    return page(request, "strategy/rate.html", {
        "page_title": f"Rate: {element.name}", "round": round_, "element": element,
        "descriptors": element.descriptors.select_related("level"), "form": form,
        "levels": round_.framework.levels.all(),
    }, status=400 if form.errors else 200)


@login_required
def consensus(request, round_id, element_id):
    user = request.user
    round_ = selectors.round_detail(user=user, round_id=round_id)
    policy.require(user, Action.CHAIR_ROUND, round_)
    element = _element(round_, element_id)
    row = next(r for r in selectors.round_rows(user=user, round_=round_) if r.element == element)
    initial = ({"level": row.consensus.level_id, "rationale": row.consensus.rationale}
               if row.consensus else {})
    form = ConsensusForm(request.POST or None, initial=initial, framework=round_.framework)
    if request.method == "POST" and form.is_valid():
        result = attempt(
            form, services.consensus_record, round_=round_, element=element,
            level=form.cleaned_data["level"], rationale=form.cleaned_data["rationale"],
            acting_user=user,
        )
        if result is not None:
            _, item = result
            note = " It is below the target, so it is on the action plan." if item else ""
            messages.success(request, f"Consensus for “{element.name}” recorded.{note}")
            return redirect("strategy:round", round_id=round_.pk)
    return page(request, "strategy/consensus.html", {
        "page_title": f"Consensus: {element.name}", "round": round_, "element": element,
        "row": row, "form": form,
    }, status=400 if form.errors else 200)


@login_required
def round_close(request, round_id):
    user = request.user
    round_ = selectors.round_detail(user=user, round_id=round_id)
    if request.method != "POST":
        return redirect("strategy:round", round_id=round_.pk)
    form = CompleteForm(request.POST)
    if form.is_valid():
        if attempt(form, services.round_close, round_=round_, acting_user=user) is not None:
            messages.success(request, f"{round_.name} is closed")
            return redirect("strategy:round", round_id=round_.pk)
    return round_detail(request, round_id, close_form=form)


# The action plan


def _item_form(data=None, **kwargs):
    return ActionItemForm(
        data,
        elements=Element.objects.filter(dimension__framework__is_active=True).select_related(
            "dimension", "dimension__framework"),
        indicators=IndicatorDefinition.objects.filter(is_active=True).exclude(direction="neutral"),
        **kwargs,
    )


@login_required
def plan(request):
    user = request.user
    status = request.GET.get("status") or ItemStatus.OPEN
    items = selectors.action_items(user=user, status=status)
    rows = selectors.plan_rows(user=user, items=items)
    return page(request, "strategy/plan.html", {
        "page_title": "Action plan", "rows": rows, "status": status,
        "counts": selectors.plan_summary(rows),
    })


def _item_values(data):
    return {name: data[name] for name in (
        "outcome", "measure", "target", "due_on", "owner", "actions", "element", "indicator",
        "indicator_target")}


@login_required
def item_new(request):
    user = request.user
    selectors.require_strategy(user)
    form = _item_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = attempt(form, services.action_item_create, acting_user=user,
                       **_item_values(form.cleaned_data))
        if item is not None:
            messages.success(request, "Action plan item added")
            return redirect("strategy:plan")
    return page(request, "strategy/item_form.html", {
        "page_title": "Add an action plan item", "form": form, "item": None,
    }, status=400 if form.errors else 200)


@login_required
def item_edit(request, item_id):
    user = request.user
    item = selectors.action_item_detail(user=user, item_id=item_id)
    initial = {name: getattr(item, name) for name in services.ITEM_FIELDS} | {
        "version": item.version}
    form = _item_form(request.POST or None, initial=initial)
    complete_form = CompleteForm(initial={"version": item.version})
    if request.method == "POST" and form.is_valid():
        saved = attempt(form, services.action_item_update, item=item, acting_user=user,
                        expected_version=form.cleaned_data.get("version"),
                        **_item_values(form.cleaned_data))
        if saved is not None:
            messages.success(request, "Action plan item saved")
            return redirect("strategy:plan")
    return page(request, "strategy/item_form.html", {
        "page_title": "Change an action plan item", "form": form, "item": item,
        "complete_form": complete_form,
    }, status=400 if form.errors else 200)


@login_required
def item_done(request, item_id):
    user = request.user
    item = selectors.action_item_detail(user=user, item_id=item_id)
    if request.method != "POST":
        return redirect("strategy:item", item_id=item.pk)
    form = CompleteForm(request.POST)
    if form.is_valid() and attempt(form, services.action_item_complete, item=item,
                                   acting_user=user,
                                   expected_version=form.cleaned_data["version"]) is not None:
        messages.success(request, "Action plan item marked as done")
        return redirect("strategy:plan")
    return page(request, "strategy/item_form.html", {
        "page_title": "Change an action plan item", "form": _item_form(initial={
            name: getattr(item, name) for name in services.ITEM_FIELDS} | {
            "version": item.version}),
        "item": item, "complete_form": form,
    }, status=400)


# Workforce readiness


@login_required
def workforce(request):
    user = request.user
    selectors.require_strategy(user)
    tables = selectors.compliance_tables(user=user)
    return page(request, "strategy/workforce.html", {
        "page_title": "Workforce readiness", "tables": tables,
        "unclassified": selectors.unclassified_titles(user=user),
    })


@login_required
def completion_new(request):
    user = request.user
    selectors.require_strategy(user)
    form = CompletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(form, services.completion_record, user=data["user"], course=data["course"],
                       completed_on=data["completed_on"], acting_user=user)
        if done is not None:
            messages.success(request, f"{data['course'].name} recorded for "
                                      f"{data['user'].display_name}")
            return redirect("strategy:workforce")
    return page(request, "strategy/completion_new.html", {
        "page_title": "Record a course completion", "form": form,
    }, status=400 if form.errors else 200)


@login_required
def completions_import(request):
    user = request.user
    selectors.require_strategy(user)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.completions_import(text=form.cleaned_data["file"], acting_user=user)
        except services.ImportRefused as refused:
            report = refused.report
            rows = "row has a problem" if len(report) == 1 else "rows have problems"
            form.add_error("file", f"Nothing was imported: {len(report)} {rows} (listed below)")
        else:
            messages.success(request, f"{result['imported']} completions imported; "
                                      f"{result['already_recorded']} were already recorded")
            return redirect("strategy:workforce")
    return page(request, "strategy/import.html", {
        "page_title": "Import course completions", "form": form, "report": report,
    }, status=400 if form.errors else 200)


# Quality audits


@login_required
def audits(request):
    """Audits: programmes (for those who run the strategy), the audits sampled for the user,
    and findings about the user's work or team waiting for their acknowledgement."""
    user = request.user
    runs = selectors.runs_strategy(user)
    return page(request, "strategy/audits.html", {
        "page_title": "Case audits",
        "runs": runs,
        "programmes": selectors.programme_list(user=user) if runs else [],
        "to_grade": selectors.audits_to_grade(user=user),
        "to_acknowledge": selectors.findings_to_acknowledge(user=user),
        "figures": selectors.audit_figures(user=user),
    })


@login_required
def programme_new(request):
    user = request.user
    policy.require(user, Action.DRAW_AUDIT_SAMPLE)
    previous = dates.months_before(dates.today().replace(day=1), 1)
    form = ProgrammeForm(request.POST or None, initial={
        "month": previous.isoformat(), "per_team": 4,
        "name": f"Case audit {previous:%B %Y}"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        programme = attempt(
            form, services.audit_programme_draw, name=data["name"],
            month=dt.date.fromisoformat(data["month"]), tool=data["tool"],
            per_team=data["per_team"], seed=data["seed"], auditors=list(data["auditors"]),
            acting_user=user)
        if programme is not None:
            messages.success(request, f"{programme.audits.count()} records drawn for "
                                      f"{programme.name}")
            return redirect("strategy:programme", programme_id=programme.pk)
    return page(request, "strategy/programme_new.html", {
        "page_title": "Draw an audit sample", "form": form,
    }, status=400 if form.errors else 200)


def figures_chart(figures, title):
    if not figures or not figures["teams"]:
        return None
    return bar_chart(
        title=title, categories=[row.label for row in figures["teams"]],
        series={"Good or better (%)": [row.share.percent for row in figures["teams"]]},
        x_label="Team", y_label="Audits graded good or better (%)", y_min=0, y_max=100)


@login_required
def programme_detail(request, programme_id):
    user = request.user
    programme = selectors.programme_detail(user=user, programme_id=programme_id)
    audits_ = selectors.programme_audits(programme)
    figures = {"themes": selectors.themes(audits_), "teams": selectors.team_shares(audits_)}
    return page(request, "strategy/programme.html", {
        "page_title": programme.name, "programme": programme, "audits": audits_,
        "figures": figures, "repeats": selectors.redraw_matches(programme),
        "chart": figures_chart(figures, "Audits graded good or better, by team"),
    })


def _audit_page(request, audit_, *, form=None, status=200):
    user = request.user
    questions = selectors.questions_for(audit_)
    return page(request, "strategy/audit.html", {
        "page_title": f"Audit of {audit_.episode.reference}", "audit": audit_,
        "questions": questions,
        "answers": audit_.answers.select_related("question"),
        "moderations": audit_.moderations.select_related("question", "created_by"),
        "acknowledgements": audit_.acknowledgements.select_related("user"),
        "record": selectors.audited_record(audit_),
        "grades": policy.can(user, Action.GRADE_AUDIT, audit_)
        and audit_.status == "assigned",
        "acknowledges": policy.can(user, Action.ACKNOWLEDGE_AUDIT, audit_)
        and audit_.status == "graded"
        and not audit_.acknowledgements.filter(user=user).exists(),
        "moderates": policy.can(user, Action.MODERATE_AUDIT, audit_)
        and audit_.status == "graded",
        "reassigns": policy.can(user, Action.DRAW_AUDIT_SAMPLE) and audit_.status == "assigned",
        "form": form or AcknowledgeForm(),
    }, status=status)


@login_required
def audit_detail(request, audit_id):
    return _audit_page(request, selectors.audit_detail(user=request.user, audit_id=audit_id))


@login_required
def audit_grade(request, audit_id):
    user = request.user
    audit_ = selectors.audit_detail(user=user, audit_id=audit_id)
    policy.require(user, Action.GRADE_AUDIT, audit_)
    form = GradeForm(request.POST or None, questions=selectors.questions_for(audit_))
    if request.method == "POST" and form.is_valid():
        # The service checks the rest: a comment for every grade below good.
        done = attempt(form, services.audit_grade, audit=audit_, answers=form.answers(),
                       grade=form.cleaned_data["grade"], summary=form.cleaned_data["summary"],
                       acting_user=user)
        if done is not None:
            messages.success(request, "Audit graded: the worker and their manager can now see "
                                      "the findings")
            return redirect("strategy:audit", audit_id=audit_.pk)
    return page(request, "strategy/audit_grade.html", {
        "page_title": f"Grade the audit of {audit_.episode.reference}", "audit": audit_,
        "form": form, "record": selectors.audited_record(audit_),
    }, status=400 if form.errors else 200)


@login_required
def audit_acknowledge(request, audit_id):
    user = request.user
    audit_ = selectors.audit_detail(user=user, audit_id=audit_id)
    if request.method != "POST":
        return redirect("strategy:audit", audit_id=audit_.pk)
    policy.require(user, Action.ACKNOWLEDGE_AUDIT, audit_)
    form = AcknowledgeForm(request.POST)
    if form.is_valid() and attempt(form, services.audit_acknowledge, audit=audit_,
                                   comment=form.cleaned_data["comment"],
                                   acting_user=user) is not None:
        messages.success(request, "You have acknowledged the findings")
        return redirect("strategy:audit", audit_id=audit_.pk)
    return _audit_page(request, audit_, form=form, status=400)


@login_required
def audit_moderate(request, audit_id):
    user = request.user
    audit_ = selectors.audit_detail(user=user, audit_id=audit_id)
    policy.require(user, Action.MODERATE_AUDIT, audit_)
    form = ModerateForm(request.POST or None, audit=audit_,
                        questions=[a.question for a in audit_.answers.select_related("question")])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(form, services.audit_moderate, audit=audit_, question=form.question(),
                       new_grade=data["new_grade"], reason=data["reason"], acting_user=user)
        if done is not None:
            messages.success(request, "Grade moderated: the old grade is kept in the history")
            return redirect("strategy:audit", audit_id=audit_.pk)
    return page(request, "strategy/audit_moderate.html", {
        "page_title": f"Moderate the audit of {audit_.episode.reference}", "audit": audit_,
        "form": form, "answers": audit_.answers.select_related("question"),
    }, status=400 if form.errors else 200)


@login_required
def audit_reassign(request, audit_id):
    user = request.user
    policy.require(user, Action.DRAW_AUDIT_SAMPLE)
    audit_ = get_object_or_404(selectors.programme_audits_for(user=user), pk=audit_id)
    form = ReassignForm(request.POST or None, audit=audit_)
    if request.method == "POST" and form.is_valid():
        done = attempt(form, services.audit_reassign, audit=audit_,
                       auditor=form.cleaned_data["auditor"], acting_user=user)
        if done is not None:
            messages.success(request, f"The audit is now with "
                                      f"{form.cleaned_data['auditor'].display_name}")
            return redirect("strategy:programme", programme_id=audit_.programme_id)
    return page(request, "strategy/audit_reassign.html", {
        "page_title": f"Give the audit of {audit_.episode.reference} to someone else",
        "audit": audit_, "form": form,
    }, status=400 if form.errors else 200)
