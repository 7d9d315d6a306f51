"""API for documents: a family's documents (list, upload), one document (details, audited
download, delete with a reason). The same services, selectors and policy actions as the pages;
an upload is multipart (the one body that is not JSON) and is scanned by clamd or refused."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from earlyhelp.access import policy
from earlyhelp.access.scoping import get_visible_or_404, visible_families
from earlyhelp.api.base import validated
from earlyhelp.api.parsers import check as check_body
from earlyhelp.api.router import router
from earlyhelp.core import audit

from . import selectors, services
from .models import Document


class DocumentOutput(serializers.ModelSerializer):
    added_by = serializers.StringRelatedField(source="created_by")
    added_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Document
        fields = ["id", "family", "episode", "title", "original_name", "content_type", "size",
                  "sha256", "scan_result", "scanned_at", "added_by", "added_at"]


class UploadInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    episode = serializers.UUIDField(required=False, allow_null=True,
                                    help_text="attach to one of the family's episodes")
    file = serializers.FileField(help_text="PDF, PNG, JPEG, Word (.docx) or plain text; "
                                           "scanned for viruses before it is kept")


class DeleteInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


FAMILY = OpenApiParameter("family_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


@extend_schema(parameters=[FAMILY])
class FamilyDocumentViewSet(viewsets.GenericViewSet):
    """A family's documents, newest first, and the upload of a new one."""

    serializer_class = DocumentOutput
    queryset = Document.objects.none()  # for the schema; the calls read through the selectors
    parser_classes = [MultiPartParser]

    def _family(self, family_id):
        return get_visible_or_404(visible_families(self.request.user), pk=family_id)

    def list(self, request, family_id=None):
        family = self._family(family_id)
        documents = selectors.family_documents(user=request.user, family=family)
        audit.record_view(user=request.user, obj=family, family_id=family.pk,
                          detail="documents (API)")
        page = self.paginate_queryset(documents)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request={"multipart/form-data": UploadInput},
                   responses={201: DocumentOutput})
    def create(self, request, family_id=None):
        """Type judged by content, size capped, scanned by clamd: an infected file, or one the
        scanner could not check, is a 400 on `file` and nothing is kept (fail closed)."""
        family = self._family(family_id)
        # The policy before the body is read: a refused caller's file is never parsed.
        policy.require(request.user, policy.Action.ADD_DOCUMENT, family)
        check_body({k: v for k, v in request.data.items() if k != "file"})
        data = validated(UploadInput, request.data)
        episode = None
        if data.get("episode"):
            episode = family.episodes.filter(pk=data["episode"]).first()
            if episode is None:
                raise serializers.ValidationError(
                    {"episode": ["Choose an episode of this family"]}, code="does_not_exist")
        document = services.upload_document(user=request.user, family=family, episode=episode,
                                            title=data["title"], upload=data["file"])
        return Response(DocumentOutput(document).data, status=status.HTTP_201_CREATED)


class DocumentViewSet(viewsets.GenericViewSet):
    """One document: its details, its file (every download audited), its deletion."""

    serializer_class = DocumentOutput
    queryset = Document.objects.none()

    def retrieve(self, request, pk=None):
        document = selectors.document_for(user=request.user, document_id=pk)
        audit.record_view(user=request.user, obj=document, family_id=document.family_id,
                          detail="document details")
        return Response(DocumentOutput(document).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(
        OpenApiTypes.BINARY, description="the file as it was uploaded")})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        document, handle = selectors.open_download(user=request.user, document_id=pk)
        response = FileResponse(handle, as_attachment=True, filename=document.original_name,
                                content_type=document.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(request=DeleteInput, responses=DocumentOutput)
    @action(detail=True, methods=["post"], url_path="delete")
    def remove(self, request, pk=None):
        """Soft delete with a reason: the uploader or a team manager."""
        document = selectors.document_for(user=request.user, document_id=pk)
        policy.require(request.user, policy.Action.DELETE_DOCUMENT, document)
        data = validated(DeleteInput, request.data)
        document = services.delete_document(user=request.user, document=document,
                                            reason=data["reason"])
        return Response(DocumentOutput(document).data)


router.register(r"families/(?P<family_id>[^/.]+)/documents", FamilyDocumentViewSet,
                basename="family-documents")
router.register(r"documents", DocumentViewSet, basename="documents")
