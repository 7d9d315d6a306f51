"""Administration of the service directory (the administrator keeps the offer up to date).

Referrals are casework: they are changed through the pages and API (consent checks, provider
rules, audit), never here."""

from django.contrib import admin

from .models import CostOption, Location, Schedule, Service, ServiceContact, ServiceLevel, Taxonomy

HIDDEN = ["created_by", "modified_by", "version"]


class LevelInline(admin.TabularInline):
    model = ServiceLevel
    extra = 0


class ContactInline(admin.TabularInline):
    model = ServiceContact
    extra = 0


class ScheduleInline(admin.TabularInline):
    model = Schedule
    extra = 0


class CostInline(admin.TabularInline):
    model = CostOption
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organisation",
        "provider_kind",
        "status",
        "capacity",
        "places_in_use",
        "waiting_days",
        "evidence_rating",
    ]
    list_filter = ["status", "provider_kind", "themes", "accepts_referrals"]
    search_fields = ["name", "description", "organisation__name"]
    filter_horizontal = ["themes", "unsafe_with", "localities", "taxonomies"]
    readonly_fields = ["places_in_use", "waiting_days"]
    inlines = [LevelInline, ContactInline, ScheduleInline, CostInline]
    exclude = HIDDEN


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "postcode", "locality"]
    search_fields = ["name", "postcode"]
    exclude = HIDDEN


@admin.register(Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name", "vocabulary", "term_id"]
    search_fields = ["name", "term_id"]
    exclude = HIDDEN
