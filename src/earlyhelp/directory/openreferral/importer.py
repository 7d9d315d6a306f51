"""Import the directory from the Open Referral UK JSON shape (see `export` for the shape).

An import validates every record field by field and writes nothing unless all are valid.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from ..models import Service
from .reader import RecordReader
from .results import ImportProblem, ImportResult
from .validate import clean_record, load_references, read_records
from .write import write_service


def import_directory(payload, *, acting_user, dry_run: bool = False) -> ImportResult:
    """Validate every record, then write all of them in one transaction – or none."""
    records, problems = read_records(payload)
    result = ImportResult(problems=problems, dry_run=dry_run)
    if problems:
        return result
    refs = load_references()
    cleaned, seen = [], {}
    for index, data in enumerate(records, start=1):
        rec = RecordReader(index, data, result.problems)
        plan = clean_record(rec, refs)
        if plan is not None:
            if plan["id"] in seen:
                rec.error("id", f"the same id is used by record {seen[plan['id']]}")
                continue
            seen[plan["id"]] = index
            cleaned.append((index, plan))
    result.warnings = refs["warnings"]
    if result.problems or dry_run:
        if not result.problems:
            existing = set(Service.objects.filter(id__in=list(seen)).values_list("id", flat=True))
            result.updated = len(existing)
            result.created = len(cleaned) - len(existing)
        return result
    try:
        with transaction.atomic():
            for index, plan in cleaned:
                try:
                    with transaction.atomic():  # a savepoint: one bad record, keep checking
                        created = write_service(plan, acting_user)
                except ValidationError as exc:
                    messages = (
                        exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                    )
                    for name, texts in messages.items():
                        for message in texts:
                            result.problems.append(
                                ImportProblem(index, str(plan["id"]), name or "(record)", message)
                            )
                    continue
                except IntegrityError as exc:
                    result.problems.append(
                        ImportProblem(
                            index,
                            str(plan["id"]),
                            "(record)",
                            f"clashes with data already stored (an id used twice?): {exc}"[:300],
                        )
                    )
                    continue
                if created:
                    result.created += 1
                else:
                    result.updated += 1
            if result.problems:
                raise RollBack
    except RollBack:
        result.created = result.updated = 0
    return result


class RollBack(Exception):
    pass
