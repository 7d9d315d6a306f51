"""Administration of panels: their members and meetings (cases and decisions are casework)."""

from django.contrib import admin

from .models import Meeting, Panel, PanelMember

HIDDEN = ["created_by", "modified_by", "version"]


class MemberInline(admin.TabularInline):
    model = PanelMember
    fk_name = "panel"
    extra = 0
    exclude = HIDDEN
    autocomplete_fields = ["user"]


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 0
    exclude = HIDDEN


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "locality", "takes_stuck_cases", "is_active"]
    list_filter = ["kind", "is_active"]
    inlines = [MemberInline, MeetingInline]
    exclude = HIDDEN
