from django import forms

from earlyhelp.web.forms.base import GovukForm, VersionField, required

from .models import LetterKind


class TemplateForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200,
                           help_text="What workers choose from, for example 'Closure letter "
                                     "(family)'",
                           error_messages=required("Enter a name for the template"))
    kind = forms.ChoiceField(label="Kind of letter", choices=LetterKind.choices,
                             widget=forms.RadioSelect,
                             error_messages=required("Select what kind of letter this is"))
    body = forms.CharField(label="Text of the letter", widget=forms.Textarea(attrs={"rows": 16}),
                           max_length=20000,
                           help_text="Leave a blank line between paragraphs. Put placeholders "
                                     "in double curly brackets, for example {{ family_name }}",
                           error_messages=required("Enter the text of the letter"))
    in_use = forms.BooleanField(label="Workers can make letters from this template",
                                required=False, initial=True)


class EditTemplateForm(TemplateForm):
    seen_version = VersionField("letter template")


class CreateLetterForm(GovukForm):
    template_version = forms.IntegerField(widget=forms.HiddenInput)
