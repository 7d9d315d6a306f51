"""The claims pages: the list (and preparing a claim), a claim's page with its families, sample,
verification, payments and export, and one family's evidence in a claim. Only the claims roles
see any of them (404 otherwise); a refused move on a locked claim is a 409 with the reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from earlyhelp.access import policy
from earlyhelp.core import audit
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.models import AuditAction
from earlyhelp.web.forms.base import GovukForm
from earlyhelp.web.views.base import page

from ..costs import export as costs_export
from ..costs import selectors as costs
from ..models import Framework
from . import export, rules, selectors, services
from .forms import (
    ClaimCostForm,
    PaymentForm,
    PrepareForm,
    RemoveFamilyForm,
    SampleForm,
    VerdictForm,
)


def _claims_user(user):
    if not selectors.sees_claims(user):
        raise Http404("Not found")


def _run(form, work, **kwargs):
    """Call a service; its refusal goes on the form. Returns (result, status)."""
    try:
        return work(**kwargs), 200
    except IllegalMove as error:
        form.add_service_error(error)
        return None, 409
    except ValidationError as error:
        form.add_service_error(error)
        return None, 400


@login_required
@require_http_methods(["GET", "POST"])
def claim_list(request):
    user = request.user
    _claims_user(user)
    frameworks = Framework.objects.all()
    form = PrepareForm(request.POST or None, frameworks=frameworks)
    status = 200
    if request.method == "POST":
        policy.require(user, policy.Action.PREPARE_CLAIM)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            claim, status = _run(form, services.prepare_claim, user=user,
                                 framework=data["framework"], window_start=data["window_start"],
                                 window_end=data["window_end"])
            if claim is not None:
                messages.success(request, f"Claim prepared: {claim.families.count()} families")
                return redirect("results:claim", claim_id=claim.pk)
    return page(request, "results/claims/list.html", {
        "page_title": "Payment-by-results claims", "claims": selectors.claim_list(user),
        "form": form}, status=status)


def _claim_page(request, claim, *, status=200, **forms):
    user = request.user
    context = {
        "page_title": f"Claim: {claim}", "claim": claim,
        "families": selectors.claim_families(claim), "payments": selectors.payments(claim),
        "layouts": selectors.layouts(), "allowed": rules.allowed_actions(claim.status),
        "may_verify": policy.can(user, policy.Action.VERIFY_CLAIM, claim),
        "may_pay": policy.can(user, policy.Action.RECORD_CLAIM_PAYMENT, claim),
        "sample_form": forms.get("sample_form") or SampleForm(
            initial={"size": services.default_sample_size()}),
        "payment_form": forms.get("payment_form") or PaymentForm(),
        "approve_form": forms.get("approve_form"),
    }
    context["has_errors"] = any(f is not None and f.errors for f in forms.values())
    context["error_forms"] = [f for f in forms.values() if f is not None]
    return page(request, "results/claims/claim.html", context, status=status)


@login_required
@require_GET
def claim_detail(request, claim_id):
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    return _claim_page(request, claim)


@login_required
@require_POST
def claim_sample(request, claim_id):
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    form = SampleForm(request.POST)
    status = 400
    if form.is_valid():
        sample, status = _run(form, services.draw_sample, user=request.user, claim=claim,
                              size=form.cleaned_data["size"], seed=form.cleaned_data["seed"])
        if sample is not None:
            messages.success(request, f"Sample drawn: {len(sample)} families to verify")
            return redirect("results:claim", claim_id=claim.pk)
    claim.refresh_from_db()
    return _claim_page(request, claim, sample_form=form, status=status)


@login_required
@require_POST
def claim_approve(request, claim_id):
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    form = GovukForm()  # carries the refusal, if any
    approved, status = _run(form, services.approve, user=request.user, claim=claim)
    if approved is not None:
        messages.success(request, "Claim approved: it is now locked")
        return redirect("results:claim", claim_id=claim.pk)
    return _claim_page(request, claim, approve_form=form, status=status)


@login_required
@require_POST
def claim_payment(request, claim_id):
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    form = PaymentForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        payment, status = _run(form, services.record_payment, user=request.user, claim=claim,
                               received_on=data["received_on"], amount=data["amount"],
                               reference=data["reference"])
        if payment is not None:
            messages.success(request, f"Payment {payment.reference} recorded")
            return redirect("results:claim", claim_id=claim.pk)
    return _claim_page(request, claim, payment_form=form, status=status)


@login_required
@require_GET
def claim_export(request, claim_id, fmt):
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    if fmt not in ("csv", "xlsx"):
        raise Http404("Not found")
    layout = selectors.layout_get(request.GET.get("layout"))
    form = GovukForm()
    _, status = _run(form, services.record_export, user=request.user, claim=claim,
                     layout=layout, fmt=fmt)
    if status != 200:
        return _claim_page(request, claim, approve_form=form, status=status)
    rows = export.table(selectors.in_claim(claim), layout.columns)
    if fmt == "csv":
        body, kind = export.to_csv(rows), "text/csv; charset=utf-8"
    else:
        body = export.to_xlsx(rows, title="Claim")
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{export.filename(claim, fmt)}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def claim_family(request, claim_id, claim_family_id):
    user = request.user
    claim = selectors.claim_get(user=user, claim_id=claim_id)
    row = selectors.claim_family_get(user=user, claim=claim, claim_family_id=claim_family_id)
    form = VerdictForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            done, status = _run(form, services.verify_family, user=user, claim=claim,
                                claim_family=row,
                                passed=form.cleaned_data["verdict"] == "passed",
                                reason=form.cleaned_data["reason"])
            if done is not None:
                messages.success(request, f"{row.attachment.family.name}: "
                                          f"{done.get_verification_display().lower()}")
                return redirect("results:claim", claim_id=claim.pk)
    return _family_page(request, claim, row, form=form, status=status)


def _family_page(request, claim, row, *, form, remove_form=None, status=200):
    user = request.user
    return page(request, "results/claims/family.html", {
        "page_title": f"{row.attachment.family.name} in the claim", "claim": claim, "row": row,
        "form": form, "may_verify": policy.can(user, policy.Action.VERIFY_CLAIM, claim),
        "verifying": "verify_family" in rules.allowed_actions(claim.status),
        "removable": (not row.withdrawn
                      and "remove_family" in rules.allowed_actions(claim.status)
                      and policy.can(user, policy.Action.PREPARE_CLAIM)),
        "remove_form": remove_form or RemoveFamilyForm(),
        "error_forms": [f for f in (form, remove_form) if f is not None],
    }, status=status)


@login_required
@require_POST
def claim_family_remove(request, claim_id, claim_family_id):
    """Take a family out of a prepared claim, with a reason; 409 (nothing changed) after."""
    user = request.user
    claim = selectors.claim_get(user=user, claim_id=claim_id)
    row = selectors.claim_family_get(user=user, claim=claim, claim_family_id=claim_family_id)
    policy.require(user, policy.Action.PREPARE_CLAIM)
    form = RemoveFamilyForm(request.POST)
    status = 400
    if form.is_valid():
        _, status = _run(form, services.remove_family, user=user, claim=claim, claim_family=row,
                         reason=form.cleaned_data["reason"])
        if status == 200:
            messages.success(request, f"{row.attachment.family.name} is out of the claim")
            return redirect("results:claim", claim_id=claim.pk)
    claim.refresh_from_db()
    row.refresh_from_db()
    return _family_page(request, claim, row, form=VerdictForm(), remove_form=form,
                        status=status)


def _claim_costs(request, claim_id):
    claim = selectors.claim_get(user=request.user, claim_id=claim_id)
    costs.require(request.user)
    form = ClaimCostForm(request.GET if "months" in request.GET
                         else {"months": str(costs.rules.DEFAULT_MONTHS)})
    result = None
    if form.is_valid():
        result = costs.price_claim(user=request.user, claim=claim,
                                   months=form.cleaned_data["months"])
    return claim, form, result


@login_required
@require_GET
def claim_costs(request, claim_id):
    """A claim's cost avoidance: its families' service use before and after they joined the
    programme, with the caveats (for whoever may see both the claim and cost avoidance)."""
    claim, form, result = _claim_costs(request, claim_id)
    return page(request, "results/claims/costs.html", {
        "page_title": f"Cost avoidance: claim {claim}", "claim": claim, "form": form,
        "result": result, "query": request.GET.urlencode(),
    }, status=200 if result is not None else 400)


@login_required
@require_GET
def claim_costs_xlsx(request, claim_id):
    claim, form, result = _claim_costs(request, claim_id)
    if result is None:
        return page(request, "results/claims/costs.html", {
            "page_title": f"Cost avoidance: claim {claim}", "claim": claim, "form": form,
            "result": None}, status=400)
    title = f"Cost avoidance: claim {claim}"
    content = costs_export.workbook(result, title=title)
    audit.record(user=request.user, action=AuditAction.EXPORT, obj=claim,
                 detail=f"cost avoidance xlsx ({result.months} months)")
    response = HttpResponse(content, content_type=costs_export.XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="claim-cost-avoidance.xlsx"'
    return response
