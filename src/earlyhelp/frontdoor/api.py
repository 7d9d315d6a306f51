"""API for the front door: requests for support (contacts) and triage decisions."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from earlyhelp.access import policy
from earlyhelp.access.scoping import visible_families, visible_people
from earlyhelp.api.base import ScopedPrimaryKeyField, audit_search, validated
from earlyhelp.api.router import router
from earlyhelp.core.codes import EpisodeReason, ReferralSource
from earlyhelp.core.models import Organisation, Team
from earlyhelp.people import services as people_services
from earlyhelp.people.api import FamilyInput, PersonInput
from earlyhelp.people.models import Family, MemberRole, Person
from earlyhelp.people.selectors import person_match_for_referral
from earlyhelp.thresholds.models import Indicator, Level, NeedTheme, ThresholdModel

from . import rules, selectors, services
from .filters import ContactFilter
from .models import ConsentAnswer, Contact, Rag, TriageDecision, TriageOutcome


class TriageOutput(serializers.ModelSerializer):
    decided_by = serializers.StringRelatedField()
    indicators = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = TriageDecision
        fields = [
            "id", "outcome", "threshold_model", "indicators", "suggested_level", "level",
            "override_reason", "universal_reason", "rag", "decided_at", "decided_by", "rationale", "routed_team",
            "episode", "safeguarding_override",
        ]


class ContactPersonOutput(serializers.Serializer):
    person = serializers.SerializerMethodField()
    name = serializers.CharField(source="person.full_name")
    is_subject = serializers.BooleanField()

    def get_person(self, contact_person) -> str | None:
        # A referrer is told the names they sent, never the id of a record they cannot open.
        seen = self.context.get("seen_people")
        if seen is not None and contact_person.person_id not in seen:
            return None
        return str(contact_person.person_id)


class ContactOutput(serializers.ModelSerializer):
    """A request for support as the viewer may see it: a referrer who does not work with the
    family sees what they sent and the decision, not which record it joined."""

    people = ContactPersonOutput(source="contact_people", many=True)
    decision = serializers.SerializerMethodField()
    family = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id", "reference", "status", "priority", "received_at", "source", "referrer_name",
            "referrer_role", "referrer_organisation", "family", "people", "concerns", "needs",
            "family_consents_to_request", "family_consents_to_share", "consent_given_by",
            "consent_given_on", "consent_share_with", "is_re_referral", "re_referral_of",
            "decision",
        ]

    def get_family(self, contact) -> str | None:
        if contact.family_id is None or not self.context.get("sees_family", True):
            return None
        return str(contact.family_id)

    @extend_schema(exclude=True)
    def get_decision(self, contact) -> dict | None:
        decision = getattr(contact, "decision", None)
        return TriageOutput(decision).data if decision else None


class ContactListOutput(serializers.ModelSerializer):
    family = serializers.SerializerMethodField()

    def get_family(self, contact) -> str | None:
        seen = self.context.get("seen_families")
        if contact.family_id is None or (seen is not None and contact.family_id not in seen):
            return None
        return str(contact.family_id)

    class Meta:
        model = Contact
        fields = ["id", "reference", "status", "priority", "received_at", "source", "family",
                  "is_re_referral"]


class NewMemberInput(serializers.Serializer):
    person = PersonInput()
    role = serializers.ChoiceField(choices=MemberRole.choices)
    is_subject = serializers.BooleanField(default=True)


class ContactInput(serializers.Serializer):
    source = serializers.ChoiceField(choices=ReferralSource.choices)
    priority = serializers.ChoiceField(choices=Rag.choices, required=False, allow_blank=True)
    received_at = serializers.DateTimeField(required=False)
    referrer_name = serializers.CharField(max_length=200)
    referrer_role = serializers.CharField(max_length=200, required=False, allow_blank=True)
    referrer_email = serializers.EmailField(required=False, allow_blank=True)
    referrer_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    referrer_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    # Ids resolve only inside the caller's scope: anything else is "does not exist".
    family = ScopedPrimaryKeyField(
        scope=visible_families, model=Family, required=False, allow_null=True,
        help_text="an existing household you can see",
    )
    people = ScopedPrimaryKeyField(
        scope=visible_people, model=Person, many=True, required=False,
        help_text="existing people you can see that the request is about",
    )
    matched_people = serializers.ListField(
        child=serializers.CharField(max_length=1000), required=False, max_length=20,
        help_text="match tokens from /api/contacts/match-people/ for people you cannot see",
    )
    new_family = FamilyInput(required=False)
    new_members = NewMemberInput(many=True, required=False)
    concerns = serializers.CharField()
    needs = serializers.PrimaryKeyRelatedField(
        queryset=NeedTheme.objects.filter(is_active=True), many=True, required=False
    )
    family_consents_to_request = serializers.ChoiceField(choices=ConsentAnswer.choices)
    family_consents_to_share = serializers.ChoiceField(choices=ConsentAnswer.choices)
    # Who answered for the family (one of the three), when, and with whom they agreed information
    # may be shared: each person their answer covers gets a consent record (as on the pages).
    consent_given_by_person = serializers.UUIDField(
        required=False, allow_null=True,
        help_text="who answered for the family: the id of one of `people`, aged 12 or over",
    )
    consent_given_by_new_member = serializers.IntegerField(
        required=False, allow_null=True, min_value=0,
        help_text="…or their position in `new_members`, counting from 0",
    )
    consent_given_by_name = serializers.CharField(
        required=False, allow_blank=True, max_length=150,
        help_text="…or the name and relationship of someone else with parental responsibility",
    )
    consent_parental_responsibility = serializers.BooleanField(
        required=False, allow_null=True, default=None,
        help_text="whether the one who answered has parental responsibility for the children "
        "(needed when they are one of the people; someone else must have it)",
    )
    consent_given_on = serializers.DateField(
        required=False, allow_null=True, help_text="the day they answered; never in the future"
    )
    consent_share_with = serializers.CharField(
        required=False, allow_blank=True, max_length=300,
        help_text="with whom they agreed information may be shared (needed when they agreed)",
    )

    def validate(self, attrs):
        if attrs.get("family") and attrs.get("new_family"):
            raise serializers.ValidationError({"new_family": "Give a family or a new family"})
        _check_consent_giver(attrs)
        matched = self._resolve_matches(attrs.get("matched_people") or [])
        attrs["matched_people"] = matched
        if matched and attrs.get("new_family"):
            raise serializers.ValidationError(
                {"new_family": "The people matched already have a household: leave it out"}
            )
        if attrs.get("new_members") and not (
            attrs.get("family") or attrs.get("new_family") or matched
        ):
            raise serializers.ValidationError(
                {"new_members": "New people must belong to a family: give family or new_family"}
            )
        if not attrs.get("people") and not attrs.get("new_members") and not matched:
            raise serializers.ValidationError(
                {"people": "Add at least one child or adult the request is about"}
            )
        return attrs


    def _resolve_matches(self, tokens):
        from earlyhelp.access.matches import MatchRefused, resolve_match

        user = self.context["request"].user
        people = []
        for token in tokens:
            try:
                people.append(resolve_match(user=user, token=token))
            except MatchRefused:
                raise serializers.ValidationError({"matched_people": [
                    "This match is not valid any more: search for the person again"
                ]}, code="does_not_exist") from None
        return people


GIVER_FIELDS = ("consent_given_by_person", "consent_given_by_new_member", "consent_given_by_name")


def _check_consent_giver(attrs) -> None:
    """The page's rules for who answered for the family, with the API's field names: one
    giver, in the request and old enough to answer (frontdoor.rules), or someone else with
    parental responsibility; a date that has happened; with whom they agreed to share."""
    from django.core.exceptions import ValidationError as DjangoValidationError

    from earlyhelp.core.dates import check_event_date
    from earlyhelp.people.models import Person

    given = [name for name in GIVER_FIELDS if attrs.get(name) not in (None, "")]
    answers = {attrs.get("family_consents_to_request"), attrs.get("family_consents_to_share")}
    asked = bool(answers & {ConsentAnswer.YES, ConsentAnswer.NO})
    errors = {}
    if len(given) > 1:
        errors[given[1]] = ["Give one person who answered for the family: "
                            + ", ".join(GIVER_FIELDS[:2]) + " or " + GIVER_FIELDS[2]]
    if not given:
        if attrs.get("consent_given_on") or attrs.get("consent_share_with"):
            errors["consent_given_by_person"] = ["Say who answered for the family"]
        if errors:
            raise serializers.ValidationError(errors)
        return
    if not asked:
        raise serializers.ValidationError({given[0]: [
            "The family was not asked (a safeguarding concern): leave out who answered"]})
    on = attrs.get("consent_given_on")
    if on is None:
        errors["consent_given_on"] = ["Enter the date they answered"]
    else:
        try:
            check_event_date(on, field="consent_given_on", what="consent")
        except DjangoValidationError as exc:
            errors.update(exc.message_dict)
    parental = attrs.get("consent_parental_responsibility")
    if given[0] == "consent_given_by_name":
        if parental is False:
            errors["consent_parental_responsibility"] = [
                "Someone from outside the request answers for the children only with parental "
                "responsibility: if they have none, the giver is one of the people"]
        attrs["consent_parental_responsibility"] = True
    elif parental is None:
        errors["consent_parental_responsibility"] = [
            "Say whether they have parental responsibility for the children"]
    if (attrs.get("family_consents_to_share") == ConsentAnswer.YES
            and not (attrs.get("consent_share_with") or "").strip()):
        errors["consent_share_with"] = ["Enter who they agreed information may be shared with"]
    giver = None
    if given[0] == "consent_given_by_person":
        giver = next((p for p in attrs.get("people", [])
                      if str(p.pk) == str(attrs["consent_given_by_person"])), None)
        if giver is None:
            errors["consent_given_by_person"] = ["This person is not one of `people` in this "
                                                 "request"]
    elif given[0] == "consent_given_by_new_member":
        members = attrs.get("new_members", [])
        index = attrs["consent_given_by_new_member"]
        if index >= len(members):
            errors["consent_given_by_new_member"] = [
                f"There is no new member {index}: new_members counts from 0"]
        else:  # the rule asks the dates only: an unsaved person answers it
            giver = Person(**{k: v for k, v in members[index]["person"].items()
                              if k != "disabilities"})
    if giver is not None and on is not None and "consent_given_on" not in errors:
        problem = rules.consent_giver_problem(giver, [giver], on)
        if problem:
            errors[given[0]] = [problem]
    if errors:
        raise serializers.ValidationError(errors)


class TriageInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=TriageOutcome.choices)
    threshold_model = serializers.PrimaryKeyRelatedField(
        queryset=ThresholdModel.objects.filter(is_active=True)
    )
    indicators = serializers.PrimaryKeyRelatedField(
        queryset=Indicator.objects.select_related("level"), many=True, required=False
    )
    level = serializers.PrimaryKeyRelatedField(queryset=Level.objects.all())
    override_reason = serializers.CharField(required=False, allow_blank=True)
    universal_reason = serializers.CharField(
        required=False, allow_blank=True,
        help_text="why early help, when the level is one universal services meet (its band)",
    )
    rag = serializers.ChoiceField(choices=Rag.choices)
    rationale = serializers.CharField()
    routed_team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    episode_reason = serializers.ChoiceField(choices=EpisodeReason.choices, required=False)
    safeguarding_override = serializers.BooleanField(required=False, default=False)
    decided_at = serializers.DateTimeField(
        required=False, help_text="when the decision was made (default: now); never in the future"
    )
    episode_start_date = serializers.DateField(
        required=False, help_text="early help only: the episode's start (default: the decision's date)"
    )


class WithdrawInput(serializers.Serializer):
    reason = serializers.CharField()


class MatchInput(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    nhs_number = serializers.CharField(required=False, allow_blank=True, default="")
    upn = serializers.CharField(required=False, allow_blank=True, default="")
    postcode = serializers.CharField(required=False, allow_blank=True, default="")


class MatchOutput(serializers.Serializer):
    id = serializers.UUIDField(allow_null=True, help_text="only for people you can already see")
    name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    postcode_district = serializers.CharField()
    family_ids = serializers.ListField(
        child=serializers.UUIDField(), help_text="only households you can already see"
    )
    known_to_you = serializers.BooleanField()
    note = serializers.CharField()
    match = serializers.CharField(help_text="give it in matched_people to name this person")


class ContactViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ContactListOutput
    filterset_class = ContactFilter  # applied by the filter backend: a bad value is a 400

    def get_queryset(self):
        return selectors.contact_list(user=self.request.user)

    def list(self, request, *args, **kwargs):
        audit_search(request, "frontdoor.contact")
        return super().list(request, *args, **kwargs)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "seen_families": None}

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._seen_families = _seen_families(self.request.user, page or [])
        return page

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("context", self.get_serializer_context())
        kwargs["context"]["seen_families"] = getattr(self, "_seen_families", None)
        return super().get_serializer(*args, **kwargs)

    @extend_schema(responses=ContactOutput)
    def retrieve(self, request, pk=None):
        contact = selectors.contact_detail(user=request.user, contact_id=pk)
        return Response(_contact_output(request.user, contact))

    @extend_schema(request=ContactInput, responses={201: ContactOutput})
    def create(self, request):
        """Raise a request for support. Find existing people first (match-people)."""
        policy.require(request.user, policy.Action.RAISE_REQUEST)
        data = validated(ContactInput, request.data, request=request)
        with transaction.atomic():
            family = data.get("family")
            matched = data.get("matched_people", [])
            if matched and family is None:
                family = selectors.household_of(matched)
            if data.get("new_family"):
                family = people_services.family_create(
                    acting_user=request.user, **data["new_family"]
                )
            people = list(data.get("people", [])) + [p for p in matched if p not in data.get(
                "people", [])]
            subject_ids = {p.pk for p in people}
            giver = next((p for p in people if str(p.pk) == str(
                data.get("consent_given_by_person"))), None)
            for index, member in enumerate(data.get("new_members", [])):
                person = people_services.person_create(
                    acting_user=request.user, family=family, **member["person"]
                )
                people_services.membership_add(
                    family=family, person=person, role=member["role"],
                    start_date=person.date_of_birth or person.expected_date_of_birth,
                    acting_user=request.user,
                )
                people.append(person)
                if index == data.get("consent_given_by_new_member"):
                    giver = person
                if member["is_subject"]:
                    subject_ids.add(person.pk)
            contact = services.contact_create(
                acting_user=request.user, family=family, people=people, subject_ids=subject_ids,
                source=data["source"], priority=data.get("priority", ""),
                received_at=data.get("received_at"), referrer_name=data["referrer_name"],
                referrer_role=data.get("referrer_role", ""),
                referrer_email=data.get("referrer_email", ""),
                referrer_phone=data.get("referrer_phone", ""),
                referrer_organisation=data.get("referrer_organisation")
                or request.user.organisation,
                concerns=data["concerns"], needs=data.get("needs", []),
                family_consents_to_request=data["family_consents_to_request"],
                family_consents_to_share=data["family_consents_to_share"],
                consent_given_by=giver.full_name if giver else data.get(
                    "consent_given_by_name", "").strip(),
                consent_given_on=data.get("consent_given_on"),
                consent_share_with=data.get("consent_share_with", "").strip(),
            )
            if contact.consent_given_by and contact.consent_given_on:
                services.consents_carry_to_people(
                    contact=contact, people=people, giver=giver,
                    given_on=contact.consent_given_on,
                    parental=bool(data["consent_parental_responsibility"]),
                    acting_user=request.user,
                )
        return Response(_contact_output(request.user, contact), status=status.HTTP_201_CREATED)

    @extend_schema(request=TriageInput, responses={201: TriageOutput})
    @action(detail=True, methods=["post"])
    def triage(self, request, pk=None):
        contact = selectors.contact_detail(user=request.user, contact_id=pk)
        policy.require(request.user, policy.Action.TRIAGE, contact)
        data = validated(TriageInput, request.data)
        decision = services.contact_triage(contact=contact, acting_user=request.user, **data)
        return Response(TriageOutput(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WithdrawInput, responses=ContactOutput)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        contact = selectors.contact_detail(user=request.user, contact_id=pk)
        policy.require(request.user, policy.Action.WITHDRAW_REQUEST, contact)
        data = validated(WithdrawInput, request.data)
        contact = services.contact_withdraw(contact=contact, acting_user=request.user, **data)
        return Response(_contact_output(request.user, contact))

    @extend_schema(request=MatchInput, responses=MatchOutput(many=True), filters=False)
    @action(detail=False, methods=["post"], url_path="match-people", pagination_class=None)
    def match_people(self, request):
        """Is this person already known? Needs an NHS number, a UPN, or name and date of birth."""
        policy.require(request.user, policy.Action.RAISE_REQUEST)
        data = validated(MatchInput, request.data)
        if not (data["nhs_number"] or data["upn"] or (data["name"].strip()
                                                      and data["date_of_birth"])):
            raise serializers.ValidationError(
                {"name": ["Give an NHS number, a UPN, or a name with a date of birth"]}
            )
        return Response(MatchOutput(person_match_for_referral(user=request.user, **data),
                                    many=True).data)


def _seen_families(user, contacts) -> set:
    ids = {c.family_id for c in contacts if c.family_id}
    if not ids:
        return set()
    return set(visible_families(user).filter(pk__in=ids).values_list("pk", flat=True))


def _contact_output(user, contact) -> dict:
    """One request as this viewer may see it (two EXISTS-backed lookups)."""
    person_ids = [cp.person_id for cp in contact.contact_people.all()]
    seen_people = set(
        visible_people(user).filter(pk__in=person_ids).values_list("pk", flat=True)
    )
    context = {"sees_family": contact.family_id in _seen_families(user, [contact]),
               "seen_people": seen_people}
    return ContactOutput(contact, context=context).data


router.register("contacts", ContactViewSet, basename="contact")
