from django import forms
from django.core.exceptions import ValidationError

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AsOfForm(forms.Form):
    as_of = forms.DateField(required=False, label="Status as of", widget=DATE)


class CompareForm(forms.Form):
    start = forms.DateField(label="From", widget=DATE)
    end = forms.DateField(label="To", widget=DATE)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            raise ValidationError("The second date must not be before the first.", code="reversed")
        return cleaned


class AxesForm(forms.Form):
    """Which two of the plan's frameworks the coverage matrix sets against each other."""

    rows = forms.ChoiceField(label="Rows")
    columns = forms.ChoiceField(label="Columns")

    def __init__(self, *args, frameworks, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(framework.slug, framework.name) for framework in frameworks]
        self.fields["rows"].choices = self.fields["columns"].choices = choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rows") and cleaned.get("rows") == cleaned.get("columns"):
            raise ValidationError("Choose two different frameworks.", code="same_framework")
        return cleaned
