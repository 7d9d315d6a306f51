"""Administration of frameworks: a council adds its own, or changes the shipped ones (levels,
dimensions, elements, descriptors). Rounds, ratings and the plan are kept on their own pages."""

from django.contrib import admin

from .models import Course, Descriptor, Dimension, Element, Framework, Level, RoleClass

HIDDEN = ["created_by", "modified_by", "version"]


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0
    exclude = HIDDEN


class DimensionInline(admin.TabularInline):
    model = Dimension
    extra = 0
    exclude = HIDDEN


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    exclude = HIDDEN
    inlines = [LevelInline, DimensionInline]


class ElementInline(admin.TabularInline):
    model = Element
    extra = 0
    exclude = HIDDEN


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ["name", "framework", "order"]
    list_filter = ["framework"]
    exclude = HIDDEN
    inlines = [ElementInline]


class DescriptorInline(admin.TabularInline):
    model = Descriptor
    extra = 0
    exclude = HIDDEN


@admin.register(Element)
class ElementAdmin(admin.ModelAdmin):
    list_display = ["name", "dimension", "order"]
    list_filter = ["dimension__framework"]
    exclude = HIDDEN
    inlines = [DescriptorInline]


@admin.register(RoleClass)
class RoleClassAdmin(admin.ModelAdmin):
    list_display = ["job_title", "contact"]
    list_filter = ["contact"]
    exclude = HIDDEN


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "validity_months", "required_for_lead"]
    exclude = HIDDEN
