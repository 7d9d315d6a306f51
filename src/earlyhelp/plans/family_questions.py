"""The family's own rating, asked the same way at a review and at closure: who gave it (or that
they did not want to say), a rating per need on the practitioner's 1–10 scale (a child under 8
points at a face), their own words and, at closure only, how satisfied they are.

Plain Django form fields, so any page form may mix them in (the review page here, the closing
page in cases); the answers go to the plans services, which check them again."""

from django import forms

from earlyhelp.core.codes import Rater

from .rules import FACE_LABELS, FACES, SATISFACTION

SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 11)]
DECLINED = "declined"


class FamilyQuestions:
    """Mixed into a GovukForm with `self.needs` set: call add_family_questions() in __init__."""

    def add_family_questions(self, *, at_closure: bool = False) -> None:
        self.fields["family_rater"] = forms.ChoiceField(
            label="Who in the family gave their view?", required=False, widget=forms.RadioSelect,
            choices=[*Rater.choices, (DECLINED, "The family did not want to say")],
            error_messages={"invalid_choice": "Select who in the family gave their view"},
        )
        for need in self.needs:
            self.fields[f"family_{need.pk}"] = forms.TypedChoiceField(
                label=f"The family's rating: {need.theme.name}", required=False, coerce=int,
                empty_value=None, choices=[("", "Not rated"), *SCORE_CHOICES],
                help_text="1 things are very hard – 10 things are fine (for a child 8 or over: "
                          "'how are things with this now?')",
                error_messages={"invalid_choice": f"Rate {need.theme.name} from 1 to 10"},
            )
            self.fields[f"face_{need.pk}"] = forms.ChoiceField(
                label=f"A child under 8: which face? ({need.theme.name})", required=False,
                widget=forms.RadioSelect, choices=list(FACE_LABELS.items()),
                error_messages={"invalid_choice": "Select the sad, in-between or happy face"},
            )
        self.fields["family_words"] = forms.CharField(
            label="In your own words, what has changed?", required=False, widget=forms.Textarea,
        )
        if at_closure:
            self.fields["satisfaction"] = forms.TypedChoiceField(
                label="How satisfied are you with the help you got?", required=False,
                coerce=int, empty_value=None, widget=forms.RadioSelect,
                choices=[*((str(k), v) for k, v in SATISFACTION.items()),
                         ("", "Did not want to say")],
                error_messages={"invalid_choice": "Select how satisfied the family are, "
                                                  "from very dissatisfied to very satisfied"},
            )

    def family_fields(self):
        return [self[name] for need in self.needs
                for name in (f"family_{need.pk}", f"face_{need.pk}")]

    def check_family_answers(self) -> None:
        """In clean(): a rating, words or satisfaction need to say who gave them."""
        data = self.cleaned_data
        rater = data.get("family_rater")
        rated = [need for need in self.needs
                 if data.get(f"family_{need.pk}") is not None or data.get(f"face_{need.pk}")]
        answered = rated or (data.get("family_words") or "").strip() or (
            data.get("satisfaction") is not None)
        if answered and not rater:
            self.add_error("family_rater", "Select who in the family gave their view")
        if rater == DECLINED and answered:
            self.add_error("family_rater", "The family did not want to say: leave their rating, "
                                           "words and satisfaction blank")
        for need in self.needs:
            if data.get(f"face_{need.pk}") and rater and rater != Rater.CHILD_UNDER_8:
                self.add_error(f"face_{need.pk}", "Faces are for a child under 8: give "
                                                  f"{need.theme.name} a rating from 1 to 10")

    def family(self) -> dict | None:
        """The family's view for the services (need -> score): a child under 8's faces land on
        the 1–10 scale. None when nobody in the family was asked."""
        data = self.cleaned_data
        rater = data.get("family_rater")
        if not rater:
            return None
        if rater == DECLINED:
            return {"declined": True}
        scores = {}
        for need in self.needs:
            face = data.get(f"face_{need.pk}")
            score = data.get(f"family_{need.pk}")
            if rater == Rater.CHILD_UNDER_8 and face:
                scores[need] = FACES[face]
            elif score is not None:
                scores[need] = score
        view = {"rater": rater, "words": data.get("family_words", ""), "scores": scores}
        if "satisfaction" in self.fields:
            view["satisfaction"] = data.get("satisfaction")
        return view
