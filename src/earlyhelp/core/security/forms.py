from django import forms


class CodeForm(forms.Form):
    """One box for a code: six digits from the app, or (when verifying) a recovery code."""

    use_required_attribute = False

    code = forms.CharField(
        label="Code",
        max_length=20,
        strip=True,
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "inputmode": "text"}
        ),
    )

    def __init__(self, *args, digits_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.digits_only = digits_only
        if digits_only:
            self.fields["code"].widget.attrs["inputmode"] = "numeric"

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).replace("-", "")
        if self.digits_only and not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the 6-digit code from your authenticator app")
        if not self.digits_only and not (
            (code.isdigit() and len(code) == 6) or (code.isalnum() and len(code) >= 8)
        ):
            raise forms.ValidationError(
                "Enter the 6-digit code from your authenticator app, or a recovery code"
            )
        return code
