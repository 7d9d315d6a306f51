"""The front door: the queue of requests for support, a request's page, and triage."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms.utils import ErrorDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from earlyhelp.access import policy
from earlyhelp.access.scoping import visible_families
from earlyhelp.frontdoor import selectors as frontdoor
from earlyhelp.frontdoor import services
from earlyhelp.frontdoor.journey import CONTACT
from earlyhelp.frontdoor.models import TriageOutcome
from earlyhelp.thresholds.models import ThresholdModel
from earlyhelp.web.views.base import attempt, audit_list, page, paginate

from ..forms.contacts import TriageForm, WithdrawForm
from ..timeliness import decision_clock, decision_time

PRIORITIES = {"red": "Red", "amber": "Amber", "green": "Green", "unrated": "Not yet rated"}


@login_required
def contact_queue(request):
    user = request.user
    policy.require(user, policy.Action.SEE_FRONT_DOOR_QUEUE)
    contacts = frontdoor.contact_queue(user=user)
    priority = request.GET.get("priority", "")
    if priority in PRIORITIES:
        contacts = contacts.filter(priority="" if priority == "unrated" else priority)
    else:
        priority = ""
    page_obj = paginate(request, contacts)
    audit_list(request, "frontdoor.contact")
    for contact in page_obj:
        contact.clock = decision_clock(contact)
    return page(
        request,
        "frontdoor/queue.html",
        {
            "page_title": "Front door queue",
            "page_obj": page_obj,
            "counts": frontdoor.contact_queue_counts(user=user),
            "priority": priority,
            "priorities": PRIORITIES,
        },
    )


@login_required
def contact_detail(request, contact_id):
    user = request.user
    contact = frontdoor.contact_detail(user=user, contact_id=contact_id)
    decision = getattr(contact, "decision", None)
    awaiting = CONTACT.allows("triage", contact)
    # A referrer who does not work with the family sees their request and the decision only.
    sees_family = bool(contact.family_id) and visible_families(user).filter(
        pk=contact.family_id
    ).exists()
    return page(
        request,
        "frontdoor/contact.html",
        {
            "page_title": f"Request for support {contact.reference}",
            "contact": contact,
            "decision": decision,
            "clock": decision_clock(contact) if awaiting else None,
            "decision_time": decision_time(contact),
            "can_triage": awaiting and policy.can(user, policy.Action.TRIAGE, contact),
            "sees_family": sees_family,
        },
    )


def _threshold_model(request):
    models = ThresholdModel.objects.filter(is_active=True).order_by("-is_default", "name")
    slug = request.POST.get("model") or request.GET.get("model")
    if slug:
        return get_object_or_404(models, slug=slug), models
    model = models.first()
    if model is None:
        from django.http import Http404

        raise Http404("No threshold model is set up: ask an administrator.")
    return model, models


@login_required
def contact_triage(request, contact_id):
    user = request.user
    contact = frontdoor.contact_detail(user=user, contact_id=contact_id)  # scope first: 404
    policy.require(user, policy.Action.TRIAGE, contact)
    if not CONTACT.allows("triage", contact):
        messages.info(request, f"{contact.reference} already has a decision.")
        return redirect("web:contact_detail", contact.pk)
    model, models = _threshold_model(request)
    initial = {"rag": contact.priority} if contact.priority else {}
    form = TriageForm(request.POST or None, threshold_model=model, initial=initial)
    suggesting = request.method == "POST" and request.POST.get("action") == "suggest"
    if request.method == "POST" and not suggesting and form.is_valid():
        data = form.cleaned_data
        decision = attempt(
            form,
            services.contact_triage,
            contact=contact,
            acting_user=user,
            outcome=data["outcome"],
            threshold_model=model,
            indicators=data["indicators"],
            level=data["level"],
            override_reason=data["override_reason"],
            universal_reason=data["universal_reason"],
            rag=data["rag"],
            rationale=data["rationale"],
            routed_team=data["routed_team"]
            if data["outcome"] == TriageOutcome.EARLY_HELP
            else None,
            episode_reason=data["episode_reason"] or "other",
            safeguarding_override=data["safeguarding_override"],
            decided_at=data["decided_at"],
            episode_start_date=data["episode_start_date"]
            if data["outcome"] == TriageOutcome.EARLY_HELP
            else None,
        )
        if decision is not None:
            messages.success(
                request,
                f"Decision recorded for {contact.reference}: {decision.get_outcome_display()}.",
            )
            if decision.episode_id:
                return redirect("web:episode_detail", decision.episode_id)
            return redirect("web:contact_queue")
    if suggesting:
        form.is_valid()
        form._errors = ErrorDict()  # working out the suggestion is not a submission
    return page(
        request,
        "frontdoor/triage.html",
        {
            "page_title": f"Triage {contact.reference}",
            "contact": contact,
            "form": form,
            "model": model,
            "models": models,
            "suggested": form.suggested_level() if form.is_bound else None,
            "groups": form.indicator_groups(),
            "clock": decision_clock(contact),
            "has_errors": bool(form.is_bound and not suggesting and form.errors),
        },
    )


@login_required
@require_POST
def triage_suggestion(request, contact_id):
    """htmx: the suggested level for the ticked indicators, without reloading the page."""
    user = request.user
    contact = frontdoor.contact_detail(user=user, contact_id=contact_id)
    policy.require(user, policy.Action.TRIAGE, contact)
    model, _ = _threshold_model(request)
    form = TriageForm(request.POST, threshold_model=model)
    return page(request, "frontdoor/_suggestion.html", {"suggested": form.suggested_level()})


@login_required
def contact_withdraw(request, contact_id):
    user = request.user
    contact = frontdoor.contact_detail(user=user, contact_id=contact_id)
    policy.require(user, policy.Action.WITHDRAW_REQUEST, contact)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            form,
            services.contact_withdraw,
            contact=contact,
            acting_user=user,
            reason=form.cleaned_data["reason"],
        )
        if done is not None:
            messages.success(request, f"{contact.reference} was withdrawn.")
            return redirect(reverse("web:contact_queue"))
    return page(
        request,
        "frontdoor/withdraw.html",
        {"page_title": f"Withdraw {contact.reference}", "contact": contact, "form": form},
    )
