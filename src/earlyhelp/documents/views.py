"""The documents pages: a family's documents with the upload form, download, delete."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache

from earlyhelp.access import policy
from earlyhelp.access.scoping import get_visible_or_404, visible_families, visible_people
from earlyhelp.core import audit, dates
from earlyhelp.core.models import AuditAction
from earlyhelp.web.views.base import attempt, page

from . import rules, selectors, services
from .chronology import DOCUMENT, EVENT, HOUSEHOLD, KINDS, NOTE, family_chronology
from .chronology import person_chronology as chronology_of_person
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


def _shown(request, events, kinds) -> tuple[list, str]:
    """The filter chosen on the page (?show=<kind>): the events of that kind, and its name."""
    show = request.GET.get("show", "")
    if show not in kinds:
        return events, ""
    return [e for e in events if e.kind == show], show


def _chronology_page(request, *, title, events, kinds, pdf_url, back_url, back_text,
                     households):
    events, show = _shown(request, events, kinds)
    return page(request, "documents/chronology.html", {
        "page_title": title, "events": events, "show": show, "pdf_url": pdf_url,
        "back_url": back_url, "back_text": back_text, "households": households,
        "filters": [("", "Everything")] + [(k, KINDS[k]) for k in kinds]})


def _chronology_pdf(request, *, title, events, kinds, households, filename):
    from .pdf import chronology_pdf as draw  # ReportLab loads only when a PDF is asked for

    events, show = _shown(request, events, kinds)
    content = draw(title=title, events=events, printed_by=request.user.display_name,
                   printed_on=dates.today(), households=households,
                   scope=KINDS.get(show, ""))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


FAMILY_KINDS = (EVENT, NOTE, DOCUMENT)
PERSON_KINDS = (EVENT, NOTE, DOCUMENT, HOUSEHOLD)


@never_cache
@login_required
def chronology(request, family_id):
    family = _family(request, family_id)
    events = family_chronology(family=family, user=request.user)
    audit.record_view(user=request.user, obj=family, family_id=family.pk, detail="chronology")
    return _chronology_page(
        request, title=f"Chronology: {family.name}", events=events, kinds=FAMILY_KINDS,
        pdf_url=reverse("documents:chronology_pdf", args=[family.pk]),
        back_url=reverse("web:family_detail", args=[family.pk]), back_text=family.name,
        households=False)


@never_cache
@login_required
def chronology_pdf(request, family_id):
    family = _family(request, family_id)
    events = family_chronology(family=family, user=request.user)
    audit.record(user=request.user, action=AuditAction.EXPORT, obj=family, family_id=family.pk,
                 detail="chronology PDF")
    return _chronology_pdf(request, title=f"Chronology: {family.name}", events=events,
                           kinds=FAMILY_KINDS, households=False,
                           filename=f"chronology-{family.pk}.pdf")


def _person(request, person_id):
    return get_visible_or_404(visible_people(request.user), pk=person_id)


@never_cache
@login_required
def person_chronology(request, person_id):
    person = _person(request, person_id)
    events = chronology_of_person(person=person, user=request.user)
    # Back to the household they live in now (the latest one the user may see).
    home = (visible_families(request.user).filter(memberships__person=person)
            .order_by("-memberships__start_date").first())
    audit.record_view(user=request.user, obj=person, person_id=person.pk, detail="chronology")
    return _chronology_page(
        request, title=f"Chronology: {person.full_name}", events=events, kinds=PERSON_KINDS,
        pdf_url=reverse("documents:person_chronology_pdf", args=[person.pk]),
        back_url=reverse("web:family_detail", args=[home.pk]), back_text=home.name,
        households=True)


@never_cache
@login_required
def person_chronology_pdf(request, person_id):
    person = _person(request, person_id)
    events = chronology_of_person(person=person, user=request.user)
    audit.record(user=request.user, action=AuditAction.EXPORT, obj=person, person_id=person.pk,
                 detail="chronology PDF")
    return _chronology_pdf(request, title=f"Chronology: {person.full_name}", events=events,
                           kinds=PERSON_KINDS, households=True,
                           filename=f"chronology-{person.pk}.pdf")
