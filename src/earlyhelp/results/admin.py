from django.contrib import admin

from .models import UnitCost, UpratingIndex


@admin.register(UnitCost)
class UnitCostAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "unit", "value", "price_year", "cashable", "illustrative",
                    "is_active")
    list_filter = ("agency", "cashable", "illustrative", "is_active")
    search_fields = ("name", "code", "source")


@admin.register(UpratingIndex)
class UpratingIndexAdmin(admin.ModelAdmin):
    list_display = ("price_year", "factor", "illustrative", "source")
