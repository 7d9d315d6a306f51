from django import forms
from django.contrib.auth import authenticate

from earlyhelp.web.forms.base import GovukForm, required


class SignInForm(GovukForm):
    username = forms.CharField(label="Username", error_messages=required("Enter your username"))
    password = forms.CharField(
        label="Password",
        widget=forms.PasswordInput,
        error_messages=required("Enter your password"),
        strip=False,
    )

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username and password:
            self.user = authenticate(self.request, username=username, password=password)
            if self.user is None:
                # Same message whether the username exists or not (no account discovery).
                self.add_error("username", "Enter a correct username and password")
        return self.cleaned_data
