"""Administration of the threshold models and needs themes (configuration is data).

Every field carries its own label, so the pages pass axe-core (issue 14): inlines are stacked,
not tabular (a tabular inline's inputs have only a column header, no label), and no list is
editable in place (its inputs have no label either). See
docs/decisions/thresholds-configuration-in-the-admin.md."""

from django.contrib import admin

from .models import Domain, Indicator, Level, NeedTheme, ThresholdModel

HIDDEN = ["created_by", "modified_by", "version"]


class AccessibleAdmin:
    """Admin pages that pass axe: underlined breadcrumb links (see the stylesheet)."""

    class Media:
        css = {"all": ["thresholds/admin.css"]}


class LevelInline(admin.StackedInline):
    model = Level
    extra = 0
    exclude = HIDDEN


class DomainInline(admin.StackedInline):
    model = Domain
    extra = 0
    exclude = HIDDEN


@admin.register(ThresholdModel)
class ThresholdModelAdmin(AccessibleAdmin, admin.ModelAdmin):
    list_display = ["name", "slug", "is_default", "is_active", "suggestion_rule"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [LevelInline, DomainInline]
    exclude = HIDDEN


@admin.register(Indicator)
class IndicatorAdmin(AccessibleAdmin, admin.ModelAdmin):
    list_display = ["text", "domain", "level"]
    list_filter = ["domain__model", "level__rank", "domain"]
    search_fields = ["text"]
    list_select_related = ["domain", "level"]
    exclude = HIDDEN


@admin.register(NeedTheme)
class NeedThemeAdmin(AccessibleAdmin, admin.ModelAdmin):
    list_display = ["name", "code", "cin_factor_codes", "order", "is_active"]
    exclude = HIDDEN
