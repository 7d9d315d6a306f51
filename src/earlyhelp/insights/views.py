"""Pages: the dashboard, an indicator, the records behind a figure, Annex A, the board report."""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from earlyhelp.access import policy
from earlyhelp.core import dates
from earlyhelp.core.dates import long_date
from earlyhelp.web.charts import line_chart

from . import annexa, exports, formatting, recordrows, rules, selectors, services, terms
from .forms import FILTER_LABELS, AnnexAForm, DashboardForm
from .models import Category, Unit
from .summary import board_summary

PAGE_SIZE = 50


def _query(period, filters, **extra) -> str:
    params = {"period": period.kind, "date": period.start.isoformat(), **filters, **extra}
    return urlencode({k: v for k, v in params.items() if v})


def _filters_label(form, filters) -> str:
    if not filters:
        return "No filters"
    labels = []
    for name, value in filters.items():
        choices = dict(form.fields[name].choices)
        labels.append(f"{FILTER_LABELS[name]}: {choices.get(value, value)}")
    return "; ".join(labels)


def _download(request, tables, filename: str, detail: str):
    """The download asked for, else None. `tables` may be a function giving them: built only
    when a download is asked for (the dashboard's were a tenth of every page)."""
    kind = request.GET.get("download")
    if kind not in ("csv", "xlsx"):
        return None
    if callable(tables):
        tables = tables()
    services.record_download(acting_user=request.user, what=filename, detail=detail,
                             changes={"query": request.GET.urlencode()})
    if kind == "csv":
        content, content_type = exports.to_csv(tables), exports.CSV_TYPE
    else:
        content, content_type = exports.to_xlsx(tables), exports.XLSX_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    return response


def _chart_key(row) -> tuple:
    """Everything a row's trend chart depends on: its title, unit, periods and series."""
    unit = row.definition.unit
    values = tuple(r.value if r else None for _, r in row.trend)
    series = [(row.definition.name, values)]
    if row.target is not None:
        series.append(("Target", tuple(
            float(row.target) * (p.months / row.period.months) if unit == Unit.COUNT
            else float(row.target) for p, _ in row.trend)))
    return (row.definition.name, unit, tuple(p.short_label for p, _ in row.trend),
            tuple(series))


def _chart(row):
    return _drawn(*_chart_key(row))


@functools.lru_cache(maxsize=256)
def _drawn(title: str, unit: str, categories: tuple, series: tuple):
    """A trend chart, drawn once for the same figures: from the day's snapshot the dashboard
    shows the same twenty charts to every request, and drawing them was an eighth of the page.
    The key is everything the drawing depends on, so a new figure or target draws anew."""
    return line_chart(
        title=title, categories=categories, series=dict(series), x_label="Period",
        y_label=Unit(unit).label, value_format=lambda v: formatting.axis_label(unit, v),
        **formatting.chart_limits(unit),
    )


@functools.lru_cache(maxsize=256)
def _figure(title: str, unit: str, categories: tuple, series: tuple) -> str:
    """A trend chart as the dashboard prints it – its picture and its data table folded under
    "Show the data" – written once for the same figures (same key as _drawn): the twenty
    figures' tables were over half the page's template time, and hold nothing of the request."""
    return render_to_string("includes/chart.html", {
        "chart": _drawn(title, unit, categories, series), "details": True})


def _decorate(rows, period, filters):
    """Everything a template needs to print a row, worked out once here."""
    for row in rows:
        unit = row.definition.unit
        row.display = row.unavailable or formatting.figure(unit, row.value)
        row.target_display = (formatting.figure(unit, row.target) if row.target is not None
                              else "Monitored")
        if row.target is not None and unit == "count" and row.period.is_partial():
            row.target_display += " to date"  # the share of the period that has happened
        row.red_display = (formatting.figure(unit, row.red_threshold)
                           if row.red_threshold is not None else "")
        row.previous_display = formatting.figure(unit, row.previous.value if row.previous
                                                 else None)
        row.change_display = formatting.change(unit, row.value,
                                               row.previous.value if row.previous else None)
        row.rag_label = rules.RAG_LABELS[row.rag]
        query = _query(period, filters)
        row.detail_url = reverse("insights:indicator", args=[row.code]) + f"?{query}"
        row.records_url = reverse("insights:records", args=[row.code]) + f"?{query}"
        row.chart = _chart(row) if row.trend else None
    return rows


