"""The demo's documents: a few small files on open episodes – a home visit record (text) and a
school attendance letter (PDF) – added through the documents service as a lead practitioner
would add them, so they are scanned by clamd when it runs. Without clamd the service decides:
kept and marked "not scanned" where development allows it (DOCUMENTS_ALLOW_UNSCANNED), refused
otherwise – and the demo says which, never skipping the scan silently."""

import io
import random

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from earlyhelp.cases.models import Episode, EpisodeStatus
from earlyhelp.core.dates import long_date
from earlyhelp.documents import services
from earlyhelp.documents.models import Document, ScanResult

EPISODES = 6


def _visit_note(episode) -> bytes:
    return (f"Home visit record\nFamily: {episode.family.name}\nEpisode: {episode.reference}\n"
            f"Visited by: {episode.lead_practitioner.display_name}\n\n"
            "Seen: parent and children at home. The children showed me their rooms.\n"
            "Agreed: morning routine chart; next visit in two weeks.\n").encode()


def _attendance_letter(episode) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    page.setTitle("School attendance letter")
    lines = ["School attendance letter", "",
             f"To the parents and carers of the {episode.family.name}",
             f"Episode {episode.reference}, opened {long_date(episode.start_date)}", "",
             "Attendance this term has fallen below 90%. The school's attendance",
             "officer would like to meet you to agree how to help."]
    y = 800
    for line in lines:
        page.drawString(60, y, line)
        y -= 18
    page.showPage()
    page.save()
    return buffer.getvalue()


def load_demo_documents(*, seed: int) -> dict:
    """Add the documents (once). Returns what was kept and, when the service refused, why."""
    if Document.objects.exists():
        return {"documents": 0, "families": 0, "scan": "", "refused": ""}
    episodes = list(Episode.objects.filter(status=EpisodeStatus.OPEN,
                                           lead_practitioner__isnull=False)
                    .select_related("family", "lead_practitioner").order_by("reference"))
    chosen = random.Random(seed).sample(episodes, min(EPISODES, len(episodes)))
    kept = []
    for episode in chosen:
        for title, name, content in (
            ("Home visit record", "home-visit.txt", _visit_note(episode)),
            ("School attendance letter", "attendance-letter.pdf", _attendance_letter(episode)),
        ):
            try:
                kept.append(services.upload_document(
                    user=episode.lead_practitioner, family=episode.family, episode=episode,
                    title=title, upload=SimpleUploadedFile(name, content)))
            except ValidationError as refusal:
                # The service refused (no scanner, and unscanned files not allowed): say so.
                message = "; ".join(refusal.message_dict.get("file", refusal.messages))
                return {"documents": len(kept), "families": len({d.family_id for d in kept}),
                        "scan": "", "refused": message}
    results = {d.scan_result for d in kept}
    scan = ("scanned by clamd" if results == {ScanResult.CLEAN} else
            "not scanned (development setting DOCUMENTS_ALLOW_UNSCANNED)" if results else "")
    return {"documents": len(kept), "families": len({d.family_id for d in kept}),
            "scan": scan, "refused": ""}
