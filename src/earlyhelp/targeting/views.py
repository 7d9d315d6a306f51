"""Targeting pages: runs, link explanations, clerical review, cohorts. Thin: selectors decide
who may see what (a 404 otherwise); services write; every view of record detail is audited."""

import csv
import functools
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from earlyhelp.core.dates import long_date
from earlyhelp.core.errors import IllegalMove

from . import selectors, services, uploads
from .forms import CohortFilterForm, DecisionForm, RunStartForm, UploadForm
from .models import ReviewStatus, RunStatus


def govuk_not_found(view):
    """A page that is not there (or not the user's) answers with the service's own 404 page,
    also where DEBUG would show Django's technical one (the demo runs with DEBUG on)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return render(request, "404.html", {"page_title": "Page not found"}, status=404)

    return wrapped


PAGE_SIZE = 50
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@govuk_not_found
@require_http_methods(["GET", "POST"])
def index(request):
    """The runs list (and, for analysts, the staged batches and a form to start a run)."""
    runs = selectors.run_list(user=request.user)
    form = RunStartForm(request.POST or None)
    if request.method == "POST":
        selectors.require_analyst(request.user)
        if form.is_valid():
            try:
                run = services.run_start(
                    acting_user=request.user,
                    reference_date=form.cleaned_data["reference_date"],
                    backend=form.cleaned_data["backend"],
                    retrain=form.cleaned_data["retrain"],
                )
            except IllegalMove as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "The run has started. This page shows its progress.")
                return redirect("targeting:run", run_id=run.pk)
    analyst = selectors.is_analyst(request.user)
    page = Paginator(runs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "targeting/index.html",
        {
            "page_title": "Targeting",
            "page": page,
            "form": form,
            "analyst": analyst,
            "batches": selectors.batch_list(user=request.user)[:20] if analyst else [],
        },
        status=400 if form.errors else 200,
    )


@login_required
@govuk_not_found
def run_detail(request, run_id):
    run = selectors.run_get(user=request.user, run_id=run_id)
    context = {
        "page_title": f"Run of {long_date(run.created_at.date())}",
        "run": run,
        "running": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        "analyst": selectors.is_analyst(request.user),
        "criteria_sets": run.criteria_sets.all() if run.status == RunStatus.FINISHED else [],
        "pending": run.reviews.filter(status=ReviewStatus.PENDING).count(),
    }
    return render(request, "targeting/run.html", context)


@login_required
@govuk_not_found
def run_progress(request, run_id):
    """The progress panel alone, for the page to refresh without reloading."""
    run = selectors.run_get(user=request.user, run_id=run_id)
    return render(request, "targeting/_progress.html", {"run": run})


@login_required
@govuk_not_found
def review_queue(request, run_id):
    run = selectors.finished_run_get(user=request.user, run_id=run_id)
    status = request.GET.get("status", ReviewStatus.PENDING)
    if status not in ReviewStatus.values:
        status = ReviewStatus.PENDING
    queue = selectors.review_queue(user=request.user, run=run, status=status)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "targeting/review_queue.html",
        {
            "page_title": "Clerical review",
            "run": run,
            "page": page,
            "status": status,
            "statuses": ReviewStatus.choices,
        },
    )


@login_required
@govuk_not_found
@require_http_methods(["GET", "POST"])
def review(request, run_id, review_id):
    """Two records side by side, why the model scored them, and the analyst's decision."""
    run = selectors.finished_run_get(user=request.user, run_id=run_id)
    item = selectors.review_get(user=request.user, run=run, review_id=review_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.clerical_decide(
                review=item,
                accepted=form.cleaned_data["decision"] == "accept",
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except IllegalMove as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Decision saved. The next run will use it.")
            following = (
                selectors.review_queue(user=request.user, run=run).exclude(pk=item.pk).first()
            )
            if following:
                return redirect("targeting:review", run_id=run.pk, review_id=following.pk)
            return redirect("targeting:review_queue", run_id=run.pk)
    with transaction.atomic():
        explanation = selectors.explain_pair(
            user=request.user, run=run, profile_l=item.profile_id_l, profile_r=item.profile_id_r
        )
        services.record_access(
            acting_user=request.user,
            action=services.VIEW,
            obj=item,
            detail="clerical review: two records side by side",
        )
    return render(
        request,
        "targeting/review.html",
        {
            "page_title": "Are these the same person?",
            "run": run,
            "item": item,
            "form": form,
            **explanation,
        },
        status=400 if form.errors else 200,
    )


@login_required
@govuk_not_found
def explain(request, run_id, profile_l, profile_r):
    run = selectors.finished_run_get(user=request.user, run_id=run_id)
    with transaction.atomic():
        explanation = selectors.explain_pair(
            user=request.user, run=run, profile_l=profile_l, profile_r=profile_r
        )
        services.record_access(
            acting_user=request.user,
            action=services.VIEW,
            object_type="targeting.link",
            object_id=f"{profile_l}:{profile_r}",
            detail=f"link explanation, run {run.pk}",
        )
    return render(
        request,
        "targeting/explain.html",
        {"page_title": "Why these records were linked", "run": run, **explanation},
    )


def _cohort_rows(families, criteria_names):
    header = [
        "Household",
        "Postcode district",
        "Members",
        "Children",
        "Criteria met",
        "Number met",
        "Eligible",
        "Known to early help",
        "Known to social care",
    ]
    rows = [
        [
            f.household_key,
            f.postcode_district,
            f.members,
            f.children,
            "; ".join(criteria_names.get(c, c) for c in f.criteria_met),
            f.criteria_count,
            "Yes" if f.eligible else "No",
            "Yes" if f.known_to_early_help else "No",
            "Yes" if f.known_to_social_care else "No",
        ]
        for f in families.iterator(chunk_size=2000)
    ]
    return header, rows


def _download(kind, filename, header, rows):
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse(buffer.getvalue(), content_type=CSV_TYPE)
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Cohort")
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    return response


@login_required
@govuk_not_found
def cohort(request, run_id, code):
    run = selectors.finished_run_get(user=request.user, run_id=run_id)
    criteria_set = selectors.criteria_set_get(user=request.user, run=run, code=code)
    form = CohortFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    families = selectors.cohort_list(
        user=request.user, run=run, criteria_set=criteria_set, filters=filters
    )
    names = {c.code: c.name for c in criteria_set.criteria.all()}
    kind = request.GET.get("download")
    if kind in ("csv", "xlsx"):
        with transaction.atomic():
            header, rows = _cohort_rows(families, names)
            services.record_access(
                acting_user=request.user,
                action=services.EXPORT,
                obj=run,
                detail=f"cohort {code} download ({kind}, {len(rows)} families, "
                f"filters {filters or 'none'})",
            )
        return _download(kind, f"cohort-{code}-{run.reference_date}", header, rows)
    page = Paginator(families, PAGE_SIZE).get_page(request.GET.get("page"))
    for family in page:
        family.criteria_names = [names.get(c, c) for c in family.criteria_met]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("download", None)
    services.record_access(
        acting_user=request.user,
        action=services.VIEW,
        obj=run,
        detail=f"cohort {code} list (pseudonymised)",
    )
    return render(
        request,
        "targeting/cohort.html",
        {
            "page_title": f"Cohort: {criteria_set.name}",
            "run": run,
            "criteria_set": criteria_set,
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "summary": run.stats.get("cohort", {}).get(code, {}),
        },
    )


@login_required
@govuk_not_found
def cohort_family(request, run_id, code, household_key):
    run = selectors.finished_run_get(user=request.user, run_id=run_id)
    criteria_set = selectors.criteria_set_get(user=request.user, run=run, code=code)
    family = selectors.cohort_family_get(
        user=request.user, run=run, criteria_set=criteria_set, household_key=household_key
    )
    with transaction.atomic():
        detail = selectors.family_detail(user=request.user, run=run, family=family)
        services.record_access(
            acting_user=request.user,
            action=services.VIEW,
            obj=family,
            detail=f"cohort {code}: household {household_key} with names and records",
        )
    names = {c.code: c for c in criteria_set.criteria.all()}
    by_criterion = {}
    for row in detail["evidence"]:
        by_criterion.setdefault(row["criterion"], []).append(row)
    return render(
        request,
        "targeting/cohort_family.html",
        {
            "page_title": f"Household {household_key}",
            "run": run,
            "criteria_set": criteria_set,
            "family": family,
            "evidence_by_criterion": [(names.get(c), rows) for c, rows in by_criterion.items()],
            "analyst": selectors.is_analyst(request.user),
            "back": reverse("targeting:cohort", args=[run.pk, code]),
            **detail,
        },
    )


@login_required
@govuk_not_found
@require_http_methods(["GET", "POST"])
def upload(request):
    """Upload an agency file: checked and imported in the background, then its page shows the
    problems found (nothing imported) or the batch's provenance."""
    selectors.require_importer(request.user)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        received = uploads.upload_receive(
            acting_user=request.user,
            source_type=form.cleaned_data["source_type"],
            uploaded=form.cleaned_data["file"],
        )
        return redirect("targeting:upload_detail", upload_id=received.pk)
    return render(
        request,
        "targeting/upload.html",
        {
            "page_title": "Upload an agency file",
            "form": form,
            "uploads": selectors.upload_list(user=request.user)[:10],
        },
        status=400 if form.errors else 200,
    )


@login_required
@govuk_not_found
def upload_detail(request, upload_id):
    item = selectors.upload_get(user=request.user, upload_id=upload_id)
    return render(
        request,
        "targeting/upload_detail.html",
        {"page_title": f"Upload of {item.file_name}", "upload": item},
    )


@login_required
@govuk_not_found
def upload_progress(request, upload_id):
    """The upload's progress panel alone; once done, the page reloads to show the outcome."""
    item = selectors.upload_get(user=request.user, upload_id=upload_id)
    response = render(request, "targeting/_upload_progress.html", {"upload": item})
    if not item.running:
        response["HX-Refresh"] = "true"
    return response
