"""Reading label text: uses listed from Indications and Usage, and the summary naming them."""

from drugs.label_text import LabelUse, label_page, link_uses, parse_uses, uses_summary

# Real label wording (openFDA drug/label, as the import cleans it).
SERTRALINE_OLD = (
    "Major Depressive Disorder – Sertraline hydrochloride is indicated for the treatment of "
    "major depressive disorder in adults. The efficacy of Sertraline hydrochloride in the "
    "treatment of a major depressive episode was established in six to eight week controlled "
    "trials. Obsessive-Compulsive Disorder – Sertraline hydrochloride is indicated for the "
    "treatment of obsessions and compulsions in patients with obsessive-compulsive disorder "
    "(OCD), as defined in the DSM-III-R; i.e., the obsessions or compulsions cause marked "
    "distress. Panic Disorder – Sertraline hydrochloride is indicated for the treatment of "
    "panic disorder in adults, with or without agoraphobia, as defined in DSM-IV."
)
SERTRALINE_NUMBERED = (
    "Sertraline hydrochloride tablets are indicated for the treatment of the following "
    "[see Clinical Studies (14)] : Major depressive disorder (MDD) ( 1 ) Obsessive-compulsive "
    "disorder (OCD) ( 1 ) Panic disorder (PD) ( 1 ) Posttraumatic stress disorder (PTSD) ( 1 )"
    "\n\nMajor Depressive Disorder Sertraline hydrochloride tablets are indicated for the "
    "treatment of major depressive disorder (MDD) in adults."
)
WARFARIN = (
    "Warfarin sodium tablets are indicated for: Prophylaxis and treatment of venous thrombosis "
    "and its extension, pulmonary embolism (PE). Prophylaxis and treatment of thromboembolic "
    "complications associated with atrial fibrillation (AF) and/or cardiac valve replacement. "
    "Limitations of Use Warfarin sodium tablets have no direct effect on an established "
    "thrombus. Warfarin sodium tablets are a vitamin K antagonist indicated for: Prophylaxis and "
    "treatment of venous thrombosis and its extension, pulmonary embolism ( 1 ) Prophylaxis and "
    "treatment of thromboembolic complications associated with atrial fibrillation and/or "
    "cardiac valve replacement ( 1 ) Limitations of Use Warfarin sodium tablets have no direct "
    "effect on an established thrombus. ( 1 )"
)
NAPROXEN_BULLETS = (
    "Naproxen tablets are indicated for: the relief of the signs and symptoms of: • rheumatoid "
    "arthritis • osteoarthritis Naproxen tablets are also indicated for: the relief of signs "
    "and symptoms of: • tendonitis • acute gout the management of: • pain • primary "
    "dysmenorrhea"
)
OXYCODONE = (
    "Oxycodone hydrochloride tablets are indicated for the management of pain severe enough to "
    "require an opioid analgesic and for which alternative treatments are inadequate. "
    "Limitations of Use Because of the risks of addiction, reserve opioid analgesics for use "
    "in patients for whom alternative treatment options are ineffective."
)
IBUPROFEN_OTC = "temporarily relieves minor aches and pains due to: headache toothache backache"


def texts(uses):
    return [use.text for use in uses]


def test_old_format_sections_give_one_use_each_without_definitions():
    assert texts(parse_uses(SERTRALINE_OLD)) == [
        "major depressive disorder in adults",
        "obsessions and compulsions in patients with obsessive-compulsive disorder (OCD)",
        "panic disorder in adults, with or without agoraphobia",
    ]


def test_a_marked_highlights_list_wins_and_repeats_are_dropped():
    uses = parse_uses(SERTRALINE_NUMBERED)
    assert texts(uses) == [
        "Major depressive disorder (MDD)",
        "Obsessive-compulsive disorder (OCD)",
        "Panic disorder (PD)",
        "Posttraumatic stress disorder (PTSD)",
    ]
    assert {use.lead for use in uses} == {"for the treatment of the following"}


def test_a_list_stops_at_the_limitations_of_use():
    assert texts(parse_uses(WARFARIN)) == [
        # The Highlights' list, marked item by item, is preferred to the full text's.
        "Prophylaxis and treatment of venous thrombosis and its extension, pulmonary embolism",
        "Prophylaxis and treatment of thromboembolic complications associated with atrial "
        "fibrillation and/or cardiac valve replacement",
    ]


def test_bullets_keep_the_lead_of_their_own_list():
    uses = parse_uses(NAPROXEN_BULLETS)
    assert [(u.lead, u.text) for u in uses] == [
        ("for the relief of the signs and symptoms of", "rheumatoid arthritis"),
        ("for the relief of the signs and symptoms of", "osteoarthritis"),
        ("for the relief of signs and symptoms of", "tendonitis"),
        ("for the relief of signs and symptoms of", "acute gout"),
        ("for the management of", "pain"),
        ("for the management of", "primary dysmenorrhea"),
    ]


def test_one_sentence_use_and_not_its_limitations():
    assert parse_uses(OXYCODONE) == [
        LabelUse(
            "pain severe enough to require an opioid analgesic and for which alternative "
            "treatments are inadequate",
            "for the management of",
        )
    ]


def test_text_without_indicated_gives_no_uses_so_the_label_is_quoted():
    assert parse_uses(IBUPROFEN_OTC) == []
    assert uses_summary("Ibuprofen", []) == ""


def test_summary_names_every_use_and_says_it_is_from_the_label():
    summary = uses_summary("Sertraline", parse_uses(SERTRALINE_OLD))
    assert summary == (
        "According to its FDA label, sertraline is used for the treatment of: major depressive "
        "disorder in adults; obsessions and compulsions in patients with obsessive-compulsive "
        "disorder (OCD); panic disorder in adults, with or without agoraphobia."
    )


def test_summary_counts_the_uses_it_has_no_room_to_name():
    uses = [LabelUse(f"condition number {n}", "for the treatment of") for n in range(60)]
    summary = uses_summary("Examplinib", uses, limit=200)
    assert summary.endswith("other uses listed on this page.")
    assert len(summary) < 300


class Source:
    def __init__(self, name, brands, **sections):
        self.generic_name_raw, self.brand_names_raw, self.sections = name, brands, sections


def test_label_page_names_the_product_only_when_labels_differ():
    page = label_page(
        [
            Source("baclofen", [], boxed_warning="Do not stop abruptly.", contraindications="X."),
            Source("baclofen", ["Ozobax"], contraindications="X."),
        ]
    )
    assert [(p.text, p.product) for p in page.boxed_warnings] == [
        ("Do not stop abruptly.", "baclofen")
    ]
    assert [(p.text, p.product) for p in page.contraindications] == [("X.", "")]


def test_uses_link_the_longest_condition_name_they_contain():
    uses = parse_uses(SERTRALINE_OLD)
    linked = link_uses(
        uses, [("depression", ["Depression"]), ("mdd", ["Major depressive disorder"])]
    )
    assert (linked[0].before, linked[0].named, linked[0].after, linked[0].url) == (
        "",
        "major depressive disorder",
        " in adults",
        "mdd",
    )
    assert linked[1].url is None
