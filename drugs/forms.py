"""Forms: admin forms that edit structured rows through one friendly field, the form readers
use to report a problem with a monograph section, and what the public pages read from their
query strings."""

import re
import string

from django import forms
from django.core.exceptions import ValidationError

from drugs import checker, feedback
from drugs.converter import UNITS
from drugs.dosing import parse_strength
from drugs.models import AZCursor, Formulation, Interaction, Strength
from medguide.editorial.autocomplete import PreloadedAutocompleteForm
from medguide.editorial.caching import QueryForm, QueryList, QueryText
from medguide.editorial.paging import page_number

# Strengths are separated by ";" or by a comma that is not a thousands separator: "400 mg,
# 800 mg" is two strengths, "1,000 mg" one.
STRENGTH_SEPARATOR = re.compile(r";|(?<!\d),|,(?!\d{3}(?!\d))")


class FormulationForm(forms.ModelForm):
    """Lets editors type a formulation's strengths as the site shows them, "5 mg, 10 mg, 20
    mg", in the drug page; they are saved as Strength rows."""

    strengths = forms.CharField(
        max_length=500,
        required=False,
        help_text='As the page shows them, separated by commas: "400 mg, 800 mg" or "5 mg/5 mL". '
        "Leave empty when the source does not state them.",
    )

    class Meta:
        model = Formulation
        fields = ["dosage_form", "route", "release", "brand", "notes", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["strengths"] = ", ".join(str(s) for s in self.instance.strengths.all())

    def clean_strengths(self):
        text = self.cleaned_data["strengths"]
        parts = [part for part in STRENGTH_SEPARATOR.split(text) if part.strip()]
        errors, parsed = [], []
        for part in parts:
            try:
                strength = parse_strength(part)
            except ValueError as error:
                errors.append(str(error))
                continue
            if strength in parsed:
                errors.append(f'"{part.strip()}" is listed twice.')
            parsed.append(strength)
        if errors:
            raise ValidationError(errors)
        return parsed

    def save(self, commit=True):
        formulation = super().save(commit=commit)
        if commit:
            self.save_strengths()
        else:
            save_m2m = self.save_m2m

            def save_m2m_and_strengths():
                save_m2m()
                self.save_strengths()

            self.save_m2m = save_m2m_and_strengths
        return formulation

    def save_strengths(self) -> None:
        if "strengths" not in self.changed_data:
            return
        self.instance.strengths.all().delete()
        Strength.objects.bulk_create(
            Strength(
                formulation=self.instance,
                amount=s.amount,
                unit=s.unit,
                per_amount=s.per_amount,
                per_unit=s.per_unit,
            )
            for s in self.cleaned_data["strengths"]
        )


class DistinctRowsFormSet(forms.BaseInlineFormSet):
    """Refuses two rows that mean the same thing in one submission.

    The database holds these rules as constraints, but Django's formsets only compare rows
    for plain unique fields, so a duplicate typed twice on one page would reach the database.
    """

    duplicate_message = "The same entry appears twice."

    def row_key(self, data: dict):
        """(what makes two rows the same, how to name the row), or None to skip the row."""
        raise NotImplementedError

    def clean(self) -> None:
        super().clean()
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.errors:
                continue
            row = self.row_key(data)
            if row is None:
                continue
            key, label = row
            if key in seen:
                raise ValidationError(self.duplicate_message.format(key=label))
            seen.add(key)


class DrugNameFormSet(DistinctRowsFormSet):
    duplicate_message = "The name “{key}” is listed twice."

    def row_key(self, data):
        name = data.get("name", "").strip()
        return (name.casefold(), name) if name else None


class InteractionFormSet(DistinctRowsFormSet):
    duplicate_message = "There are two interactions with {key}; combine them into one."

    def row_key(self, data):
        for field in ("interactant_drug", "interactant_class", "interactant_substance"):
            if data.get(field) is not None:
                return (field, data[field].pk), str(data[field])
        return None


class InteractionForm(PreloadedAutocompleteForm):
    """An interaction an editor changes becomes theirs: imports never overwrite it again."""

    class Meta:
        model = Interaction
        fields = "__all__"

    def save(self, commit=True):
        if self.instance.source and self.has_changed():
            self.instance.source = ""  # editorial from now on; source_id keeps the origin
        return super().save(commit=commit)


class SectionFeedbackForm(forms.Form):
    """A reader's report on one section of a monograph; `sections` are the page's own."""

    section = forms.ChoiceField(
        label="Which section",
        error_messages={"invalid_choice": "Choose a section that is on this page."},
    )
    message = forms.CharField(
        label="What is wrong or unclear?",
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=feedback.MESSAGE_MIN_LENGTH,
        max_length=feedback.MESSAGE_MAX_LENGTH,
        strip=True,
        error_messages={
            "required": "Tell us what is wrong or unclear.",
            "min_length": "Tell us a little more: at least %(limit_value)d characters.",
            "max_length": "Please keep it shorter: at most %(limit_value)d characters "
            "(you wrote %(show_value)d).",
        },
    )
    email = forms.EmailField(
        label="Your email (optional)",
        max_length=254,
        required=False,
        help_text="Only if you would like a reply. We use it for nothing else.",
        error_messages={
            "invalid": "Enter an email address like name@example.org, or leave it empty."
        },
    )
    # The honeypot: hidden from people, so only robots fill it in (see the template).
    website = forms.CharField(label="Leave this empty", required=False)

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = {section.anchor: section.title for section in sections}
        self.fields["section"].choices = list(self.sections.items())

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(feedback.HONEYPOT_FIELD, ""))

    @property
    def section_title(self) -> str:
        return self.sections.get(self.cleaned_data.get("section", ""), "")


