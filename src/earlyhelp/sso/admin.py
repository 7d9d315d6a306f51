"""Single sign-on links in the admin: administrators can see, add and remove them (each change
goes through the services, so it is audited like every other)."""

from django import forms
from django.contrib import admin

from . import services
from .models import ExternalIdentity, LinkSource


class LinkForm(forms.ModelForm):
    provider = forms.ChoiceField(choices=())

    class Meta:
        model = ExternalIdentity
        fields = ["user", "provider", "subject"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [(p.slug, p.name) for p in services.providers()]
        self.fields[
            "subject"
        ].help_text = (
            "The user's identifier at the provider: for Microsoft Entra ID the object ID (oid)."
        )


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    form = LinkForm
    list_display = ["user", "provider", "claim", "subject", "source", "last_sign_in_at"]
    list_filter = ["provider", "source"]
    search_fields = ["user__username", "user__email", "subject"]
    raw_id_fields = ["user"]

    def has_change_permission(self, request, obj=None):
        return False  # a wrong link is removed and made again, both audited

    def save_model(self, request, obj, form, change):
        provider = services.provider_or_404(form.cleaned_data["provider"])
        link = services.link_identity(
            user=form.cleaned_data["user"],
            provider=provider,
            subject=form.cleaned_data["subject"],
            source=LinkSource.ADMINISTRATOR,
            by=request.user,
        )
        obj.pk = link.pk

    def delete_model(self, request, obj):
        services.unlink_identity(link=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for link in queryset:
            services.unlink_identity(link=link, by=request.user)
