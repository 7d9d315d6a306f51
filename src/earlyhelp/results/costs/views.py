"""The cost avoidance pages: a cohort's figure with its caveats, its XLSX, the unit costs."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from earlyhelp.core import audit, dates
from earlyhelp.core.models import AuditAction
from earlyhelp.web.views.base import page

from ..forms import CostCohortForm
from . import export, rules
from . import selectors as costs


def _form(request):
    """The GET form, with a default question when none is asked: episodes closed in the year
    that ended N months ago, so every after window has passed."""
    today = dates.today()
    first = rules.add_months(today, -2 * rules.DEFAULT_MONTHS)
    last = rules.add_months(today, -rules.DEFAULT_MONTHS)
    data = {"closed_from_day": str(first.day), "closed_from_month": str(first.month),
            "closed_from_year": str(first.year), "closed_to_day": str(last.day),
            "closed_to_month": str(last.month), "closed_to_year": str(last.year),
            "months": str(rules.DEFAULT_MONTHS)}
    if any(key in request.GET for key in ("months", "closed_from_year", "closed_to_year")):
        data = request.GET
    return CostCohortForm(data, teams=costs.teams(request.user))


def _priced(request):
    form = _form(request)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    result = costs.price_episodes(user=request.user, first=data["closed_from"],
                                  last=data["closed_to"], team=data["team"],
                                  months=data["months"])
    return form, result


@login_required
@require_GET
def cost_avoidance(request):
    costs.require(request.user)
    form, result = _priced(request)
    return page(request, "results/costs.html", {
        "page_title": "Cost avoidance", "form": form, "result": result,
        "query": request.GET.urlencode(),
    }, status=200 if result is not None else 400)


@login_required
@require_GET
def cost_avoidance_xlsx(request):
    costs.require(request.user)
    form, result = _priced(request)
    if result is None:
        return page(request, "results/costs.html", {
            "page_title": "Cost avoidance", "form": form, "result": None}, status=400)
    data = form.cleaned_data
    title = f"Cost avoidance: episodes closed {data['closed_from']:%d/%m/%Y} to " \
            f"{data['closed_to']:%d/%m/%Y}" + (f", {data['team'].name}" if data["team"] else "")
    content = export.workbook(result, title=title)
    audit.record(user=request.user, action=AuditAction.EXPORT,
                 object_type="results.costavoidance", detail=title)
    response = HttpResponse(content, content_type=export.XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="cost-avoidance.xlsx"'
    return response


@login_required
@require_GET
def unit_costs(request):
    costs.require(request.user)
    return page(request, "results/unit_costs.html", {
        "page_title": "Unit costs", "costs": costs.unit_costs(),
        "index": costs.uprating_rows(),
    })
