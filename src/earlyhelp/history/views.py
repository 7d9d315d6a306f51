"""The import page: upload the SSD CSVs (or a zip of them), see the same report as the command."""

import zipfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from earlyhelp.access import policy
from earlyhelp.web.views.base import page

from . import services, ssd

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
               "tables": list(ssd.TABLES), "errors": {}, "result": None,
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
            try:
                context["result"] = services.history_import(
                    source=files, acting_user=request.user,
                    source_system=context["source_system"])
            except PermissionDenied as refused:
                context["errors"]["files"] = str(refused)
    if context["result"] is not None:  # a Counter in a template looks up "items" as a key
        context["created"] = sorted(context["result"].created.items())
        context["updated"] = sorted(context["result"].updated.items())
    status = 400 if context["errors"] or (context["result"] and not context["result"].ok) else 200
    response = page(request, "history/import.html", context)
    response.status_code = status
    return response
