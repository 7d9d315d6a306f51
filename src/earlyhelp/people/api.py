"""API for people, households, memberships and consent."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from earlyhelp.access import policy
from earlyhelp.access.scoping import visible_people
from earlyhelp.access.sensitive import PERSON_NOTES, SensitiveField, may_see
from earlyhelp.api.base import (
    ScopedPrimaryKeyField,
    audit_search,
    read_version,
    validated,
    version_field,
)
from earlyhelp.api.router import router
from earlyhelp.core.codes import Disability

from . import selectors, services
from .filters import FamilyFilter, PersonFilter
from .models import (
    Consent,
    ConsentKind,
    ConsentStatus,
    Family,
    MemberRole,
    Membership,
    Person,
)


class PersonOutput(serializers.ModelSerializer):
    sensitive_notes = SensitiveField(PERSON_NOTES)  # null unless the role may see it

    class Meta:
        model = Person
        fields = [
            "id", "given_name", "family_name", "other_names", "known_as", "date_of_birth",
            "expected_date_of_birth", "sex", "ethnicity", "disabilities", "nhs_number", "upn",
            "local_id", "sensitive_notes", "version",
        ]


class PersonInput(serializers.Serializer):
    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=100)
    other_names = serializers.CharField(max_length=200, required=False, allow_blank=True)
    known_as = serializers.CharField(max_length=100, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    expected_date_of_birth = serializers.DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=Person._meta.get_field("sex").choices, required=False)
    ethnicity = serializers.ChoiceField(
        choices=Person._meta.get_field("ethnicity").choices, required=False
    )
    disabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=Disability.choices), required=False
    )
    nhs_number = serializers.CharField(max_length=14, required=False, allow_blank=True)
    upn = serializers.CharField(max_length=13, required=False, allow_blank=True)
    local_id = serializers.CharField(max_length=40, required=False, allow_blank=True)

    def validate(self, attrs):
        if attrs.get("date_of_birth") and attrs.get("expected_date_of_birth"):
            raise serializers.ValidationError(
                {"expected_date_of_birth": "Give a date of birth or an expected date, not both"}
            )
        if not self.partial and not attrs.get("date_of_birth") and not attrs.get(
            "expected_date_of_birth"
        ):
            raise serializers.ValidationError(
                {"date_of_birth": "Enter a date of birth, or an expected date of birth"}
            )
        return attrs


class PersonUpdateInput(PersonInput):
    version = version_field()


class MemberOutput(serializers.ModelSerializer):
    person = PersonOutput()

    class Meta:
        model = Membership
        fields = ["id", "person", "role", "relationship", "start_date", "end_date"]


class FamilyOutput(serializers.ModelSerializer):
    class Meta:
        model = Family
        fields = [
            "id", "name", "address_line_1", "address_line_2", "town", "postcode", "uprn",
            "locality", "version",
        ]


class FamilyDetailOutput(FamilyOutput):
    members = MemberOutput(source="memberships", many=True)

    class Meta(FamilyOutput.Meta):
        fields = FamilyOutput.Meta.fields + ["members"]


def family_body(family: dict, members: list[dict], *, user) -> dict:
    """FamilyDetailOutput's JSON, written directly from selectors.family_for_api's rows – the
    same keys in the same order, the same values (ids, dates and UUIDs as the renderer writes
    them). The serializer stays the schema's; a test holds the two equal. DRF building a
    serializer's fields per member cost more than the rest of the request (issue 19)."""
    notes = may_see(user, PERSON_NOTES)  # SensitiveField: null unless the role may see it
    body = {name: family[name] for name in FamilyOutput.Meta.fields if name != "locality"}
    body["locality"] = family["locality_id"]
    body["version"] = body.pop("version")  # the schema's order: locality, then version
    body["members"] = [
        {
            "id": row["id"],
            "person": {
                name: (row[f"person__{name}"] if notes or name != "sensitive_notes" else None)
                for name in selectors.PERSON_API_FIELDS
            },
            "role": row["role"],
            "relationship": row["relationship"],
            "start_date": row["start_date"],
            "end_date": row["end_date"],
        }
        for row in members
    ]
    return body


class FamilyInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    address_line_1 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address_line_2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    town = serializers.CharField(max_length=100, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True)