@login_required
def dashboard(request):
    scope = selectors.scope_for(request.user)
    form = DashboardForm(request.GET, user=request.user)
    period = form.period_value()
    filters = selectors.clean_filters(request.user, form.filters())
    rows = selectors.dashboard(user=request.user, period=period, filters=filters)
    tables = functools.partial(exports.dashboard_tables, rows, scope.label,
                               _filters_label(form, filters))
    download = _download(request, tables, f"early-help-dashboard-{period.key}",
                         f"Dashboard for {period.label}, {scope.label}")
    if download:
        return download
    _decorate(rows, period, filters)
    for row in rows:
        row.figure = _figure(*_chart_key(row)) if row.chart else ""
    groups = [(label, [r for r in rows if r.definition.category == value])
              for value, label in Category.choices]
    query = _query(period, filters)
    return render(request, "insights/dashboard.html", {
        "page_title": "Early help performance",
        "form": form, "period": period, "scope": scope, "groups": groups, "rows": rows,
        "query": query, "filters_label": _filters_label(form, filters),
        "can_annex_a": policy.can(request.user, policy.Action.PREPARE_ANNEX_A),
        "strategy": _strategy_section(request.user, period),
        # Read from the day's snapshot (all or nearly all rows): when it was worked out.
        "as_of": next((timezone.localtime(r.as_of) for r in rows if r.as_of), None),
    })


@login_required
def indicator(request, code):
    selectors.require_dashboard(request.user)
    definition = selectors.get_definition(code)
    form = DashboardForm(request.GET, user=request.user)
    period = form.period_value()
    filters = selectors.clean_filters(request.user, form.filters())
    rows = selectors.dashboard(user=request.user, period=period, filters=filters, codes=[code])
    row = _decorate(rows, period, filters)[0]
    allowed = [b for b in (definition.breakdowns or []) if b in selectors.REGISTRY[code].dimensions]
    by = request.GET.get("by") if request.GET.get("by") in allowed else None
    breakdown_rows = []
    if by and not row.unavailable:
        breakdown_rows = selectors.breakdown(user=request.user, definition=definition,
                                             period=period, by=by, filters=filters)
        for b in breakdown_rows:
            b.display = formatting.figure(definition.unit, b.result.value if b.result else None)
            b.rag_label = rules.RAG_LABELS[b.rag]
            b.records_url = (reverse("insights:records", args=[code]) + "?"
                             + _query(period, {**filters, by: b.key}))
    by_label = selectors.DIMENSION_LABELS.get(by) if by else None
    tables = exports.indicator_tables(row, breakdown_rows, by_label)
    download = _download(request, tables, f"{code}-{period.key}",
                         f"'{definition.name}' for {period.label}")
    if download:
        return download
    parts = []
    if row.result:
        for part in row.result.parts:
            part_unit = definition.unit if part.unit == "value" else part.unit
            parts.append({
                "group": part.group, "label": part.label,
                "display": formatting.figure(part_unit, part.value),
                "share": formatting.figure("percent", part.share) if part.share is not None
                else "",
                "records_url": reverse("insights:records", args=[code]) + "?"
                + _query(period, filters, part=part.key),
            })
    return render(request, "insights/indicator.html", {
        "page_title": definition.name, "definition": definition, "row": row, "form": form,
        "period": period, "parts": parts, "by": by, "by_label": by_label,
        "breakdowns": [(b, selectors.DIMENSION_LABELS[b]) for b in allowed],
        "breakdown_rows": breakdown_rows, "query": _query(period, filters),
        "query_by": _query(period, filters, by=by or ""),
        "scope": selectors.scope_for(request.user),
        "filters_label": _filters_label(form, filters),
        "terms": terms.for_indicator(definition),
    })


