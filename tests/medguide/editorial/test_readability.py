"""Reading-ease figures against sentences counted by hand."""

import pytest

from medguide.editorial.readability import admin_summary, count_syllables, meets_target, score

LABEL_SENTENCE = (
    "Baclofen is a centrally acting gamma-aminobutyric acid derivative indicated for the "
    "alleviation of signs and symptoms of spasticity resulting from multiple sclerosis, "
    "particularly for the relief of flexor spasms and concomitant pain, clonus, and "
    "muscular rigidity."
)


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("the", 1),
        ("table", 2),
        ("tables", 2),
        ("wanted", 2),
        ("used", 1),
        ("horses", 2),
        ("makes", 1),
        ("queue", 1),
        ("medicine", 3),
        ("baclofen", 3),
        ("alcohol", 3),
        ("safely", 2),
        ("family", 3),
        ("people", 2),
        ("period", 3),
        ("patient's", 2),
        ("well-known", 2),
        ("10", 1),
    ],
)
def test_syllable_count(word, syllables):
    assert count_syllables(word) == syllables


def test_short_plain_sentence_is_very_easy():
    # 6 words, 1 sentence, 6 syllables: 206.835 - 1.015 * 6 - 84.6 * 1 = 116.145.
    readability = score("The cat sat on the mat.")

    assert (readability.words, readability.sentences, readability.syllables) == (6, 1, 6)
    assert readability.flesch_reading_ease == pytest.approx(116.145)
    assert readability.flesch_kincaid_grade == pytest.approx(-1.45)
    assert readability.band == "very easy"


def test_dosing_instruction_matches_hand_count():
    # 12 words in 2 sentences; take·one·tab-let·by·mouth·twice·a·day + do·not·drink·al-co-hol
    # = 15 syllables. Ease 206.835 - 1.015 * 6 - 84.6 * 1.25; grade 0.39 * 6 + 11.8 * 1.25 - 15.59.
    readability = score("Take one tablet by mouth twice a day. Do not drink alcohol.")

    assert (readability.words, readability.sentences, readability.syllables) == (12, 2, 15)
    assert readability.flesch_reading_ease == pytest.approx(94.995)
    assert readability.flesch_kincaid_grade == pytest.approx(1.5)


def test_label_prose_is_very_difficult():
    readability = score(LABEL_SENTENCE)

    assert readability.band == "very difficult"
    assert readability.flesch_reading_ease < 0
    assert readability.flesch_kincaid_grade > 20


@pytest.mark.parametrize("text", ["", "   ", "Take care.", "<p>Hi <b>there</b></p>"])
def test_text_too_short_to_score(text):
    assert score(text) is None


def test_markdown_syntax_is_not_counted():
    markdown = (
        "# What it is\n\n"
        "Baclofen **relaxes** muscles. See [the label](https://example.org/label.pdf).\n\n"
        "- Take it with food\n"
        "- Do not stop suddenly\n\n"
        "```\ncode = not_prose()\n```\n"
    )
    plain = (
        "What it is. Baclofen relaxes muscles. See the label. Take it with food. "
        "Do not stop suddenly."
    )

    assert score(markdown) == score(plain)
    assert score(markdown).sentences == 5


def test_html_tags_are_not_counted():
    html = "<h2>Dose</h2><p>Take <em>one</em> tablet &amp; wait.</p><ul><li>Drink water</li></ul>"

    assert score(html) == score("Dose. Take one tablet & wait. Drink water.")
    assert (score(html).words, score(html).sentences) == (7, 3)


def test_grade_target_comes_from_settings(settings):
    readability = score("Take one tablet by mouth twice a day. Do not drink alcohol.")

    settings.MEDGUIDE = {**settings.MEDGUIDE, "READING_GRADE_TARGET": 1}
    assert not meets_target(readability)
    settings.MEDGUIDE = {**settings.MEDGUIDE, "READING_GRADE_TARGET": 2}
    assert meets_target(readability)


def test_grade_target_defaults_to_eight():
    assert "grade 8 target" in admin_summary("The cat sat on the mat.")


def test_admin_summary_for_plain_text():
    summary = admin_summary("Take one tablet by mouth twice a day. Do not drink alcohol.")

    assert summary == "Reading ease 95 (very easy) · grade 1.5 — meets the grade 8 target"


def test_admin_summary_for_hard_text_gives_advice(settings):
    settings.MEDGUIDE = {**settings.MEDGUIDE, "READING_GRADE_TARGET": 9}

    summary = admin_summary(LABEL_SENTENCE)

    assert summary.startswith("Reading ease -")
    assert "(very difficult) · grade 2" in summary
    assert summary.endswith("above the grade 9 target: shorter sentences and words help")


def test_admin_summary_of_text_too_short_to_score():
    assert admin_summary("<p>Hi <b>there</b></p>") == "Too short to score"
