"""The letters pages: administrators keep the templates; a worker chooses one on an episode, a
request or a person, previews the letter filled from the record, and creates it (a PDF kept
as a document of the family)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from earlyhelp.access import policy
from earlyhelp.core import audit
from earlyhelp.web.views.base import attempt, page

from . import rules, selectors, services
from .forms import CreateLetterForm, EditTemplateForm, TemplateForm
from .models import Subject

BACK = {Subject.EPISODE: "web:episode_detail", Subject.CONTACT: "web:contact_detail",
        Subject.PERSON: "web:family_detail"}


def _guide() -> dict:
    return {"placeholders": list(rules.PLACEHOLDERS.values())}


@never_cache
@login_required
def template_list(request):
    policy.require(request.user, policy.Action.MANAGE_LETTER_TEMPLATES)
    return page(request, "letters/template_list.html", {
        "page_title": "Letter templates", "templates": selectors.templates()})


@never_cache
@login_required
def template_new(request):
    policy.require(request.user, policy.Action.MANAGE_LETTER_TEMPLATES)
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        template = attempt(form, services.save_template, user=request.user, name=data["name"],
                           kind=data["kind"], body=data["body"], in_use=data["in_use"])
        if template is not None:
            messages.success(request, f"{template.name} was saved")
            return redirect("letters:templates")
    return page(request, "letters/template_form.html", {
        "page_title": "New letter template", "form": form, **_guide(),
    }, status=400 if form.is_bound else 200)


@never_cache
@login_required
def template_edit(request, template_id):
    policy.require(request.user, policy.Action.MANAGE_LETTER_TEMPLATES)
    template = selectors.template_for(template_id)
    latest = selectors.current_version(template)
    initial = {"name": template.name, "kind": template.kind, "in_use": template.in_use,
               "body": latest.body if latest else "", "seen_version": template.version}
    form = EditTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(form, services.save_template, user=request.user, template=template,
                       name=data["name"], kind=data["kind"], body=data["body"],
                       in_use=data["in_use"], seen_version=data["seen_version"])
        if done is not None:
            messages.success(request, f"{done.name} was saved")
            return redirect("letters:templates")
    return page(request, "letters/template_form.html", {
        "page_title": f"Change {template.name}", "form": form, "template": template,
        "versions": selectors.versions(template), **_guide(),
    }, status=400 if form.is_bound else 200)


def _subject(request, kind, record_id):
    """The record (404 out of scope), then the policy (403 in scope but not theirs)."""
    subject = selectors.subject_for(user=request.user, kind=kind, record_id=record_id)
    policy.require(request.user, policy.Action.CREATE_LETTER, subject.owner)
    return subject


def _back(subject):
    record = subject.family if subject.kind == Subject.PERSON else subject.record
    return BACK[subject.kind], record.pk


@never_cache
@login_required
def choose(request, kind, record_id):
    subject = _subject(request, kind, record_id)
    back_name, back_id = _back(subject)
    return page(request, "letters/choose.html", {
        "page_title": f"Create a letter: {subject.title}", "subject": subject,
        "choices": selectors.templates_for(kind), "back_name": back_name, "back_id": back_id})


@never_cache
@login_required
def preview(request, kind, record_id, template_id):
    subject = _subject(request, kind, record_id)
    template = selectors.template_for(template_id)
    if not template.in_use or kind not in template.subjects():
        raise Http404("Not found")
    version = selectors.current_version(template)
    form = CreateLetterForm(request.POST or None, initial={"template_version": version.pk})
    if request.method == "POST" and form.is_valid():
        chosen = template.versions.filter(pk=form.cleaned_data["template_version"]).first()
        if chosen is None:
            form.add_error(None, "Choose the template again")
        else:
            # Not inside attempt(): a refused scan's audit row must stay written.
            try:
                letter = services.create_letter(user=request.user, subject=subject,
                                                version=chosen)
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, f"{letter.document.title} was created and added to "
                                          "the family's documents")
                return redirect("documents:family", family_id=subject.family.pk)
    text = rules.fill(version.body, subject.values)
    audit.record_view(user=request.user, obj=subject.record, family_id=subject.family.pk
                      if subject.family else None, detail=f"letter preview: {template.name}")
    back_name, back_id = _back(subject)
    return page(request, "letters/preview.html", {
        "page_title": f"{template.name}: {subject.title}", "subject": subject,
        "template": template, "version": version, "form": form, "text": text,
        "has_blanks": "[not recorded:" in text, "back_name": back_name, "back_id": back_id,
    }, status=400 if form.is_bound else 200)
