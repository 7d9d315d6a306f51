"""Filtering a list by what the user asked for (query parameters, a search form) with a
django-filter FilterSet: a value that cannot be read is refused with a field message – a 400 in
the API, an error on pages – never silently ignored."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet


def filtered(filterset_class, data, queryset: QuerySet) -> QuerySet:
    filterset = filterset_class(data or {}, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError({name: list(messages) for name, messages in filterset.errors.items()})
    return filterset.qs


def only_when_true(queryset, name, value):
    """A yes/no filter that narrows on yes and leaves the list whole otherwise."""
    return queryset.filter(**{name: True}) if value else queryset


class YesNoField(forms.Field):
    """true/false (or 1/0, yes/no); anything else is an error – not read as "no filter"."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        answer = str(value).strip().lower()
        if answer in ("true", "1", "yes"):
            return True
        if answer in ("false", "0", "no"):
            return False
        raise ValidationError("Enter true or false", code="invalid")


class YesNoFilter(django_filters.BooleanFilter):
    field_class = YesNoField


class RecordCodeField(django_filters.fields.ModelChoiceField):
    """A record named by its code: an unknown code is an unknown reference (`does_not_exist`,
    the API's `unknown_reference`), not a malformed value."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "invalid_choice":
                raise
            raise ValidationError(error.messages[0], code="does_not_exist") from None


class RecordCodeFilter(django_filters.ModelChoiceFilter):
    field_class = RecordCodeField
