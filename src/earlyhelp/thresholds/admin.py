"""Administration of the threshold models and needs themes (configuration is data)."""

from django.contrib import admin

from .models import Domain, Indicator, Level, NeedTheme, ThresholdModel

HIDDEN = ["created_by", "modified_by", "version"]


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0
    exclude = HIDDEN


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    exclude = HIDDEN


@admin.register(ThresholdModel)
class ThresholdModelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_default", "is_active", "suggestion_rule"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [LevelInline, DomainInline]
    exclude = HIDDEN


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["text", "domain", "level"]
    list_filter = ["domain__model", "level__rank", "domain"]
    search_fields = ["text"]
    list_select_related = ["domain", "level"]
    exclude = HIDDEN


@admin.register(NeedTheme)
class NeedThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "cin_factor_codes", "order", "is_active"]
    list_editable = ["order", "is_active"]
    exclude = HIDDEN
