from django.contrib import admin

from . import services
from .models import CriteriaSet, Criterion, LinkageModel, SourceBatch, TargetingRun


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0
    fields = ("order", "code", "name", "group", "description", "rule")


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_active", "shipped")
    fields = ("code", "name", "description", "eligibility", "family_condition", "is_active")
    inlines = [CriterionInline]


@admin.action(description="Withdraw: leave out of later runs (the file is kept)")
def withdraw(modeladmin, request, queryset):
    for batch in queryset.filter(is_active=True):
        services.batch_withdraw(
            batch=batch, acting_user=request.user, reason="Withdrawn in the administration pages"
        )


@admin.register(SourceBatch)
class SourceBatchAdmin(admin.ModelAdmin):
    list_display = ("source_type", "file_name", "rows", "imported_at", "imported_by", "is_active")
    list_filter = ("source_type", "is_active")
    readonly_fields = [f.name for f in SourceBatch._meta.fields]
    actions = [withdraw]

    def has_add_permission(self, request):
        return False  # batches arrive only through the checked import


@admin.register(LinkageModel)
class LinkageModelAdmin(admin.ModelAdmin):
    list_display = ("version", "description", "trained_on_profiles", "created_at")
    readonly_fields = [f.name for f in LinkageModel._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(TargetingRun)
class TargetingRunAdmin(admin.ModelAdmin):
    list_display = ("created_at", "status", "reference_date", "backend", "model")
    readonly_fields = [f.name for f in TargetingRun._meta.fields]

    def has_add_permission(self, request):
        return False
