"""Form plumbing for GOV.UK-styled pages: the date input field and mapping service errors.

Every page form subclasses `GovukForm`; templates render fields with `{% govuk_field %}` and the
summary with `{% govuk_error_summary %}` (see templatetags/govuk.py).
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from earlyhelp.core import dates, limits
from earlyhelp.core.errors import IllegalMove, StaleEdit


def stale_message(what: str = "record") -> str:
    return StaleEdit(what).message


def _limit_text(name: str, field: forms.CharField) -> None:
    """Every text box has a limit (core/limits.py) and says it in the GOV.UK way."""
    if field.max_length is None:
        if not isinstance(field.widget, forms.Textarea):
            return
        field.max_length = limits.limit_for(name)
        field.validators.append(MaxLengthValidator(field.max_length))
    label = str(field.label or "")
    if not label or label.endswith("?") or len(label.split()) > 4:
        # A question reads badly before "must be N characters": name the field instead.
        label = {"text": "The note"}.get(name, name.replace("_", " "))
    field.error_messages["max_length"] = limits.too_long(label, field.max_length)


class VersionField(forms.IntegerField):
    """The version of the record the page showed, posted back hidden. Missing or not a number
    means we cannot tell what the person saw: refused like a stale edit, never a blind write."""

    widget = forms.HiddenInput

    def __init__(self, what: str = "record", **kwargs):
        message = stale_message(what)
        kwargs.setdefault("min_value", 1)
        kwargs["error_messages"] = {
            "required": message, "invalid": message, "min_value": message,
            "max_value": message,
        }
        super().__init__(**kwargs)


class GovukForm(forms.Form):
    """No label colons; browsers' own validation off (the server answers, GOV.UK style)."""

    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._limit_texts()

    def _limit_texts(self):
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField):
                _limit_text(name, field)

    def full_clean(self):
        # Fields a form adds after __init__ (built from the record) get the limits too.
        self._limit_texts()
        super().full_clean()

    def clean(self):
        # A hidden field's error has nowhere to show inline: show it at the top.
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.HiddenInput) and name in self._errors:
                for message in self._errors.pop(name):
                    self.add_error(None, message)
        return super().clean()


    def add_service_error(self, error: Exception) -> None:
        """Show a service's refusal on the form: IllegalMove at the top, field errors inline."""
        if not hasattr(self, "cleaned_data"):
            self.errors  # noqa: B018 - an unbound form gets its (empty) error dict here
            self.cleaned_data = {}
        if isinstance(error, IllegalMove):
            self.add_error(None, error.message)
            return
        if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                target = field if field in self.fields else None
                for err in errors:
                    for message in err.messages:
                        self.add_error(target, message)
            return
        if isinstance(error, ValidationError):
            for message in error.messages:
                self.add_error(None, message)
            return
        raise error


class VersionForm(GovukForm):
    """The confirm button of a "check your answers" page: carries the version it showed."""

    version = VersionField()


class DateInputs(forms.MultiWidget):
    """Three text boxes (day, month, year) named <field>_day, <field>_month, <field>_year."""

    def __init__(self, attrs=None):
        widgets = {
            "day": forms.TextInput(),
            "month": forms.TextInput(),
            "year": forms.TextInput(),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, (list, tuple)):
            return list(value)
        return ["", "", ""]

    def value_from_datadict(self, data, files, name):
        return [(data.get(f"{name}_{part}") or "").strip() for part in ("day", "month", "year")]

    def value_omitted_from_data(self, data, files, name):
        return all(f"{name}_{part}" not in data for part in ("day", "month", "year"))


class GovukDateField(forms.Field):
    """A GOV.UK date input with the Design System's error messages.

    `when` limits the date: "past" (today or before), "future" (after today) or None."""

    widget = DateInputs

    def __init__(self, *, when: str | None = None, name_in_errors: str = "", **kwargs):
        self.when = when
        self.name_in_errors = name_in_errors
        # The parts to highlight after a failed clean (day / month / year), read by the template.
        self.error_parts: tuple[str, ...] = ()
        self.required_message = (kwargs.get("error_messages") or {}).get("required", "")
        super().__init__(**kwargs)

    def _what(self) -> str:
        return self.name_in_errors or str(self.label or "The date")

    def to_python(self, value):
        if isinstance(value, dt.date):
            return value
        day, month, year = (list(value) + ["", "", ""])[:3] if value else ("", "", "")
        parts = {"day": day, "month": month, "year": year}
        if not any(parts.values()):
            return None
        what = self._what()
        missing = [name for name, text in parts.items() if not text]
        if missing:
            self.error_parts = tuple(missing)
            raise ValidationError(f"{what} must include a {' and a '.join(missing)}", "incomplete")
        if not all(text.isdigit() for text in parts.values()):
            self.error_parts = tuple(n for n, t in parts.items() if not t.isdigit())
            raise ValidationError(f"{what} must be a real date", "invalid")
        if len(year) != 4:
            self.error_parts = ("year",)
            raise ValidationError("Year must include 4 numbers", "year")
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError:
            self.error_parts = ("day", "month", "year")
            raise ValidationError(f"{what} must be a real date", "invalid") from None
        return value

    def validate(self, value):
        if value is None:
            if self.required:
                self.error_parts = ("day", "month", "year")
                raise ValidationError(
                    self.required_message or f"Enter {self._what().lower()}",
                    "required",
                )
            return
        today = dates.today()
        if self.when == "past" and value > today:
            self.error_parts = ("day", "month", "year")
            raise ValidationError(f"{self._what()} must be today or in the past", "future")
        if self.when == "future" and value <= today:
            self.error_parts = ("day", "month", "year")
            raise ValidationError(f"{self._what()} must be in the future", "past")
        if value.year < 1900:
            self.error_parts = ("year",)
            raise ValidationError(f"{self._what()} must be after 1900", "too_early")

    def clean(self, value):
        self.error_parts = ()
        return super().clean(value)

    def has_changed(self, initial, data):
        return True


def required(message: str) -> dict:
    """GOV.UK wording for an empty required field, e.g. required("Enter your email address")."""
    return {"required": message}


def user_label(user) -> str:
    """A practitioner in a choice list: their name and their team or organisation."""
    where = (
        user.team.name if user.team_id else (user.organisation.name if user.organisation_id else "")
    )
    return f"{user.display_name} ({where})" if where else user.display_name


class UserChoice(forms.ModelChoiceField):
    """A choice of user, each shown with their organisation: "Pat Practitioner (Oak School)"."""

    def label_from_instance(self, user):
        org = user.organisation.name if user.organisation_id else ""
        return f"{user.display_name}{f' ({org})' if org else ''}"