@login_required
def records(request, code):
    selectors.require_dashboard(request.user)
    definition = selectors.get_definition(code)
    form = DashboardForm(request.GET, user=request.user)
    period = form.period_value()
    filters = selectors.clean_filters(request.user, form.filters())
    part = request.GET.get("part") or None
    lists = selectors.records(user=request.user, definition=definition, period=period,
                              filters=filters, part=part)
    if request.GET.get("download") in ("csv", "xlsx"):
        tables = []
        shown = []
        for record_list in lists:
            heads, rows = recordrows.table(record_list, record_list.visible)
            tables.append(exports.Table(record_list.section.title[:31], heads, rows))
            shown += [r[0] for r in rows]
        services.record_list_view(acting_user=request.user, definition=definition,
                                  period=period, shown=shown, kind="download")
        return _download(request, tables, f"{code}-records-{period.key}",
                         f"Records behind '{definition.name}' for {period.label}")
    sections = []
    shown = []
    page_number = request.GET.get("page") or 1
    for record_list in lists:
        paginator = Paginator(record_list.visible, PAGE_SIZE)
        page = paginator.get_page(page_number)
        heads, rows = recordrows.table(record_list, page.object_list)
        shown += [r[0] for r in rows]
        # A manager's rows are all within their access: each opens its record. Pseudonymised
        # rows (analysts) open nothing – their readers may not open casework.
        kind = record_list.section.kind
        links = [recordrows.record_path(kind, record) if record_list.named else None
                 for record in page.object_list]
        sections.append({"list": record_list, "heads": heads, "rows": list(zip(links, rows)),
                         "page": page,
                         "count": paginator.count,
                         "pagination_label": f"Pages of {record_list.section.title.lower()}"})
    services.record_list_view(acting_user=request.user, definition=definition, period=period,
                              shown=shown, kind="named" if rules.sees_named_records(request.user)
                              else "pseudonymised")
    return render(request, "insights/records.html", {
        "page_title": f"Records behind: {definition.name}", "definition": definition,
        "period": period, "sections": sections, "part": part,
        "named": rules.sees_named_records(request.user),
        "query": _query(period, filters, part=part or ""),
        "back_url": reverse("insights:indicator", args=[code]) + "?" + _query(period, filters),
        "filters_label": _filters_label(form, filters),
        "scope": selectors.scope_for(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def annex_a(request):
    policy.require(request.user, policy.Action.PREPARE_ANNEX_A)
    form = AnnexAForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.annex_a_export(
                acting_user=request.user, inspection_date=data["inspection_date"],
                layout=data["layout"], lists=data["lists"], via="page",
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            response = HttpResponse(result.content, content_type=exports.XLSX_TYPE)
            name = f"annex-a-{data['inspection_date']:%Y-%m-%d}.xlsx"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    today = dates.today()
    return render(request, "insights/annex_a.html", {
        "page_title": ("Error: " if form.errors else "") + "Export Ofsted Annex A",
        "form": form, "window_months": annexa.WINDOW_MONTHS,
        "date_hint": f"For example, {today.day} {today.month} {today.year}",
        "terms": terms.for_annex_a(),
    }, status=400 if form.errors else 200)


def _board(request):
    scope = selectors.scope_for(request.user)
    form = DashboardForm(request.GET, user=request.user, default_kind="quarter")
    period = form.period_value()
    filters = selectors.clean_filters(request.user, form.filters())
    rows = selectors.dashboard(user=request.user, period=period, filters=filters)
    _decorate(rows, period, filters)
    return scope, form, period, filters, rows


@login_required
def board(request):
    scope, form, period, filters, rows = _board(request)
    tables = exports.dashboard_tables(rows, scope.label, _filters_label(form, filters))
    download = _download(request, tables, f"board-report-{period.key}",
                         f"Board report for {period.label}, {scope.label}")
    if download:
        return download
    return render(request, "insights/board.html", {
        "page_title": f"Board report: {period.label}", "rows": rows, "period": period,
        "scope": scope, "summary": board_summary(rows), "form": form,
        "query": _query(period, filters), "produced": long_date(dates.today()),
        "filters_label": _filters_label(form, filters),
        "plan": _plan_section(request.user, rows),
        "audits": _audit_section(request.user, period),
        "costs": _cost_section(request.user, period),
    })


def _plan_section(user, rows):
    """The strategy app's section: the action plan, its items' indicators read from these rows
    so the report and the plan agree (a hook: the section is built in strategy.selectors)."""
    from earlyhelp.strategy import selectors as strategy

    if not strategy.runs_strategy(user):
        return None
    return strategy.board_section(
        user=user, indicator_values={row.definition.code: row.value for row in rows})


def _strategy_section(user, period):
    """Workforce compliance and case audit figures, built in strategy.selectors."""
    from earlyhelp.strategy import selectors as strategy

    return strategy.dashboard_section(user=user, period=period)


def _audit_section(user, period):
    """Case audits of the period's months: themes and the share good or better by team."""
    from earlyhelp.strategy import selectors as strategy

    return strategy.audit_figures(user=user, start=period.start, end=period.end)


def _cost_section(user, period):
    """The results app's cost avoidance section (a hook: built in results.costs.selectors)."""
    from earlyhelp.results.costs import selectors as costs

    return costs.board_section(user=user, period_end=period.end)


@login_required
def board_pdf(request):
    scope, form, period, filters, rows = _board(request)
    from .pdf import board_report_pdf  # ReportLab loads only when a PDF is asked for

    label = scope.label + (f" ({_filters_label(form, filters)})" if filters else "")
    content = board_report_pdf(rows=rows, summary=board_summary(rows), period=period,
                               scope_label=label, plan=_plan_section(request.user, rows),
                               audits=_audit_section(request.user, period),
                               costs=_cost_section(request.user, period))
    services.record_download(acting_user=request.user, what=f"board-report-{period.key}",
                             detail=f"Board report PDF for {period.label}, {scope.label}")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="board-report-{period.key}.pdf"'
    return response
