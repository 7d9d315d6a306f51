"""API for payment-by-results claims: list and read claims, prepare one, draw and verify its
sample, approve it, export it, record payments, take a family out. The same policy actions and
services as the pages (results/claims/); only the claims roles see claims (a list is a 403 for
anyone else, a claim a 404), and a refused move is a 409 in the one error shape."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from earlyhelp.access import policy
from earlyhelp.access.policy import Action
from earlyhelp.api.base import UUID_LOOKUP, audit_search, scoped_pk, validated
from earlyhelp.api.router import router

from .claims import export, selectors, services
from .models import Claim, ClaimFamily, ClaimPayment, Framework

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ClaimFamilyOutput(serializers.ModelSerializer):
    family_name = serializers.CharField(source="attachment.family.name")
    family = serializers.UUIDField(source="attachment.family_id")
    checked_on = serializers.CharField(source="evidence.checked_on", default="")

    class Meta:
        model = ClaimFamily
        fields = ["id", "family", "family_name", "checked_on", "verification", "reason",
                  "verified_on", "withdrawn"]


class ClaimPaymentOutput(serializers.ModelSerializer):
    class Meta:
        model = ClaimPayment
        fields = ["id", "received_on", "amount", "reference"]


class ClaimOutput(serializers.ModelSerializer):
    framework = serializers.SlugRelatedField(slug_field="code", read_only=True)
    framework_name = serializers.CharField(source="framework.name")
    families_in_claim = serializers.IntegerField(source="in_claim", read_only=True)
    paid = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True,
                                    allow_null=True)

    class Meta:
        model = Claim
        fields = ["id", "framework", "framework_name", "window_start", "window_end", "status",
                  "prepared_by", "prepared_on", "sample_size", "sample_seed", "sampled_by",
                  "approved_by", "approved_on", "families_in_claim", "paid", "version"]


class ClaimDetailOutput(ClaimOutput):
    families = serializers.SerializerMethodField()
    payments = serializers.SerializerMethodField()

    class Meta(ClaimOutput.Meta):
        fields = ClaimOutput.Meta.fields + ["families", "payments"]

    @extend_schema_field(ClaimFamilyOutput(many=True))
    def get_families(self, claim) -> list[dict]:
        return ClaimFamilyOutput(selectors.claim_families(claim), many=True).data

    @extend_schema_field(ClaimPaymentOutput(many=True))
    def get_payments(self, claim) -> list[dict]:
        return ClaimPaymentOutput(selectors.payments(claim), many=True).data


class PrepareInput(serializers.Serializer):
    framework = serializers.SlugRelatedField(slug_field="code", queryset=Framework.objects.all())
    window_start = serializers.DateField()
    window_end = serializers.DateField()


class SampleInput(serializers.Serializer):
    size = serializers.IntegerField(min_value=1, max_value=1000, required=False,
                                    help_text="Default: RESULTS_CLAIM_SAMPLE_SIZE (10)")
    seed = serializers.IntegerField(min_value=0, max_value=2**63 - 1, required=False,
                                    allow_null=True,
                                    help_text="A recorded seed draws the same sample again")


class VerdictInput(serializers.Serializer):
    claim_family = serializers.UUIDField(help_text="The id of a sampled family in the claim")
    passed = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000)


class RemoveInput(serializers.Serializer):
    claim_family = serializers.UUIDField()
    reason = serializers.CharField(max_length=500)


class PaymentInput(serializers.Serializer):
    received_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    reference = serializers.CharField(max_length=60)


def _require_claims_user(user) -> None:
    if not selectors.sees_claims(user):
        raise PermissionDenied("Only performance analysts and administrators work on claims.")


def _row(request, claim, pk) -> ClaimFamily:
    return scoped_pk(ClaimFamily.objects.filter(claim=claim)
                     .select_related("attachment__family"), pk, "claim_family")


class ClaimViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Payment-by-results claims (analysts and administrators)."""

    serializer_class = ClaimOutput
    queryset = Claim.objects.none()  # for the schema; requests use get_queryset()
    lookup_value_regex = UUID_LOOKUP

    def get_queryset(self):
        return selectors.claim_list(self.request.user).order_by("-window_end", "-created_at")

    def _claim(self, pk) -> Claim:
        return selectors.claim_get(user=self.request.user, claim_id=pk)

    def _detail(self, claim, code=status.HTTP_200_OK) -> Response:
        claim = selectors.claim_list(self.request.user).get(pk=claim.pk)
        return Response(ClaimDetailOutput(claim).data, status=code)

    def list(self, request, *args, **kwargs):
        _require_claims_user(request.user)
        audit_search(request, "results.claim")
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=ClaimDetailOutput)
    def retrieve(self, request, pk=None):
        return self._detail(self._claim(pk))

    @extend_schema(request=PrepareInput, responses={201: ClaimDetailOutput})
    def create(self, request):
        _require_claims_user(request.user)
        policy.require(request.user, Action.PREPARE_CLAIM)
        data = validated(PrepareInput, request.data)
        claim = services.prepare_claim(user=request.user, **data)
        return self._detail(claim, status.HTTP_201_CREATED)

    @extend_schema(request=SampleInput, responses=ClaimDetailOutput)
    @action(detail=True, methods=["post"])
    def sample(self, request, pk=None):
        claim = self._claim(pk)
        policy.require(request.user, Action.VERIFY_CLAIM, claim)
        data = validated(SampleInput, request.data)
        services.draw_sample(user=request.user, claim=claim,
                             size=data.get("size") or services.default_sample_size(),
                             seed=data.get("seed"))
        return self._detail(claim)

    @extend_schema(request=VerdictInput, responses=ClaimFamilyOutput)
    @action(detail=True, methods=["post"])
    def verdicts(self, request, pk=None):
        claim = self._claim(pk)
        policy.require(request.user, Action.VERIFY_CLAIM, claim)
        data = validated(VerdictInput, request.data)
        row = _row(request, claim, data["claim_family"])
        done = services.verify_family(user=request.user, claim=claim, claim_family=row,
                                      passed=data["passed"], reason=data["reason"])
        return Response(ClaimFamilyOutput(done).data)

    @extend_schema(request=None, responses=ClaimDetailOutput)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        claim = self._claim(pk)
        policy.require(request.user, Action.VERIFY_CLAIM, claim)
        services.approve(user=request.user, claim=claim)
        return self._detail(claim)

    @extend_schema(request=RemoveInput, responses=ClaimFamilyOutput)
    @action(detail=True, methods=["post"], url_path="remove-family")
    def remove_family(self, request, pk=None):
        claim = self._claim(pk)
        policy.require(request.user, Action.PREPARE_CLAIM)
        data = validated(RemoveInput, request.data)
        row = _row(request, claim, data["claim_family"])
        services.remove_family(user=request.user, claim=claim, claim_family=row,
                               reason=data["reason"])
        row.refresh_from_db()
        return Response(ClaimFamilyOutput(row).data)

    @extend_schema(request=PaymentInput, responses={201: ClaimPaymentOutput})
    @action(detail=True, methods=["post"])
    def payments(self, request, pk=None):
        claim = self._claim(pk)
        policy.require(request.user, Action.RECORD_CLAIM_PAYMENT, claim)
        data = validated(PaymentInput, request.data)
        payment = services.record_payment(user=request.user, claim=claim, **data)
        return Response(ClaimPaymentOutput(payment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=["csv", "xlsx"], required=False,
                             description="The file: csv (default) or xlsx"),
            OpenApiParameter("layout", str, required=False,
                             description="A column layout's code (default: the default one)"),
        ],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
                   (200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        claim = self._claim(pk)
        kind = request.query_params.get("kind", "csv")
        if kind not in ("csv", "xlsx"):
            raise serializers.ValidationError({"kind": ["Choose csv or xlsx."]})
        code = request.query_params.get("layout")
        layout = selectors.layouts().filter(code=code).first() if code else \
            selectors.layouts().filter(is_default=True).first()
        if layout is None:
            raise serializers.ValidationError(
                {"layout": ["No column layout with this code."]}, code="does_not_exist")
        services.record_export(user=request.user, claim=claim, layout=layout, fmt=kind)
        rows = export.table(selectors.in_claim(claim), layout.columns)
        if kind == "csv":
            body, content_type = export.to_csv(rows), "text/csv; charset=utf-8"
        else:
            body, content_type = export.to_xlsx(rows, title="Claim"), XLSX_TYPE
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = \
            f'attachment; filename="{export.filename(claim, kind)}"'
        return response


router.register("results/claims", ClaimViewSet, basename="results-claim")
