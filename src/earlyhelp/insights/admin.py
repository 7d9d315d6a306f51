from django.contrib import admin

from .models import IndicatorDefinition


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(admin.ModelAdmin):
    """Targets, thresholds and wording are local decisions: administrators edit them here.
    The code (which computation) and the unit follow the code and cannot be changed."""

    list_display = ["name", "category", "unit", "direction", "target", "red_threshold",
                    "is_active", "order"]
    list_editable = ["target", "red_threshold", "is_active", "order"]
    list_filter = ["category", "is_active", "direction"]
    search_fields = ["name", "code", "definition"]
    readonly_fields = ["code", "unit", "created_at", "modified_at", "version"]
    fields = ["code", "name", "category", "definition", "unit", "direction", "target",
              "red_threshold", "breakdowns", "parameters", "source", "is_active", "order",
              "created_at", "modified_at", "version"]

    def has_add_permission(self, request):
        # A new indicator needs a computation in code first; shipped rows come by migration.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.version += 1
        obj.modified_by = request.user
        super().save_model(request, obj, form, change)
