"""Administration of caseload weighting (one row of weights, a capacity per worker)."""

from django.contrib import admin

from .models import CaseloadWeights, WorkerCapacity


class AccessibleAdmin:
    """Underlined breadcrumb links, as on the threshold pages (axe link-in-text-block)."""

    class Media:
        css = {"all": ["thresholds/admin.css"]}


@admin.register(CaseloadWeights)
class CaseloadWeightsAdmin(AccessibleAdmin, admin.ModelAdmin):
    list_display = ["__str__", "early_help", "default_capacity", "modified_at"]

    def has_add_permission(self, request):
        return not CaseloadWeights.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkerCapacity)
class WorkerCapacityAdmin(AccessibleAdmin, admin.ModelAdmin):
    list_display = ["user", "capacity", "note"]
    # A plain, labelled select: the admin's autocomplete widget (select2) has no accessible name.