class MemberInput(serializers.Serializer):
    person = ScopedPrimaryKeyField(scope=visible_people, model=Person, required=False)
    new_person = PersonInput(required=False)
    role = serializers.ChoiceField(choices=MemberRole.choices)
    relationship = serializers.CharField(max_length=100, required=False, allow_blank=True)
    start_date = serializers.DateField()

    def validate(self, attrs):
        if bool(attrs.get("person")) == bool(attrs.get("new_person")):
            raise serializers.ValidationError(
                {"person": "Give either an existing person's id or a new person, not both"}
            )
        return attrs


class ConsentOutput(serializers.ModelSerializer):
    recorded_by = serializers.StringRelatedField(allow_null=True)  # none: recorded by the system

    class Meta:
        model = Consent
        fields = ["id", "kind", "status", "decided_on", "scope", "given_by", "recorded_by",
                  "recorded_at"]


class ConsentInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ConsentKind.choices)
    status = serializers.ChoiceField(choices=ConsentStatus.choices)
    decided_on = serializers.DateField()
    scope = serializers.CharField(max_length=300, required=False, allow_blank=True)
    given_by = serializers.CharField(max_length=200, required=False, allow_blank=True)


class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PersonOutput
    filterset_class = PersonFilter  # applied by the filter backend: a bad value is a 400

    def get_queryset(self):
        return selectors.person_list(user=self.request.user)

    def list(self, request, *args, **kwargs):
        audit_search(request, "people.person")
        return super().list(request, *args, **kwargs)

    def get_object(self):
        return selectors.person_detail(user=self.request.user, person_id=self.kwargs["pk"])

    @extend_schema(request=PersonUpdateInput, responses=PersonOutput)
    def partial_update(self, request, pk=None):
        person = self.get_object()
        policy.require(request.user, policy.Action.EDIT_PERSON, person)
        data = dict(validated(PersonUpdateInput, request.data, partial=True))
        version = read_version(request, data)
        person = services.person_update(
            person=person, acting_user=request.user, expected_version=version, **data
        )
        return Response(PersonOutput(person, context={"request": request}).data)

    @extend_schema(methods=["GET"], filters=False, responses=ConsentOutput(many=True))
    @extend_schema(methods=["POST"], filters=False, request=ConsentInput,
                   responses={201: ConsentOutput})
    @action(detail=True, methods=["get", "post"])
    def consents(self, request, pk=None):
        person = self.get_object()
        if request.method == "GET":
            history = selectors.consent_history(user=request.user, person_id=person.pk)
            page = self.paginate_queryset(history)  # a page, as the schema says
            return self.get_paginated_response(ConsentOutput(page, many=True).data)
        policy.require(request.user, policy.Action.RECORD_CONSENT, person)
        data = validated(ConsentInput, request.data)
        consent = services.consent_record(person=person, acting_user=request.user, **data)
        return Response(ConsentOutput(consent).data, status=status.HTTP_201_CREATED)


class FamilyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = FamilyOutput
    filterset_class = FamilyFilter  # applied by the filter backend: a bad value is a 400

    def get_queryset(self):
        return selectors.family_list(user=self.request.user)

    def list(self, request, *args, **kwargs):
        audit_search(request, "people.family")
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=FamilyDetailOutput)
    def retrieve(self, request, pk=None):
        family, members = selectors.family_for_api(user=request.user, family_id=pk)
        return Response(family_body(family, members, user=request.user))

    @extend_schema(request=FamilyInput, responses={201: FamilyOutput})
    def create(self, request):
        """Create a household (it becomes visible once a contact or episode involves you)."""
        policy.require(request.user, policy.Action.CREATE_HOUSEHOLD)
        data = validated(FamilyInput, request.data)
        family = services.family_create(acting_user=request.user, **data)
        return Response(FamilyOutput(family).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MemberInput, responses={201: MemberOutput})
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        family = selectors.family_detail(user=request.user, family_id=pk)
        policy.require(request.user, policy.Action.CHANGE_HOUSEHOLD, family)
        data = validated(MemberInput, request.data, request=request)
        with transaction.atomic():
            person = data.get("person") or services.person_create(
                acting_user=request.user, family=family, **data["new_person"]
            )
            membership = services.membership_add(
                family=family, person=person, role=data["role"], start_date=data["start_date"],
                relationship=data.get("relationship", ""), acting_user=request.user,
            )
        return Response(MemberOutput(membership, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


router.register("people", PersonViewSet, basename="person")
router.register("families", FamilyViewSet, basename="family")
