"""Annex A's stored rows follow the writes to their sources, in the same transaction
(annexarows explains the rows). Each receiver issues at most one or two statements, and none
when the save cannot have changed what Annex A prints (update_fields says so)."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from earlyhelp.assessments.models import Assessment
from earlyhelp.core import bulk
from earlyhelp.frontdoor.models import Contact, ContactPerson, contact_recorded
from earlyhelp.people.models import Person

from . import annexarows

CONTACT_FIELDS = {"received_at", "source"}
LINK_FIELDS = {"is_subject", "person", "person_id", "contact", "contact_id"}
ASSESSMENT_FIELDS = {"started_on", "completed_on", "completing_organisation",
                     "completing_organisation_id"}
PERSON_FIELDS = {"local_id", "sex", "ethnicity", "date_of_birth"}


def _touches(update_fields, fields) -> bool:
    return update_fields is None or bool(set(update_fields) & fields)


def _contact_recorded(sender, contact, **kwargs):
    annexarows.contact_recorded(contact)


def _contact_saved(sender, instance, created, update_fields, raw=False, **kwargs):
    # A new contact's rows come with contact_recorded, once its people are linked.
    if not created and not raw and _touches(update_fields, CONTACT_FIELDS):
        annexarows.contact_changed(instance)


def _link_saved(sender, instance, created, update_fields, raw=False, **kwargs):
    if not raw and _touches(update_fields, LINK_FIELDS):
        annexarows.link_changed(instance.contact_id, instance.person_id)


def _link_deleted(sender, instance, **kwargs):
    annexarows.link_changed(instance.contact_id, instance.person_id)


def _assessment_saved(sender, instance, created, update_fields, raw=False, **kwargs):
    # A new assessment has no children yet: its rows come with them (m2m_changed).
    if not created and not raw and _touches(update_fields, ASSESSMENT_FIELDS):
        annexarows.assessment_changed(instance)


def _children_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if action == "pre_clear":  # pk_set is not given: every link of the instance goes
        if reverse:
            annexarows.children_removed(
                list(instance.assessments_covering.values_list("pk", flat=True)), [instance.pk])
        else:
            annexarows.children_removed([instance.pk])
        return
    assessments, people = (pk_set, [instance.pk]) if reverse else ([instance.pk], pk_set)
    if action == "post_add":
        annexarows.children_added(assessments, people)
    else:
        annexarows.children_removed(assessments, people)


def _person_saved(sender, instance, created, update_fields, raw=False, **kwargs):
    # A new person is on no contact or assessment yet.
    if not created and not raw and _touches(update_fields, PERSON_FIELDS):
        annexarows.person_changed(instance)


def _bulk_written(sender, contact_ids=None, assessment_ids=None, **kwargs):
    # A writer that names what it wrote has only those rows rebuilt; one that does not (or
    # changed people), every row.
    if contact_ids is None and assessment_ids is None or kwargs.get("people_changed"):
        annexarows.refresh()
    else:
        annexarows.refresh_for(contact_ids or (), assessment_ids or ())


def connect() -> None:
    uid = "insights_annexa_"
    contact_recorded.connect(_contact_recorded, dispatch_uid=uid + "contact")
    post_save.connect(_contact_saved, sender=Contact, dispatch_uid=uid + "contact_saved")
    post_save.connect(_link_saved, sender=ContactPerson, dispatch_uid=uid + "link_saved")
    post_delete.connect(_link_deleted, sender=ContactPerson, dispatch_uid=uid + "link_deleted")
    post_save.connect(_assessment_saved, sender=Assessment, dispatch_uid=uid + "assessment")
    m2m_changed.connect(_children_changed, sender=Assessment.children.through,
                        dispatch_uid=uid + "children")
    post_save.connect(_person_saved, sender=Person, dispatch_uid=uid + "person")
    bulk.written.connect(_bulk_written, dispatch_uid=uid + "bulk")
