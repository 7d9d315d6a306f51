"""Writes for letters: an administrator saves a template (each change of text a new version,
the old ones kept), and a worker creates a letter – a PDF kept as a document of the family
through documents.services.upload_document, so it is scanned, listed, downloaded and audited
as every document is. Keyword-only, the policy first, audited."""

import re

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from earlyhelp.access import policy
from earlyhelp.core import audit, dates
from earlyhelp.core.errors import StaleEdit
from earlyhelp.core.models import AuditAction
from earlyhelp.documents.services import upload_document

from . import rules
from .models import Letter, LetterKind, LetterTemplate, TemplateVersion
from .pdf import letter_pdf
from .selectors import LetterSubject, current_version


def _check(*, name: str, kind: str, body: str) -> None:
    errors = {}
    if not name.strip():
        errors["name"] = ["Enter a name for the template"]
    if kind not in LetterKind.values:
        errors["kind"] = ["Select what kind of letter this is"]
    if not body.strip():
        errors["body"] = ["Enter the text of the letter"]
    else:
        try:
            rules.check_body(body)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_template(*, user, template: LetterTemplate | None = None, name: str, kind: str,
                  body: str, in_use: bool = True, seen_version: int | None = None
                  ) -> LetterTemplate:
    """Create a template, or change one: a changed text is a new version (letters keep the one
    they were made from); the name, kind and whether it is in use change in place."""
    policy.require(user, policy.Action.MANAGE_LETTER_TEMPLATES, template)
    _check(name=name, kind=kind, body=body)
    body = body.replace("\r\n", "\n")
    if template is None:
        template = LetterTemplate.objects.create(name=name.strip(), kind=kind, in_use=in_use,
                                                 created_by=user, modified_by=user)
        latest = None
        action = AuditAction.CREATE
    else:
        template = LetterTemplate.objects.select_for_update().get(pk=template.pk)
        if seen_version is not None and template.version != seen_version:
            raise StaleEdit("letter template")
        latest = current_version(template)
        template.name, template.kind, template.in_use = name.strip(), kind, in_use
        template.modified_by = user
        template.version += 1
        template.save()
        action = AuditAction.CHANGE
    if latest is None or latest.body != body:
        number = 1 if latest is None else latest.number + 1
        TemplateVersion.objects.create(template=template, number=number, body=body,
                                       saved_by=user)
        detail = f"letter template saved: version {number}"
    else:
        detail = "letter template saved: text unchanged"
    audit.record(user=user, action=action, obj=template, detail=detail)
    return template


def _file_name(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "letter"
    return f"{slug}-{dates.today():%Y-%m-%d}.pdf"


def create_letter(*, user, subject: LetterSubject, version: TemplateVersion) -> Letter:
    """Fill the version's placeholders from the subject's records, draw the PDF and keep it as
    a document of the family (the episode's, for a letter made from an episode). A refusal by
    the scanner comes back as a ValidationError on `file` and keeps nothing, as an upload's."""
    if subject.family is None:  # nothing to keep it on: said plainly, before the policy
        raise ValidationError("This request has no household yet, so a letter cannot be kept "
                              "for it. Record the household at triage first")
    policy.require(user, policy.Action.CREATE_LETTER, subject.owner)
    template = version.template
    if not template.in_use:
        raise ValidationError(f"{template.name} is no longer in use: choose another template")
    if current_version(template).pk != version.pk:
        raise ValidationError(f"{template.name} was changed since you previewed it: check the "
                              "new text and create the letter again")
    text = rules.fill(version.body, subject.values)
    title = f"{template.name}: {subject.title}"
    content = letter_pdf(title=title, text=text)
    upload = SimpleUploadedFile(_file_name(template.name), content, "application/pdf")
    # Not in this function's transaction: a refused scan's audit row must stay written.
    document = upload_document(user=user, family=subject.family, episode=subject.episode
                               if subject.kind == "episode" else None, title=title,
                               upload=upload)
    with transaction.atomic():
        letter = Letter.objects.create(
            template_version=version, document=document, family=subject.family,
            subject=subject.kind, episode=subject.episode, contact=subject.contact,
            person=subject.person, created_by=user, modified_by=user)
        audit.record(user=user, action=AuditAction.CREATE, obj=letter,
                     family_id=subject.family.pk, person_id=getattr(subject.person, "pk", None),
                     detail=f"letter created from {template.name}, version {version.number}")
    return letter
