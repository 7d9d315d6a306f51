"""Administration of configuration: localities, organisations, services, teams and users.

Casework (people, families, episodes) is deliberately not here: administrators configure the
system and manage users; they do not see children's records by default."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import CouncilService, Locality, Organisation, Team, User

admin.site.site_header = "earlyhelp administration"
admin.site.site_title = "earlyhelp administration"


@admin.register(Locality)
class LocalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "code", "locality", "is_council"]
    list_filter = ["type", "is_council", "locality"]
    search_fields = ["name", "code"]
    exclude = ["created_by", "modified_by", "version"]


@admin.register(CouncilService)
class CouncilServiceAdmin(admin.ModelAdmin):
    list_display = ["name"]
    exclude = ["created_by", "modified_by", "version"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "service", "locality", "age_focus"]
    list_filter = ["service", "locality"]
    search_fields = ["name"]
    exclude = ["created_by", "modified_by", "version"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "organisation", "team",
                    "is_active"]
    list_filter = ["role", "is_active", "team", "organisation"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        ("Early help", {"fields": ("role", "organisation", "team", "job_title", "phone")}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        ("Early help", {"fields": ("role", "organisation", "team")}),
    )
