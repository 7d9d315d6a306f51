"""API for early help episodes: allocation, TAF, notes, closure, step-up and step-down."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from earlyhelp.access import policy
from earlyhelp.access.permissions import require_episode_worker
from earlyhelp.access.scoping import visible_families, visible_people
from earlyhelp.api.base import (
    ScopedPrimaryKeyField,
    audit_search,
    read_version,
    scoped_pk,
    validated,
    version_field,
)
from earlyhelp.api.router import router
from earlyhelp.core.codes import Rater
from earlyhelp.core.dates import today
from earlyhelp.core.models import Organisation, Team, User
from earlyhelp.people.api import FamilyInput, PersonInput
from earlyhelp.people.models import MemberRole, Person
from earlyhelp.thresholds.models import Level

from . import selectors, services
from .filters import EpisodeFilter
from .models import (
    CaseNote,
    ClosureOutcome,
    Episode,
    FocusChild,
    TafMember,
    Transition,
)


class TafMemberOutput(serializers.ModelSerializer):
    class Meta:
        model = TafMember
        fields = ["id", "user", "name", "organisation", "role", "joined_on", "left_on"]


class TransitionOutput(serializers.ModelSerializer):
    class Meta:
        model = Transition
        fields = ["id", "kind", "date", "social_care_decided_on", "reason",
                  "social_care_reference", "cin_code", "recorded_by", "created_at"]


class EpisodeListOutput(serializers.ModelSerializer):
    family_name = serializers.CharField(source="family.name")
    lead_practitioner_name = serializers.CharField(
        source="lead_practitioner.display_name", default=None, allow_null=True
    )

    class Meta:
        model = Episode
        fields = [
            "id", "reference", "family", "family_name", "status", "start_date", "end_date",
            "route_in", "reason", "level", "team", "lead_practitioner", "lead_practitioner_name",
            "closure_outcome",
        ]


class AllocateOutput(EpisodeListOutput):
    warnings = serializers.SerializerMethodField(
        help_text="Warnings for the person allocating, e.g. a missing required course")

    class Meta(EpisodeListOutput.Meta):
        fields = [*EpisodeListOutput.Meta.fields, "warnings"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_warnings(self, episode) -> list[str]:
        warning = getattr(episode, "training_warning", "")
        return [warning] if warning else []


class AssessmentSummary(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    started_on = serializers.DateField()
    completed_on = serializers.DateField(allow_null=True)


class ReviewSummary(serializers.Serializer):
    id = serializers.UUIDField()
    held_on = serializers.DateField()
    next_review_due = serializers.DateField(allow_null=True)


class PlanSummary(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    started_on = serializers.DateField()
    open_actions = serializers.SerializerMethodField()

    def get_open_actions(self, plan) -> int:
        counted = getattr(plan, "open_action_count", None)  # where a query counted them
        if counted is not None:
            return counted
        return sum(1 for a in plan.actions.all() if a.status == "open")


class EpisodeOutput(EpisodeListOutput):
    focus_children = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    taf_members = TafMemberOutput(many=True)
    transitions = TransitionOutput(many=True)
    assessments = AssessmentSummary(many=True)
    plans = PlanSummary(many=True)
    reviews = ReviewSummary(many=True)

    class Meta(EpisodeListOutput.Meta):
        fields = EpisodeListOutput.Meta.fields + [
            "focus_children", "lead_allocated_on", "contact", "closure_summary",
            "social_care_reference", "cin_closure_reason", "previous_episode", "taf_members",
            "transitions", "assessments", "plans", "reviews", "next_review_due",
            "last_review_on", "assessment_state", "assessment_completed_on", "version",
        ]
        # Kept on the episode by the services (cases.state): the answer the worklists give.
        read_only_fields = ["next_review_due", "last_review_on", "assessment_state",
                            "assessment_completed_on"]


_WHEN = serializers.DateTimeField()  # a time as the serializers write it (local time, "Z")


def episode_body(episode: dict, lists: dict) -> dict:
    """EpisodeOutput's JSON, written directly from selectors.episode_for_api's row and lists –
    the same keys in the same order and the same values, ids and dates already the text the
    renderer would write (the lists' own text; the row's written here: each value the renderer
    must hand to its encoder's default() cost more than writing it). The serializer stays the
    schema's; a test holds the two equal. DRF building some sixty field objects per response
    cost more than the queries (issue 19)."""
    return {
        "id": str(episode["id"]), "reference": episode["reference"],
        "family": str(episode["family_id"]), "family_name": episode["family__name"],
        "status": episode["status"], "start_date": _day(episode["start_date"]),
        "end_date": _day(episode["end_date"]),
        "route_in": episode["route_in"], "reason": episode["reason"],
        "level": episode["level_id"], "team": _id(episode["team_id"]),
        "lead_practitioner": _id(episode["lead_practitioner_id"]),
        "lead_practitioner_name": _lead_name(episode),
        "closure_outcome": episode["closure_outcome"],
        "focus_children": [person["id"] for person in lists["focus_children"]],
        "lead_allocated_on": _day(episode["lead_allocated_on"]),
        "contact": _id(episode["contact_id"]),
        "closure_summary": episode["closure_summary"],
        "social_care_reference": episode["social_care_reference"],
        "cin_closure_reason": episode["cin_closure_reason"],
        "previous_episode": _id(episode["previous_episode_id"]),
        "taf_members": [
            {"id": m["id"], "user": m["user_id"], "name": m["name"],
             "organisation": m["organisation_id"], "role": m["role"],
             "joined_on": m["joined_on"], "left_on": m["left_on"]}
            for m in lists["taf_members"]
        ],
        "transitions": [
            {"id": t["id"], "kind": t["kind"], "date": t["date"],
             "social_care_decided_on": t["social_care_decided_on"], "reason": t["reason"],
             "social_care_reference": t["social_care_reference"], "cin_code": t["cin_code"],
             "recorded_by": t["recorded_by_id"],
             "created_at": _WHEN.to_representation(t["created_at"])}
            for t in lists["transitions"]
        ],
        "assessments": [
            {"id": a["id"], "status": a["status"], "started_on": a["started_on"],
             "completed_on": a["completed_on"]}
            for a in lists["assessments"]
        ],
        "plans": [
            {"id": p["id"], "status": p["status"], "started_on": p["started_on"],
             "open_actions": p["open_action_count"]}
            for p in lists["plans"]
        ],
        "reviews": [
            {"id": r["id"], "held_on": r["held_on"], "next_review_due": r["next_review_due"]}
            for r in lists["reviews"]
        ],
        "next_review_due": _day(episode["next_review_due"]),
        "last_review_on": _day(episode["last_review_on"]),
        "assessment_state": episode["assessment_state"],
        "assessment_completed_on": _day(episode["assessment_completed_on"]),
        "version": episode["version"],
    }


def _id(value) -> str | None:
    return None if value is None else str(value)


def _day(value) -> str | None:
    return None if value is None else value.isoformat()


def _lead_name(episode: dict) -> str | None:
    """The lead's display name (User.display_name) from the row's names; null without a lead."""
    if episode["lead_practitioner_id"] is None:
        return None
    return User(first_name=episode["lead_practitioner__first_name"],
                last_name=episode["lead_practitioner__last_name"],
                username=episode["lead_practitioner__username"]).display_name


class AllocateInput(serializers.Serializer):
    lead_practitioner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True)
    )
    on = serializers.DateField(required=False)
    version = version_field()


class StartDateInput(serializers.Serializer):
    start_date = serializers.DateField()
    version = version_field()


class FocusChildInput(serializers.Serializer):
    person = serializers.UUIDField()
    on = serializers.DateField(required=False, help_text="the day it takes effect (default today)")
    ended = serializers.BooleanField(
        required=False, default=False, help_text="true: the child stops being a focus child"
    )


class FocusChildOutput(serializers.ModelSerializer):
    class Meta:
        model = FocusChild
        fields = ["id", "person", "started_on", "ended_on", "created_at", "created_by"]


class TafMemberInput(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    role = serializers.CharField(max_length=200, required=False, allow_blank=True)
    joined_on = serializers.DateField()

    def validate(self, attrs):
        if not attrs.get("user") and not attrs.get("name", "").strip():
            raise serializers.ValidationError({"name": "Give a user or a name"})
        return attrs


class ClosingScoreInput(serializers.Serializer):
    need = serializers.UUIDField()
    score = serializers.IntegerField(min_value=1, max_value=10)


class ClosingFamilyInput(serializers.Serializer):
    """The family's own closing view (the same fields as at a review) and their satisfaction."""

    rater = serializers.ChoiceField(
        choices=Rater.choices,
        required=False, allow_blank=True,
    )
    declined = serializers.BooleanField(required=False, default=False,
                                        help_text="the family did not want to say")
    words = serializers.CharField(required=False, allow_blank=True)
    scores = ClosingScoreInput(many=True, required=False)
    satisfaction = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True,
        help_text="How satisfied are you with the help you got? 1 very dissatisfied – 5 very "
                  "satisfied",
    )


class CloseInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ClosureOutcome.choices)
    end_date = serializers.DateField()
    summary = serializers.CharField(required=False, allow_blank=True)
    version = version_field()
    # The work still running: what happens to each, by id (as the closing page asks). Without
    # an answer for each, the close is refused (409, work_still_open) naming what is open.
    actions = serializers.DictField(
        child=serializers.ChoiceField(choices=services.ACTION_CHOICES), required=False,
        help_text="open plan action id -> done or cancelled",
    )
    referrals = serializers.DictField(
        child=serializers.ChoiceField(choices=services.REFERRAL_CHOICES), required=False,
        help_text="running referral id -> continue or withdraw",
    )
    # The practitioner's closing score for every assessed need, and the family's own view.
    closing_scores = ClosingScoreInput(many=True, required=False)
    family = ClosingFamilyInput(required=False, allow_null=True)


class StepUpInput(serializers.Serializer):
    on = serializers.DateField()
    reason = serializers.CharField()
    social_care_reference = serializers.CharField(max_length=40, required=False,
                                                  allow_blank=True)
    version = version_field()


class StepDownMemberInput(serializers.Serializer):
    person = PersonInput()
    role = serializers.ChoiceField(choices=MemberRole.choices)
    relationship = serializers.CharField(max_length=100, required=False, allow_blank=True)
    start_date = serializers.DateField(required=False, help_text="default: social care's decision")
    focus = serializers.BooleanField(required=False, help_text="a focus child (default: children)")


