"""The documents pages: a family's documents with the upload form, download, delete."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from earlyhelp.access import policy
from earlyhelp.access.scoping import get_visible_or_404, visible_families
from earlyhelp.core import audit, dates
from earlyhelp.core.models import AuditAction
from earlyhelp.web.views.base import attempt, page

from . import rules, selectors, services
from .chronology import family_chronology
from .forms import DeleteForm, UploadForm


def _family(request, family_id):
    return get_visible_or_404(visible_families(request.user), pk=family_id)


def _limits() -> dict:
    kinds = [rules.FILE_TYPES[k] for k in settings.DOCUMENTS_ALLOWED_TYPES]
    return {"max_mb": settings.DOCUMENTS_MAX_BYTES // (1024 * 1024),
            "allowed": ", ".join(k.label for k in kinds),
            "accept": ",".join(e for k in kinds for e in k.extensions)}


@never_cache
@login_required
def family_documents(request, family_id):
    family = _family(request, family_id)
    episodes = list(family.episodes.order_by("-start_date"))
    form = UploadForm(episodes=episodes)
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, episodes=episodes)
        if form.is_valid():
            # Not inside attempt(): a refused upload's audit row must stay written.
            try:
                document = services.upload_document(
                    user=request.user, family=family, episode=form.cleaned_data["episode"],
                    title=form.cleaned_data["title"], upload=form.cleaned_data["file"])
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, f"{document.title} was checked for viruses and added")
                return redirect("documents:family", family_id=family.pk)
        status = 400
    documents = selectors.family_documents(user=request.user, family=family)
    audit.record_view(user=request.user, obj=family, family_id=family.pk, detail="documents")
    return page(request, "documents/family.html", {
        "page_title": f"Documents: {family.name}", "family": family, "documents": documents,
        "form": form, **_limits(),
        "may_add": policy.can(request.user, policy.Action.ADD_DOCUMENT, family),
    }, status=status)


@never_cache
@login_required
def download(request, document_id):
    document, handle = selectors.open_download(user=request.user, document_id=document_id)
    response = FileResponse(handle, as_attachment=True, filename=document.original_name,
                            content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
def delete(request, document_id):
    document = selectors.document_for(user=request.user, document_id=document_id)
    policy.require(request.user, policy.Action.DELETE_DOCUMENT, document)
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(form, services.delete_document, user=request.user, document=document,
                       reason=form.cleaned_data["reason"])
        if done is not None:
            messages.success(request, f"{document.title} was deleted")
            return redirect("documents:family", family_id=document.family_id)
    return page(request, "documents/delete.html", {
        "page_title": f"Delete {document.title}", "document": document, "form": form,
    }, status=400 if form.is_bound else 200)


@never_cache
@login_required
def chronology(request, family_id):
    family = _family(request, family_id)
    events = family_chronology(family=family)
    audit.record_view(user=request.user, obj=family, family_id=family.pk, detail="chronology")
    return page(request, "documents/chronology.html", {
        "page_title": f"Chronology: {family.name}", "family": family, "events": events})


@never_cache
@login_required
def chronology_pdf(request, family_id):
    from .pdf import chronology_pdf as draw  # ReportLab loads only when a PDF is asked for

    family = _family(request, family_id)
    events = family_chronology(family=family)
    content = draw(family_name=family.name, events=events,
                   printed_by=request.user.display_name, printed_on=dates.today())
    audit.record(user=request.user, action=AuditAction.EXPORT, obj=family, family_id=family.pk,
                 detail="chronology PDF")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chronology-{family.pk}.pdf"'
    return response