# Query strings (medguide.editorial.caching.QueryForm): each value cleaned to what the page does
# with it, so that the page cache stores one page for the addresses that mean the same.

INITIALS = frozenset(string.ascii_lowercase)
ROW_ID = re.compile(r"[1-9][0-9]{0,18}")  # a row's id as str(pk) writes it


def row_id(text: str | None) -> str:
    """The id as given, or "" for anything that is no row's id: both choose no row."""
    return text if text is not None and ROW_ID.fullmatch(text) else ""


class PageQuery(QueryForm):
    """?page= for Django's paginator, as sent: a page that does not exist is a 404."""

    page = QueryText()


class NearestPageQuery(QueryForm):
    """?page= on a class or condition page: a page number, which the view brings within the
    pages there are; anything else is the first page."""

    page = QueryText()

    def clean_page(self) -> int:
        return page_number(self.cleaned_data["page"])


class DrugIndexQuery(QueryForm):
    """/drugs/?letter=b&cursor=…: the A–Z's letter, or its first two letters ("cy"), ""
    when it is missing or is not one or two Latin letters, and where its page is read from
    (an AZCursor its links carry; None, the first page, for anything else). ?page=, which its
    pages once had, is not read: an old link to a page number shows the first page."""

    letter = QueryText()
    cursor = QueryText(keep=AZCursor.LONGEST + 1)

    def clean_letter(self) -> str:
        letter = (self.cleaned_data["letter"] or "").strip().lower()
        return letter if 1 <= len(letter) <= 2 and set(letter) <= INITIALS else ""

    def clean_cursor(self) -> AZCursor | None:
        return AZCursor.parse(self.cleaned_data["cursor"] or "")


class MonographQuery(QueryForm):
    """/drugs/<slug>/: ?view=pro for health professionals, and the liquid-dose converter's
    question, ?liquid=<strength id>&amount=10&unit=mg (drugs.converter.read_converter, which
    shows a message for each bad value). Parameters that are absent stay None."""

    view = QueryText()
    liquid = QueryText()
    amount = QueryText(keep=40)
    unit = QueryText()

    def clean_view(self) -> str:
        return "pro" if self.cleaned_data["view"] == "pro" else ""

    def answers_one_reader(self) -> bool:
        # A converter question, empty or not: clean() leaves amount None only when none is.
        return self.is_valid() and self.cleaned_data["amount"] is not None

    def clean(self):
        data = self.cleaned_data
        if data["liquid"] is None and data["amount"] is None:
            # Nothing asked: the converter is an empty form, whatever the unit says.
            data.update(liquid=None, amount=None, unit=None)
            return data
        data["liquid"] = row_id((data["liquid"] or "").strip())  # "": none of those listed
        data["amount"] = data["amount"] or ""
        unit = data["unit"]
        data["unit"] = "mg" if unit is None else unit if unit in UNITS else ""  # "": no unit
        return data


class DiaryQuery(QueryForm):
    """/drugs/<slug>/diary/?dose=<guideline id>&start=YYYY-MM-DD. The start is kept as typed:
    the page shows it back, with a message when it is no date within a year."""

    dose = QueryText(keep=20)
    start = QueryText(keep=40)

    def clean_dose(self) -> str:
        return row_id(self.cleaned_data["dose"])

    def clean_start(self) -> str:
        return self.cleaned_data["start"] or ""


class CheckerQuery(QueryForm):
    """/interactions/?drugs=a,b,c&add=1: the names (checker.parse_names: tidied, repeats
    dropped, at most MAX_ITEMS) and those past the limit; whether the address already gives
    them as one tidy ?drugs= (the page redirects to it otherwise); ?add, with any value, for
    one more field."""

    drugs = QueryList()
    add = QueryText()

    def clean_add(self) -> bool:
        return self.cleaned_data["add"] is not None

    def clean(self):
        values = self.cleaned_data["drugs"]
        names, left_out = checker.parse_names(values)
        tidy = ",".join([*names, *left_out])
        self.cleaned_data.update(
            drugs=names,
            left_out=left_out,
            is_tidy=len(values) <= 1 and (not values or values[0] == tidy),
        )
        return self.cleaned_data


class FeedbackQuery(QueryForm):
    """/drugs/<slug>/feedback/?section=<anchor>, and ?sent (any value) for the thanks page."""

    section = QueryText()
    sent = QueryText()
