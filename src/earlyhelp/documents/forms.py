from django import forms

from earlyhelp.web.forms.base import GovukForm, required


class UploadForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200,
                            help_text="What the document is, for example 'School attendance "
                                      "letter, March'",
                            error_messages=required("Enter a title for the document"))
    episode = forms.ChoiceField(label="Attach to", required=False)
    file = forms.FileField(label="Upload a file", error_messages=required("Select a file"))

    def __init__(self, *args, episodes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.episodes = {str(e.pk): e for e in episodes}
        self.fields["episode"].choices = [("", "The family as a whole")] + [
            (str(e.pk), f"Episode {e.reference}") for e in episodes]

    def clean_episode(self):
        value = self.cleaned_data.get("episode")
        return self.episodes.get(value) if value else None


class DeleteForm(GovukForm):
    reason = forms.CharField(label="Why are you deleting this document?", widget=forms.Textarea,
                             max_length=1000,
                             error_messages=required("Enter why the document is being deleted"))
