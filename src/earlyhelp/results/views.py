"""The results pages: frameworks, the families on a programme, a family's outcome plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.core.exceptions import ValidationError
from django.views.decorators.http import require_http_methods, require_POST

from earlyhelp.access import policy
from earlyhelp.core.dates import today
from earlyhelp.web.forms.base import GovukForm
from earlyhelp.web.views.base import attempt, page

from . import selectors, services
from .forms import AttachForm, NeedForm


def _results_user(user):
    if not selectors.frameworks(user).exists():
        raise Http404("Not found")


@login_required
def index(request):
    _results_user(request.user)
    return page(request, "results/index.html", {
        "page_title": "Results for families", "frameworks": selectors.frameworks(request.user)})


def _framework_page(request, framework, form, status=200, check_form=None):
    return page(request, "results/framework.html", {
        "page_title": framework.name, "framework": framework, "form": form,
        "check_form": check_form,
        "outcomes": selectors.framework_outcomes(framework),
        "families": selectors.attachment_list(user=request.user, framework=framework),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def framework_detail(request, code):
    user = request.user
    framework = selectors.framework_get(user=user, code=code)
    families = selectors.attachable_families(user)
    if request.method != "POST":
        return _framework_page(request, framework, AttachForm(families=families))
    form = AttachForm(request.POST, families=families)
    if form.is_valid():
        data = form.cleaned_data
        attachment = attempt(form, services.attach_family, user=user, framework=framework,
                             family=data["family"], attached_on=data["attached_on"],
                             household_key=data["household_key"].strip())
        if attachment is not None:
            messages.success(request, f"{attachment.family} joined {framework.name}")
            return redirect("results:family", attachment_id=attachment.pk)
    return _framework_page(request, framework, form, status=400)


def _family_page(request, attachment, form, status=200):
    return page(request, "results/family.html", {
        "page_title": f"{attachment.family} – outcome plan", "attachment": attachment,
        "needs": selectors.plan_needs(attachment, request.user), "form": form,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def family_detail(request, attachment_id):
    user = request.user
    attachment = selectors.attachment_get(user=user, attachment_id=attachment_id)
    measures = selectors.measures_for(attachment.framework)
    if request.method != "POST":
        return _family_page(request, attachment, NeedForm(measures=measures))
    form = NeedForm(request.POST, measures=measures)
    if form.is_valid():
        data = form.cleaned_data
        need = attempt(form, services.add_need, user=user, attachment=attachment,
                       measure=data["measure"], identified_on=data["identified_on"],
                       note=data["note"])
        if need is not None:
            messages.success(request, f"Need added: {need.measure.outcome.name}")
            return redirect("results:family", attachment_id=attachment.pk)
    return _family_page(request, attachment, form, status=400)


@login_required
@require_POST
def framework_check(request, code):
    """"Check outcomes now": the same service as `results_check_outcomes`, for this programme's
    families, as on today."""
    user = request.user
    framework = selectors.framework_get(user=user, code=code)
    policy.require(user, policy.Action.CHECK_OUTCOMES)
    form = GovukForm()
    try:
        counts = services.check_programme(user=user, reference=today(), framework=framework)
    except ValidationError as error:
        form.add_service_error(error)
        return _framework_page(request, framework, AttachForm(
            families=selectors.attachable_families(user)), status=400, check_form=form)
    messages.success(request, f"Outcomes checked: {counts['families']} families, "
                              f"{counts['claimable']} claimable, {counts['not_linked']} not in "
                              "the linked records")
    return redirect("results:framework", code=framework.code)