class NewFamilyInput(FamilyInput):
    members = StepDownMemberInput(many=True, min_length=1)


class StepDownInput(serializers.Serializer):
    family = serializers.UUIDField(required=False, help_text="a family already known")
    new_family = NewFamilyInput(
        required=False, help_text="or a family new to early help, with its people"
    )
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    on = serializers.DateField(help_text="the day the early help episode starts")
    social_care_decided_on = serializers.DateField(
        required=False, help_text="the day social care decided to step down (default: `on`)"
    )
    reason = serializers.CharField()
    focus_children = ScopedPrimaryKeyField(
        scope=visible_people, model=Person, many=True, required=False
    )
    social_care_reference = serializers.CharField(max_length=40, required=False,
                                                  allow_blank=True)
    from_episode = serializers.UUIDField(required=False, allow_null=True)
    level = serializers.PrimaryKeyRelatedField(
        queryset=Level.objects.all(), required=False, allow_null=True
    )

    def validate(self, attrs):
        if bool(attrs.get("family")) == bool(attrs.get("new_family")):
            raise serializers.ValidationError(
                {"family": "Give either the family already known or the new family, not both"}
            )
        if attrs.get("new_family") and attrs.get("focus_children"):
            raise serializers.ValidationError(
                {"focus_children": "For a new family, mark focus children in its members"}
            )
        return attrs


