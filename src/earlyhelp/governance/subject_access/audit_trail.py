"""The last section: every audit row about the person or their households – who looked at or
changed what, and when."""

from django.db.models import Q

from earlyhelp.core.models import AuditEvent

from .report import AUDIT_TITLE, Section, Table, utc


def access_trail(person, family_ids) -> Section:
    events = (
        AuditEvent.objects.filter(
            Q(person_id=person.pk) | Q(family_id__in=family_ids) | Q(object_id=str(person.pk))
        )
        .select_related("user")
        .order_by("at", "id")
    )
    return Section(
        AUDIT_TITLE,
        intro="Every time someone viewed, searched, exported, created, changed or shared these "
        "records (times in UTC).",
        tables=[
            (
                "",
                Table(
                    [
                        "When (UTC)",
                        "Who",
                        "Role",
                        "What they did",
                        "Record",
                        "Details",
                        "Reason given",
                    ],
                    [
                        [
                            utc(e.at),
                            e.user.display_name if e.user_id else (e.username or "system"),
                            e.user.get_role_display() if e.user_id else "",
                            e.get_action_display(),
                            e.object_type,
                            e.detail,
                            e.reason,
                        ]
                        for e in events
                    ],
                ),
            )
        ],
    )
