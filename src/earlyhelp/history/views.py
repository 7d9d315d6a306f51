"""The import page: upload the SSD CSVs (or a zip of them), see the same report as the command."""

import zipfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from earlyhelp.access import policy
from earlyhelp.core import audit
from earlyhelp.core.errors import IllegalMove
from earlyhelp.web.views.base import page

from . import matching, selectors, services, ssd
from .models import ImportRun, MatchReview, RunStatus

MAX_UPLOAD = 200 * 1024 * 1024


def _files(uploads) -> tuple[dict[str, bytes], str]:
    """{filename: bytes} from uploaded CSVs and zips; an error message for a bad upload."""
    files: dict[str, bytes] = {}
    for upload in uploads:
        if upload.size > MAX_UPLOAD:
            return {}, f"{upload.name} is larger than 200 MB: use the command for it"
        if upload.name.lower().endswith(".zip"):
            try:
                with zipfile.ZipFile(upload) as archive:
                    for name in archive.namelist():
                        if name.lower().endswith(".csv"):
                            files[Path(name).name] = archive.read(name)
            except zipfile.BadZipFile:
                return {}, f"{upload.name} is not a zip file"
        elif upload.name.lower().endswith(".csv"):
            files[upload.name] = upload.read()
        else:
            return {}, f"{upload.name} is not a CSV or zip file"
    return files, ""


@login_required
def import_page(request):
    policy.require(request.user, policy.Action.IMPORT_HISTORY)
    context = {"page_title": "Import history (Standard Safeguarding Dataset)",
               "tables": list(ssd.TABLES), "errors": {},
               "source_system": request.POST.get("source_system", "")}
    if request.method == "POST":
        uploads = request.FILES.getlist("files")
        files, error = _files(uploads)
        if not uploads:
            context["errors"]["files"] = "Choose the SSD CSV files or a zip of them"
        elif error:
            context["errors"]["files"] = error
        if not context["source_system"].strip():
            context["errors"]["source_system"] = "Enter the system the extract came from"
        if not context["errors"]:
            run = services.import_receive(files=files, source_system=context["source_system"],
                                          acting_user=request.user)
            return redirect("history:run", run_id=run.pk)
    services.fail_stale_runs()
    context["runs"] = ImportRun.objects.select_related("created_by")[:10]
    return page(request, "history/import.html", context,
                status=400 if context["errors"] else 200)


def _run(request, run_id) -> ImportRun:
    policy.require(request.user, policy.Action.IMPORT_HISTORY)
    services.fail_stale_runs()  # a run whose worker died says so instead of waiting for ever
    run = ImportRun.objects.select_related("created_by").filter(pk=run_id).first()
    if run is None:
        raise Http404
    return selectors.run_progress(run)


@login_required
def run_detail(request, run_id):
    """An import's progress, then its report: every problem (nothing written) or what it did."""
    run = _run(request, run_id)
    return page(request, "history/run.html", {
        "page_title": f"Import from {run.source_system}", "run": run,
        "created": sorted(run.summary.get("created", {}).items()),
        "updated": sorted(run.summary.get("updated", {}).items())},
        status=400 if run.status == RunStatus.REFUSED else 200)


@login_required
def run_progress(request, run_id):
    """The progress panel alone, for the page to refresh without reloading."""
    run = _run(request, run_id)
    response = render(request, "history/_run_progress.html", {"run": run})
    if not run.running:  # done: the whole page shows the outcome
        response["HX-Refresh"] = "true"
    return response


@login_required
def review_list(request):
    """Incoming people waiting for an administrator: neither merged nor imported yet."""
    policy.require(request.user, policy.Action.REVIEW_HISTORY_MATCHES)
    return page(request, "history/reviews.html", {
        "page_title": "Imported people to review", "waiting": services.reviews_waiting(),
        "upper": matching.UPPER, "lower": matching.LOWER})


@login_required
def review_detail(request, review_id):
    """The incoming record and one candidate side by side, the score and the comparisons; the
    decision: the same person (link) or not (import as new)."""
    policy.require(request.user, policy.Action.REVIEW_HISTORY_MATCHES)
    review = MatchReview.objects.select_related("candidate", "decided_by").filter(
        pk=review_id).first()
    if review is None:
        raise Http404
    error, status = "", 200
    if request.method == "POST" and not review.resolved:
        answer = request.POST.get("decision")
        if answer not in ("link", "new"):
            error, status = "Select whether this is the same person", 400
        else:
            try:
                services.review_decide(review=review, same_person=answer == "link",
                                       acting_user=request.user)
            except IllegalMove as refused:
                error, status = str(refused), 409
            else:
                messages.success(request, (
                    f"Decided: {review.source_system} person {review.source_id} will be linked "
                    f"to {review.candidate}" if answer == "link" else
                    f"Decided: {review.source_system} person {review.source_id} will be "
                    "imported as a new person") + ". Import the extract again to bring in "
                    "their household's history.")
                return redirect("history:reviews")
    elif request.method == "POST":
        error, status = "This match has already been decided", 409
    audit.record_view(user=request.user, obj=review.candidate, person_id=review.candidate_id,
                      detail=f"history match review {review.source_system} {review.source_id}")
    others = MatchReview.objects.filter(
        source_system=review.source_system, source_id=review.source_id).exclude(
        pk=review.pk).select_related("candidate")
    incoming, candidate = review.incoming, review.candidate
    rows = [
        ("Given name", incoming.get("given_name", ""), candidate.given_name),
        ("Family name", incoming.get("family_name", ""), candidate.family_name),
        ("Date of birth", incoming.get("date_of_birth") or "", candidate.date_of_birth or ""),
        ("Sex", incoming.get("sex", ""), candidate.sex),
        ("NHS number", incoming.get("nhs_number", ""), candidate.nhs_number),
        ("Unique pupil number", incoming.get("upn", ""), candidate.upn),
        ("Postcode", incoming.get("postcode", ""), _postcode(candidate)),
    ]
    return page(request, "history/review.html", {
        "page_title": f"Review {review.source_system} person {review.source_id}",
        "review": review, "rows": rows, "others": others, "error": error}, status=status)


def _postcode(person) -> str:
    membership = person.memberships.filter(end_date__isnull=True).select_related(
        "family").first()
    return membership.family.postcode if membership else ""
