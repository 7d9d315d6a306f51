"""Referrals: consent checked before sending, status moves and their refusals, capacity."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from earlyhelp.core import dates
from earlyhelp.core.errors import IllegalMove
from earlyhelp.core.models import AuditEvent
from earlyhelp.people.models import Consent
from earlyhelp.people.services import consent_record, sharing_override_record

from .. import services
from ..journey import REFERRAL
from ..models import Referral, ReferralEvent, ReferralStatus
from .factories import ServiceFactory


def send(world, episode, service, person=None, **kwargs):
    return services.referral_send(
        episode=episode,
        service=service,
        person=person,
        acting_user=world.worker,
        reason="Mum asks for help with routines and the children's behaviour.",
        **kwargs,
    )


def test_a_referral_is_sent_audited_and_shared(world, episode, service):
    referral = send(world, episode, service, person=world.child, themes=world.themes)
    assert referral.status == ReferralStatus.SENT
    assert referral.reference.startswith("RF")
    assert referral.family_id == episode.family_id
    assert set(referral.themes.all()) == set(world.themes)
    actions = set(
        AuditEvent.objects.filter(object_id=str(referral.pk)).values_list("action", flat=True)
    )
    assert {"create", "share"} <= actions
    assert list(referral.events.values_list("to_status", flat=True)) == ["sent"]


def _withdraw_share_consent(world, person):
    consent_record(
        person=person,
        kind="share",
        status="withdrawn",
        decided_on=dates.today(),
        acting_user=world.worker,
    )


def test_no_referral_without_consent_to_share(world, episode, service):
    _withdraw_share_consent(world, world.child)
    before = Referral.objects.count(), AuditEvent.objects.count()
    with pytest.raises(IllegalMove) as refused:
        send(world, episode, service, person=world.child)
    assert "without consent to share" in refused.value.message
    assert world.child.full_name in refused.value.message
    assert "withdrawn" in refused.value.message
    assert (Referral.objects.count(), AuditEvent.objects.count()) == before


def test_whole_family_referral_needs_every_members_consent(world, episode, service):
    _withdraw_share_consent(world, world.parent)
    # The child's own consent stands, so the child alone may be referred...
    send(world, episode, service, person=world.child)
    # ...but not the whole family.
    with pytest.raises(IllegalMove, match=world.parent.full_name):
        send(world, episode, ServiceFactory(themes=world.themes))


def test_missing_consent_is_refused_too(world, episode, service):
    Consent.objects.filter(person=world.child, kind="share").delete()
    with pytest.raises(IllegalMove, match="has not been recorded"):
        send(world, episode, service, person=world.child)
    assert not Referral.objects.exists()


def test_a_safeguarding_override_allows_the_referral(world, episode, service):
    _withdraw_share_consent(world, world.child)
    sharing_override_record(
        family=world.family, reason="Child protection concern", acting_user=world.manager
    )
    assert send(world, episode, service, person=world.child).status == "sent"


def test_refusals_before_sending(world, episode, service):
    inactive = ServiceFactory(status="inactive", themes=world.themes)
    with pytest.raises(IllegalMove, match="not taking referrals"):
        send(world, episode, inactive)
    signpost = ServiceFactory(accepts_referrals=False)
    with pytest.raises(IllegalMove, match="signpost"):
        send(world, episode, signpost)
    with pytest.raises(ValidationError) as blank:
        services.referral_send(
            episode=episode, service=service, reason="  ", acting_user=world.worker
        )
    assert "Enter what the family needs" in str(blank.value)
    with pytest.raises(PermissionDenied):
        services.referral_send(
            episode=episode, service=service, reason="x", acting_user=world.analyst
        )
    send(world, episode, service, person=world.child)
    with pytest.raises(IllegalMove, match="already has an open referral"):
        send(world, episode, service, person=world.child)
    assert Referral.objects.count() == 1


def test_a_stranger_cannot_be_referred(world, episode, service):
    from earlyhelp.people.tests.factories import PersonFactory

    with pytest.raises(IllegalMove, match="is not a member"):
        send(world, episode, service, person=PersonFactory())
    assert not Referral.objects.exists()


def test_the_provider_moves_a_referral_through_its_life(world, episode, service, provider):
    referral = send(world, episode, service, person=world.child)
    services.referral_accept(referral=referral, acting_user=provider, note="Keyworker: Sam")
    services.referral_start(referral=referral, acting_user=provider, started_on=dates.today())
    referral = services.referral_finish(
        referral=referral, acting_user=provider, finished_on=dates.today(), outcome="completed"
    )
    assert referral.status == ReferralStatus.FINISHED
    assert list(referral.events.values_list("from_status", "to_status")) == [
        ("", "sent"),
        ("sent", "accepted"),
        ("accepted", "started"),
        ("started", "finished"),
    ]


def test_decline_records_the_reason(world, episode, service, provider):
    referral = send(world, episode, service, person=world.child)
    with pytest.raises(ValidationError, match="Explain why"):
        services.referral_decline(referral=referral, acting_user=provider, reason="other")
    referral.refresh_from_db()
    assert referral.status == "sent"
    referral = services.referral_decline(
        referral=referral, acting_user=provider, reason="no_capacity", note="Full until June"
    )
    assert (referral.status, referral.decline_reason) == ("declined", "no_capacity")
    assert referral.responded_by == provider


@pytest.mark.parametrize(
    "state, action",
    [
        ("sent", "start"),
        ("sent", "finish"),
        ("accepted", "accept"),
        ("accepted", "finish"),
        ("declined", "accept"),
        ("declined", "withdraw"),
        ("finished", "withdraw"),
        ("withdrawn", "accept"),
        ("started", "decline"),
    ],
)
def test_illegal_moves_are_refused_and_change_nothing(
    world, episode, service, provider, state, action
):
    referral = send(world, episode, service, person=world.child)
    Referral.objects.filter(pk=referral.pk).update(
        status=state, decline_reason="no_capacity" if state == "declined" else ""
    )
    referral.refresh_from_db()
    events = ReferralEvent.objects.count()
    calls = {
        "accept": lambda: services.referral_accept(referral=referral, acting_user=provider),
        "decline": lambda: services.referral_decline(
            referral=referral, acting_user=provider, reason="no_capacity"
        ),
        "start": lambda: services.referral_start(
            referral=referral, acting_user=provider, started_on=dates.today()
        ),
        "finish": lambda: services.referral_finish(
            referral=referral,
            acting_user=provider,
            finished_on=dates.today(),
            outcome="completed",
        ),
        "withdraw": lambda: services.referral_withdraw(
            referral=referral, acting_user=world.worker, reason="Family moved"
        ),
    }
    with pytest.raises(IllegalMove) as refused:
        calls[action]()
    move = REFERRAL.move(action)
    assert refused.value.message == move.refusal
    referral.refresh_from_db()
    assert referral.status == state
    assert ReferralEvent.objects.count() == events


def test_the_moves_table():
    assert REFERRAL.allowed_actions("sent") == ["accept", "decline", "withdraw"]
    assert REFERRAL.allowed_actions("accepted") == ["start", "withdraw"]
    assert REFERRAL.allowed_actions("started") == ["finish", "withdraw"]
    assert REFERRAL.allowed_actions("finished") == []
    assert REFERRAL.require("accept", "sent") == "accepted"
    with pytest.raises(IllegalMove, match="not something"):
        REFERRAL.require("reopen", "finished")


def test_only_the_provider_answers(world, episode, service, provider):
    from earlyhelp.core.tests.factories import PartnerFactory

    referral = send(world, episode, service, person=world.child)
    someone_else = PartnerFactory(username="elsewhere")
    for user in (someone_else, world.worker):
        with pytest.raises(PermissionDenied, match="Family Action"):
            services.referral_accept(referral=referral, acting_user=user)
    referral.refresh_from_db()
    assert referral.status == "sent"
    # Only the referring side withdraws.
    with pytest.raises(PermissionDenied):
        services.referral_withdraw(referral=referral, acting_user=provider, reason="x")


def test_a_council_team_answers_for_its_own_service(world, episode):
    service = ServiceFactory(
        organisation=world.council,
        provider_kind="council",
        provider_team=world.other_team,
        themes=world.themes,
    )
    referral = send(world, episode, service)
    with pytest.raises(PermissionDenied):
        services.referral_accept(referral=referral, acting_user=world.worker)
    from earlyhelp.core.tests.factories import UserFactory

    centre_worker = UserFactory(username="centre", team=world.other_team)
    assert services.referral_accept(referral=referral, acting_user=centre_worker).status == (
        "accepted"
    )


def test_start_date_rules(world, episode, service, provider):
    referral = send(world, episode, service, person=world.child)
    services.referral_accept(referral=referral, acting_user=provider)
    with pytest.raises(ValidationError, match="today or in the past"):
        services.referral_start(
            referral=referral,
            acting_user=provider,
            started_on=dates.today() + dt.timedelta(days=1),
        )
    with pytest.raises(ValidationError, match="on or after the referral"):
        services.referral_start(
            referral=referral,
            acting_user=provider,
            started_on=dates.today() - dt.timedelta(days=30),
        )
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_capacity_and_waiting_time_follow_referrals(world, episode, service, provider):
    assert (service.places_in_use, service.waiting_days) == (0, 10)
    children = [m.person for m in world.family.memberships.all()]
    referrals = []
    for days, person in zip((20, 12, 6), children, strict=True):
        referral = send(
            world, episode, service, person=person, sent_at=timezone.now() - dt.timedelta(days=days)
        )
        services.referral_accept(referral=referral, acting_user=provider)
        referrals.append(referral)
    service.refresh_from_db()
    assert service.places_in_use == 3
    assert service.places_free == 0
    # Started after 20, 12 and 6 days' wait: the median (12) replaces the declared 10.
    for referral in referrals:
        services.referral_start(referral=referral, acting_user=provider, started_on=dates.today())
    service.refresh_from_db()
    assert service.waiting_days == 12
    services.referral_withdraw(
        referral=referrals[0], acting_user=world.worker, reason="The family moved away"
    )
    service.refresh_from_db()
    assert service.places_in_use == 2


def test_withdraw_needs_a_reason(world, episode, service):
    referral = send(world, episode, service, person=world.child)
    with pytest.raises(ValidationError, match="Enter why"):
        services.referral_withdraw(referral=referral, acting_user=world.worker, reason="")
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_no_referral_from_a_closed_episode(world, episode, service):
    from earlyhelp.cases.models import Episode

    Episode.objects.filter(pk=episode.pk).update(
        status="closed", end_date=dates.today(), closure_outcome="other"
    )
    episode.refresh_from_db()
    with pytest.raises(IllegalMove, match="open episode"):
        send(world, episode, service)