class NoteOutput(serializers.ModelSerializer):
    author = serializers.StringRelatedField()

    class Meta:
        model = CaseNote
        fields = ["id", "written_at", "author", "subject", "text", "is_sensitive",
                  "is_significant"]


class NoteInput(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    text = serializers.CharField()
    is_sensitive = serializers.BooleanField(default=False)
    is_significant = serializers.BooleanField(
        default=False, help_text="a significant event: shown on the chronology")


class EpisodeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = EpisodeListOutput
    filterset_class = EpisodeFilter  # applied by the filter backend: a bad value is a 400

    def get_queryset(self):
        return selectors.episode_list(user=self.request.user)

    def list(self, request, *args, **kwargs):
        audit_search(request, "cases.episode")
        return super().list(request, *args, **kwargs)

    # The moves read the episode with its family, team and lead only (episode_for_page): the
    # services lock and read what they need, and the answers show the episode's own fields.
    def _episode(self, request, pk, action: str):
        episode = selectors.episode_for_page(user=request.user, episode_id=pk)
        require_episode_worker(request.user, episode, action)
        return episode

    @extend_schema(responses=EpisodeOutput)
    def retrieve(self, request, pk=None):
        episode, lists = selectors.episode_for_api(user=request.user, episode_id=pk)
        return Response(episode_body(episode, lists))

    @extend_schema(request=AllocateInput, responses=AllocateOutput)
    @action(detail=True, methods=["post"])
    def allocate(self, request, pk=None):
        """`warnings`: the lead practitioner lacks a course the partnership requires (strategy);
        with EARLYHELP_LEAD_TRAINING=refuse the allocation is a 409 instead."""
        episode = selectors.episode_for_page(user=request.user, episode_id=pk)
        policy.require(request.user, policy.Action.ALLOCATE, episode)
        data = dict(validated(AllocateInput, request.data))
        episode = services.episode_allocate(
            episode=episode, lead_practitioner=data["lead_practitioner"], on=data.get("on"),
            expected_version=read_version(request, data), acting_user=request.user,
        )
        return Response(AllocateOutput(episode).data)

    @extend_schema(request=StartDateInput, responses=EpisodeListOutput)
    @action(detail=True, methods=["post"], url_path="start-date")
    def start_date(self, request, pk=None):
        """A manager sets the day the episode started (default: the decision's date)."""
        episode = selectors.episode_for_page(user=request.user, episode_id=pk)
        policy.require(request.user, policy.Action.SET_EPISODE_START, episode)
        data = dict(validated(StartDateInput, request.data))
        episode = services.episode_start_date_set(
            episode=episode, start_date=data["start_date"],
            expected_version=read_version(request, data), acting_user=request.user,
        )
        return Response(EpisodeListOutput(episode).data)

    @extend_schema(request=FocusChildInput, responses=FocusChildOutput)
    @action(detail=True, methods=["post"], url_path="focus-children")
    def focus_children(self, request, pk=None):
        """A manager adds a focus child, or ends one (`ended: true`), from a day."""
        episode = selectors.episode_for_page(user=request.user, episode_id=pk)
        policy.require(request.user, policy.Action.CHANGE_FOCUS_CHILDREN, episode)
        data = validated(FocusChildInput, request.data)
        person = scoped_pk(visible_people(request.user), data["person"], "person")
        move = services.focus_child_end if data["ended"] else services.focus_child_add
        focus = move(episode=episode, person=person, on=data.get("on") or today(),
                     acting_user=request.user)
        return Response(FocusChildOutput(focus).data)

    @extend_schema(request=TafMemberInput, responses={201: TafMemberOutput})
    @action(detail=True, methods=["post"], url_path="taf-members")
    def taf_members(self, request, pk=None):
        episode = self._episode(request, pk, "change the Team Around the Family")
        data = validated(TafMemberInput, request.data)
        member = services.taf_member_add(episode=episode, acting_user=request.user, **data)
        return Response(TafMemberOutput(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CloseInput, responses=EpisodeListOutput)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        episode = self._episode(request, pk, "close an episode")
        data = dict(validated(CloseInput, request.data))
        episode = services.episode_close_settling(
            episode=episode, outcome=data["outcome"], end_date=data["end_date"],
            summary=data.get("summary", ""), expected_version=read_version(request, data),
            acting_user=request.user, actions=data.get("actions"),
            referrals=data.get("referrals"), closing=_closing(data),
        )
        return Response(EpisodeListOutput(episode).data)

    @extend_schema(request=StepUpInput, responses=TransitionOutput)
    @action(detail=True, methods=["post"], url_path="step-up")
    def step_up(self, request, pk=None):
        episode = self._episode(request, pk, "step a family up")
        data = dict(validated(StepUpInput, request.data))
        transition = services.episode_step_up(
            episode=episode, on=data["on"], reason=data["reason"],
            social_care_reference=data.get("social_care_reference", ""),
            expected_version=read_version(request, data), acting_user=request.user,
        )
        return Response(TransitionOutput(transition).data, status=status.HTTP_201_CREATED)

    # One path, two operations: reading answers 200 with the list (unpaginated, as the view
    # returns it), writing 201 with the note.
    @extend_schema(methods=["GET"], responses={200: NoteOutput(many=True)})
    @extend_schema(methods=["POST"], request=NoteInput, responses={201: NoteOutput})
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # the notes: one list
    def notes(self, request, pk=None):
        episode = selectors.episode_for_page(user=request.user, episode_id=pk)
        if request.method == "GET":
            notes = selectors.episode_notes(user=request.user, episode=episode)
            return Response(NoteOutput(notes, many=True).data)
        require_episode_worker(request.user, episode, "write case notes")
        data = validated(NoteInput, request.data)
        note = services.case_note_add(episode=episode, acting_user=request.user, **data)
        return Response(NoteOutput(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=StepDownInput, responses={201: EpisodeOutput})
    @action(detail=False, methods=["post"], url_path="step-down")
    def step_down(self, request):
        """Social care closed its case (RC9) and referred the family to early help."""
        policy.require(request.user, policy.Action.STEP_DOWN)
        data = validated(StepDownInput, request.data, request=request)
        from_episode = None
        if data.get("from_episode"):
            from_episode = scoped_pk(
                selectors.episode_list(user=request.user), data["from_episode"], "from_episode"
            )
        step_down = dict(
            team=data["team"], on=data["on"], reason=data["reason"],
            social_care_reference=data.get("social_care_reference", ""),
            from_episode=from_episode, level=data.get("level"), acting_user=request.user,
            social_care_decided_on=data.get("social_care_decided_on"),
        )
        if data.get("new_family"):
            new = dict(data["new_family"])
            members = new.pop("members")
            episode = services.episode_step_down_new_family(
                family_values=new, members=members, **step_down
            )
        else:
            family = scoped_pk(visible_families(request.user), data["family"], "family")
            episode = services.episode_step_down(
                family=family, focus_children=data.get("focus_children", []), **step_down
            )
        try:
            body = episode_body(*selectors.episode_for_api(user=request.user,
                                                           episode_id=episode.pk))
        except Http404:  # e.g. the front door, who sees families through their requests only
            body = EpisodeOutput(Episode.objects.get(pk=episode.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


router.register("episodes", EpisodeViewSet, basename="episode")


def _closing(data) -> dict | None:
    """The close request's closing scores and family view as the closing service takes them
    ({need id: score}); None when neither was sent."""
    if "closing_scores" not in data and not data.get("family"):
        return None
    family = data.get("family")
    if family:
        family = {**family, "scores": {str(i["need"]): i["score"]
                                       for i in family.get("scores", [])}}
    return {"scores": {str(i["need"]): i["score"] for i in data.get("closing_scores", [])},
            "family": family or None}
