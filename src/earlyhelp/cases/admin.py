"""Administration of the journey timescales (one row: configuration is data)."""

from django.contrib import admin

from .models import Timescales


@admin.register(Timescales)
class TimescalesAdmin(admin.ModelAdmin):
    list_display = ["__str__", "assessment_due_days", "first_review_days", "review_interval_days"]

    def has_add_permission(self, request):
        return not Timescales.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
