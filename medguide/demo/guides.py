"""The seed page's four guides, their categories and bylines, written from public sources.

Drug facts come from the FDA labels the demo monographs use (medguide/demo/baclofen.py,
fluoxetine.py, tizanidine.py) and reference/baclofen-facts.md; advice beyond a label is
attributed by name to the public body that gives it, and each guide lists its sources. No
guide gives a figure its sources do not. The bylines are the editorial team's, not invented
clinicians.
"""

from datetime import UTC, datetime

from medguide.demo.artwork import Artwork, Motif
from medguide.demo.specs import AuthorSpec, CategorySpec, GuideSpec

CATEGORIES = (
    CategorySpec(
        name="Medications",
        slug="medications",
        description=(
            "Guides to single medicines: what they are for, how they are taken, their side "
            "effects and what to watch out for."
        ),
    ),
    CategorySpec(
        name="Conditions",
        slug="conditions",
        description="Guides to health conditions and the everyday choices that affect them.",
    ),
    CategorySpec(
        name="Lifestyle",
        slug="lifestyle",
        description=(
            "Practical advice for daily life while you take a medicine: staying active, "
            "moving safely and looking after yourself."
        ),
    ),
)

EDITORIAL_TEAM = "medguide-editorial-team"

AUTHORS = (
    AuthorSpec(
        name="MedGuide Editorial Team",
        slug=EDITORIAL_TEAM,
        credentials="Editorial team",
        bio=(
            "MedGuide's writers and editors. Guides are written from public sources such as "
            "FDA drug labeling and NHS pages, checked against them, and list them at the end. "
            "We are not clinicians: the guides inform, and do not replace advice from your "
            "own doctor or pharmacist."
        ),
    ),
)

# The site's palette (static/css/site.css): brand blue, link blue, button green, tints.
BRAND = "#0b4f6c"
LINK_BLUE = "#005eb8"
GREEN = "#007f3b"
BLUE_TINT = "#e3eef3"
GREEN_TINT = "#e5f4ec"
PALE = "#f0f4f5"
AMBER = "#ffb81c"
VIOLET = "#4c2c92"
VIOLET_TINT = "#efe9f8"
WHITE = "#ffffff"


def _dailymed(set_id: str) -> str:
    return f"https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid={set_id}"


# The labels the demo monographs cite (medguide/demo/baclofen.py, fluoxetine.py, tizanidine.py).
BACLOFEN_LABEL = _dailymed("00c6c924-ddfd-4a75-afd7-f6561ff9abbc")
FLUOXETINE_LABEL = _dailymed("02283de9-6087-45f7-a9ce-3b082ce860de")
TIZANIDINE_LABEL = _dailymed("01c0d3d3-2373-a1b7-822a-80a66291a248")

ABDOMINAL_PAIN_BODY = f"""\
Baclofen is a prescription muscle relaxant. Its FDA label approves it for **spasticity**, where
muscles tighten and contract on their own: above all the flexor spasms, pain, clonus and
rigidity of multiple sclerosis. The label adds that it may be of some value in spinal cord
injuries and other spinal cord diseases. This guide sets out what the labels do and do not say,
for anyone who hears of baclofen as an option for long-lasting (chronic) abdominal pain.

## Is baclofen approved for abdominal pain?

No. Chronic abdominal pain is not one of the uses the FDA has approved for baclofen, and its
labels give no dose for it. Prescribing a medicine for something its label does not cover is
called **off-label use**. Prescribers may do it, but the studies behind the label do not speak
to that use.

So whether baclofen helps abdominal pain, and how much, is a question for your clinician, not
for this page. Ask what evidence there is for your situation, what result to expect, how long a
trial should last and how you will both tell whether it is working. MedGuide has no labeling
source on baclofen for abdominal pain, so we give no study results and no dose for it here.

## How baclofen works

The label says its exact action is not fully understood. Baclofen is similar to GABA, a natural
chemical messenger that calms nerve activity. It damps down reflexes in the spinal cord,
probably by stimulating GABA-B receptors, and it may also act in the brain.

## How the label doses it, for spasticity

For spasticity, the tablet label starts low and builds up in steps of 5 mg per dose every
3 days:

| Days | Dose |
|---|---|
| 1 to 3 | 5 mg three times a day |
| 4 to 6 | 10 mg three times a day |
| 7 to 9 | 15 mg three times a day |
| 10 to 12 | 20 mg three times a day |

The best dose is usually 40–80 mg a day, and the total should never go above 80 mg a day
(20 mg four times a day). The aim is the lowest dose that works. If there is no benefit after a
reasonable trial, the label says to withdraw baclofen slowly. These figures are for spasticity;
a plan for any other use is one your prescriber makes with you.

## Side effects

The labels list drowsiness, dizziness, weakness, nausea, confusion, low blood pressure,
headache, trouble sleeping, constipation, passing urine more often and tiredness as the most
common side effects. Drowsiness is the most frequent. Baclofen can also make psychotic
disorders, schizophrenia or states of confusion worse.

Nausea and constipation are on that list, so note any new stomach or bowel symptom and when it
started, and tell your clinician: it helps them tell a side effect from the pain being treated.

## Never stop suddenly

Stopping baclofen suddenly has caused hallucinations and seizures, as well as high fever,
confusion, a strong return of spasticity and muscle stiffness, and rarely muscle breakdown,
organ failure and death. Unless a serious side effect means it must stop at once, the dose is
lowered slowly; the NHS describes lowering it gradually over about 1 to 2 weeks. Don't let your
supply run out, and if it does not seem to help, ask your prescriber how to come off it rather
than stopping on your own.

## Alcohol and other sedating medicines

Alcohol and other medicines that slow the brain, such as opioid painkillers, benzodiazepines,
sedatives and tranquilizers, add to baclofen's drowsiness. With an opioid, the Canadian label
warns of dangerously slow breathing, deep sedation, fainting and death. Tell your prescriber
about every painkiller and sedating medicine you take, including ones bought without a
prescription, and avoid alcohol.

## Kidney problems

Baclofen leaves the body mostly unchanged through the kidneys. The label says to give it with
caution to people with kidney problems, and that the dose may need to be lowered. Tell your
prescriber about any kidney problem before you start.

## How it compares with other treatments

The FDA labels do not compare baclofen with any treatment for stomach or bowel conditions, and
we have no sourced comparison to offer. The right treatment depends on the cause of the pain,
which needs a diagnosis first. Your doctor or a gastroenterologist can explain the options for
your condition, and where an off-label medicine such as baclofen would fit among them.

## Practical tips

- Take baclofen with food or a full glass of water if it upsets your stomach.
- Keep a medication diary: each dose, the time, your pain and any new symptoms. It helps your
  prescriber adjust the dose and judge whether it is working.
- Don't drive or use machines while you feel drowsy or dizzy.
- Never stop suddenly or change the dose on your own.
- Get emergency help for hallucinations, a seizure, high fever or sudden confusion, or for signs
  of too much baclofen: vomiting, floppy muscles, severe drowsiness or slow breathing.

## Sources

- [Baclofen tablets, USP: prescribing information][tablets] (FDA label, via DailyMed): uses,
  dosing, withdrawal, kidney problems.
- [Ozobax (baclofen) oral solution: prescribing information][ozobax] (MedLibrary.org): warnings,
  including psychotic disorders and states of confusion.
- [Baclofen: drug interactions][interactions] (MedLibrary.org): alcohol and CNS depressants.
- [pms-Baclofen (Canadian label)][canada] (MIMS): opioids.
- [About baclofen][nhs] (NHS): lowering the dose over 1 to 2 weeks.
- [Baclofen: adverse reactions, older tablet label][adverse] (GlobalRPh, a copy of the label
  text): common side effects and signs of overdose.

This guide informs; it does not replace advice from your own clinician.

[tablets]: {BACLOFEN_LABEL}
[ozobax]: https://medlibrary.org/lib/rx/meds/ozobax/
[interactions]: https://medlibrary.org/lib/rx/meds/baclofen-8/page/2/
[canada]: https://prdmimsweb.azurewebsites.net/singapore/drug/info/pms-baclofen/dosage
[nhs]: https://www.nhs.uk/medicines/baclofen/about-baclofen/
[adverse]: https://globalrph.com/rx-list/baclofen-drug
"""

EXERCISE_BODY = f"""\
Fluoxetine is a prescription antidepressant of the SSRI type. The warnings on its FDA label do
not mention exercise, but a few of them matter when you are active. This guide sets them out next to
general advice that is widely given. It is not an exercise plan: **talk to your doctor before
you start a new exercise programme**, especially if you have a heart condition or another
illness, or have not been active for a while.

## Talk to your doctor first

Before you start a new programme, or step up the one you have, ask your doctor whether it suits
you. Things from the fluoxetine label worth raising:

- **Your heart.** Heart rhythm problems (QT prolongation) have been reported with fluoxetine.
  The label asks for extra care with a personal or family history of long QT or sudden cardiac
  death, low potassium or magnesium, a recent heart attack or heart failure.
- **Diabetes.** Blood sugar can fall during treatment and rise after stopping, so diabetes
  medicines may need adjusting.
- **Age and water tablets.** Older people and people taking diuretics are more at risk of low
  sodium (see below).

## Alertness and coordination

The label warns that fluoxetine, like other medicines that act on the brain, can impair
judgement, thinking and motor skills. It advises care with hazardous machinery, including
driving, until you are reasonably sure fluoxetine does not affect you that way. The same care
makes sense for activities that need quick reactions, such as cycling in traffic, climbing or
lifting heavy weights: ease into them until you know how you feel on the medicine.

## Know the signs of low sodium

Fluoxetine can lower the sodium in your blood (hyponatremia). The label says older people, and
people who take diuretics or are otherwise low on body fluid, may be at greater risk. The signs:

- headache
- difficulty concentrating, memory problems or confusion
- weakness, and unsteadiness that can lead to falls

More severe cases have caused hallucinations, fainting, seizures and coma. If you notice these
signs, during exercise or at any other time, stop what you are doing and contact your doctor;
get emergency help for the severe ones. How much to drink during long or hard sessions differs
from person to person, so ask your doctor rather than forcing fluids.

## Bleeding and bruising

SSRIs, fluoxetine included, may increase the risk of bleeding, from bruises and nosebleeds to
life-threatening bleeding. The label says the risk is higher together with NSAIDs (anti-
inflammatory painkillers such as ibuprofen and naproxen), aspirin, warfarin or other medicines
that affect clotting. If you reach for a painkiller for sore muscles, ask a pharmacist which
one suits you first, and tell your doctor about bleeding or bruising that seems unusual.

## A hard workout, or serotonin syndrome?

Serotonin syndrome is a potentially life-threatening reaction reported with fluoxetine alone,
and especially with other medicines that raise serotonin. Some of its signs, such as a fast
heartbeat, sweating, flushing and a high temperature, can look like a hard workout. If they come
with agitation, confusion, hallucinations, shaking, stiff or jerking muscles, or a seizure, stop
exercising and get emergency help.

The label names medicines and supplements that add to the risk, among them tryptophan,
St. John's Wort, amphetamines, tramadol, triptans and lithium. Check any sports or herbal
supplement with a pharmacist before you take it with fluoxetine.

## Appetite and weight

Fluoxetine can reduce appetite and cause weight loss, and the label advises keeping an eye on
weight. If you are training harder and eating less, tell your doctor.

## Easing in

General advice, not from the label:

- Start gently and build up gradually.
- Warm up before and cool down after.
- Pick activities you enjoy and can keep up.
- Stop and get medical help if you have chest pain, feel faint or are unusually short of breath.
- Keep taking fluoxetine as prescribed. Don't stop it suddenly: stopping can cause dizziness,
  low or irritable mood, anxiety, headache and other symptoms, so your doctor lowers the dose
  gradually.

## Sources

- [Fluoxetine capsules: prescribing information][label] (FDA label, via DailyMed): cognitive
  and motor impairment, hyponatremia, abnormal bleeding, serotonin syndrome, QT prolongation,
  blood sugar, weight loss and stopping.

The general advice under "Easing in" is widely given and is not from the label. This guide
informs; it does not replace advice from your own clinician.

[label]: {FLUOXETINE_LABEL}
"""

FOOTWEAR_BODY = f"""\
Spasticity, where muscles tighten and contract on their own, can make walking stiff and less
steady. The medicines that ease it can add to that: the FDA labels of baclofen and tizanidine
both warn of effects that matter for your footing. Shoes do not treat stiffness, but stable,
well-fitting shoes are a simple way to make each step a little safer.

## Why footing matters on these medicines

- **Baclofen.** Drowsiness, dizziness and weakness are among its most common side effects, and
  it can lower blood pressure. The labels of the newer oral products also warn of effects on
  posture and balance.
- **Tizanidine.** It can lower blood pressure, and people taking it have fainted; the risk is
  higher when you get up from lying down. Its sleepiness can get in the way of everyday
  activities, and is worst in the first week of raising the dose.

Alcohol and other sedating medicines add to the drowsiness of both.

## What to look for in a shoe

NHS foot health and falls services give modest, practical advice:

- **A fastening you can adjust**, such as laces, buckles or touch-fastening straps, that holds
  the shoe firmly at the heel. Avoid backless shoes and slip-ons: without a fastening, the toes
  curl to hold the shoe on.
- **A low, broad heel.** One NHS trust suggests a heel no higher than 3 cm and warns against a
  narrow heel base.
- **A firm heel counter**, the back of the shoe that cups your heel.
- **Room for your toes**, in length and width.
- **A sole that grips** and bends where your foot bends.

Try shoes on later in the day, when feet tend to be slightly swollen, and walk around in them
for a few minutes to check they do not pinch or rub.

## Braces and orthoses

Your care team may suggest supportive devices, such as braces (orthoses) or insoles, alongside
stretching and physical therapy. Have them assessed and fitted by a professional, such as a
physiotherapist, orthotist or podiatrist, rather than buying or adjusting them on your own. If
you wear orthoses, take them when you try on shoes and take out any removable insole first, so
the fit is right with the device in place. Check your skin for red marks or rubbing, and go back
to the person who fitted the device if it hurts.

## Getting up and moving safely

- Get up slowly after lying or sitting down, especially if you take tizanidine.
- Don't drive or do anything risky while you feel drowsy or dizzy.
- Tell your doctor if you fall, feel faint or notice you are less steady. Don't change or stop
  your medicine on your own: both baclofen and tizanidine are lowered slowly when they are
  stopped.

## Sources

- [Baclofen tablets, USP: prescribing information][baclofen] (FDA label, via DailyMed):
  drowsiness and stopping slowly.
- [Ozobax: safety profile][ozobax] (product website): the newer labels' warnings, including
  posture and balance.
- [Baclofen: adverse reactions, older tablet label][adverse] (GlobalRPh, a copy of the label
  text): drowsiness, dizziness, weakness, low blood pressure.
- [Tizanidine tablets: prescribing information][tizanidine] (FDA label, via DailyMed): low blood
  pressure, fainting, sleepiness, lowering the dose slowly.
- [Footwear][hacw] (Herefordshire and Worcestershire Health and Care NHS Trust): fastenings,
  heel height, room for toes, grip, trying shoes on with orthoses.
- [Foot health to prevent falls][rdash] (Rotherham Doncaster and South Humber NHS Foundation
  Trust): support at the heel, fastenings, low and flat shoes.

This guide informs; it does not replace advice from your own clinician.

[baclofen]: {BACLOFEN_LABEL}
[ozobax]: https://ozobax.com/hcp/safety-profile/
[adverse]: https://globalrph.com/rx-list/baclofen-drug
[tizanidine]: {TIZANIDINE_LABEL}
[hacw]: https://hacw.nhs.uk/footwear
[rdash]: https://www.rdash.nhs.uk/services/specialist-falls/foot-health-to-prevent-falls
"""

SMOKING_BODY = """\
Heart failure means the heart is not pumping blood around the body as well as it should.
Stopping smoking is one of the changes public health bodies advise for people who live with it.
This short guide gives what they say, in their names.

## What smoke does to the heart and blood vessels

- The **CDC** (the US Centers for Disease Control and Prevention) states that cigarette smoking
  causes coronary heart disease, and that it narrows the arteries and so reduces circulation.
- **Heart Failure Matters**, the patient site of the Heart Failure Association of the European
  Society of Cardiology, explains that carbon monoxide in cigarette smoke lowers how much oxygen
  the blood can carry, so the heart has to work harder. Smoking also narrows blood vessels,
  including the heart's own, and raises blood pressure, which makes heart failure symptoms
  worse.
- The **CDC** also states that breathing other people's smoke (secondhand smoke) causes heart
  disease in adults who do not smoke, and that people who already have heart disease are at
  especially high risk from it.

## What they advise

- The **NHS** counts not smoking, with a balanced diet and exercise, as part of a healthy
  lifestyle that can help with the symptoms of heart failure. It suggests speaking to a GP or an
  NHS stop smoking service for help to quit: they can give support and, if needed, prescribe
  stop smoking treatments.
- **Heart Failure Matters** says it is never too late to stop, and that stopping is good for the
  heart.

## Getting help to stop

- Ask your doctor, nurse or pharmacist before you use nicotine replacement or a stop smoking
  medicine, so they can check it suits your heart and your other medicines.
- In the UK, NHS stop smoking services offer support. In the US, the national quitline number
  1-800-QUIT-NOW connects you to your state's quitline.
- Keep taking your heart medicines as prescribed while you quit.

## Sources

- [Heart disease and stroke: smoking and tobacco use][cdc] (CDC).
- [Smoking and vaping][hfm] (Heart Failure Matters, Heart Failure Association of the ESC).
- [Heart failure: living with][nhs-living] and [Heart failure: treatment][nhs-treatment] (NHS).

This guide informs; it does not replace advice from your own clinician.

[cdc]: https://www.cdc.gov/tobacco/basic_information/health_effects/heart_disease/
[hfm]: https://www.heartfailurematters.org/what-you-can-do/smoking-vaping/
[nhs-living]: https://www.nhs.uk/conditions/heart-failure/living-with/
[nhs-treatment]: https://www.nhs.uk/conditions/heart-failure/treatment/
"""


def _at(year: int, month: int, day: int) -> datetime:
    """Guides go out at 09:00 UTC."""
    return datetime(year, month, day, 9, 0, tzinfo=UTC)


GUIDES = (
    GuideSpec(
        title="Baclofen for Chronic Abdominal Pain: Benefits, Risks & Practical Guide",
        slug="baclofen-for-chronic-abdominal-pain",
        # The seed's summary, word for word; the body says the use is off-label.
        summary=(
            "Explore how Baclofen can relieve chronic abdominal pain, its dosing, safety, "
            "evidence, and how it compares to other GI therapies."
        ),
        body=ABDOMINAL_PAIN_BODY,
        category="medications",
        author=EDITORIAL_TEAM,
        published_at=_at(2025, 10, 22),
        tags=("baclofen", "abdominal pain", "off-label use", "medication safety"),
        related_drugs=("baclofen",),
        hero=Artwork(
            seed=20251022,
            motif=Motif.CIRCLES,
            start=BLUE_TINT,
            end=BRAND,
            accents=(WHITE, GREEN, LINK_BLUE),
        ),
        hero_alt=(
            "Abstract illustration: overlapping translucent circles in white, green and blue "
            "on a gradient from pale blue to deep blue."
        ),
    ),
    GuideSpec(
        title="Exercise Tips for Fluoxetine Users",
        slug="exercise-tips-for-fluoxetine-users",
        summary=(
            "Staying active on fluoxetine: what its FDA label says about alertness, low "
            "sodium, bleeding and serotonin syndrome, and why to talk to your doctor before "
            "a new exercise programme."
        ),
        body=EXERCISE_BODY,
        category="lifestyle",
        author=EDITORIAL_TEAM,
        published_at=_at(2025, 8, 19),
        tags=("fluoxetine", "exercise", "SSRIs", "physical activity", "medication safety"),
        related_drugs=("fluoxetine",),
        hero=Artwork(
            seed=20250819,
            motif=Motif.WAVES,
            start=GREEN_TINT,
            end=LINK_BLUE,
            accents=(GREEN, WHITE, BRAND),
        ),
        hero_alt=(
            "Abstract illustration: soft green, white and blue waves flowing across a "
            "gradient from pale green to blue."
        ),
    ),
    GuideSpec(
        title="Footwear Advice for Muscle Stiffness",
        slug="footwear-advice-for-muscle-stiffness",
        summary=(
            "Stiff muscles, and the medicines that ease them, can make you less steady. What "
            "to look for in a shoe, and why braces and orthoses should be fitted by a "
            "professional."
        ),
        body=FOOTWEAR_BODY,
        category="lifestyle",
        author=EDITORIAL_TEAM,
        published_at=_at(2025, 9, 16),
        tags=("footwear", "spasticity", "falls", "baclofen", "tizanidine", "braces"),
        related_drugs=("baclofen", "tizanidine"),
        hero=Artwork(
            seed=20250916,
            motif=Motif.STONES,
            start=PALE,
            end=BRAND,
            accents=(GREEN, AMBER, BLUE_TINT),
        ),
        hero_alt=(
            "Abstract illustration: a rising path of green, amber and pale blue ovals, like "
            "stepping stones, on a gradient from pale grey to deep blue."
        ),
    ),
    GuideSpec(
        title="How Smoking Affects Heart Failure",
        slug="how-smoking-affects-heart-failure",
        summary=(
            "Why public health bodies such as the CDC and the NHS urge people with heart "
            "failure to stop smoking, what smoke does to the heart, and where to get help."
        ),
        body=SMOKING_BODY,
        category="conditions",
        author=EDITORIAL_TEAM,
        published_at=_at(2025, 11, 12),
        tags=("heart failure", "smoking", "stopping smoking", "heart health"),
        # None of the demo drugs is about heart failure; the seed still lists it on baclofen.
        related_drugs=(),
        hero=Artwork(
            seed=20251112,
            motif=Motif.RINGS,
            start=VIOLET_TINT,
            end=BRAND,
            accents=(WHITE, VIOLET),
        ),
        hero_alt=(
            "Abstract illustration: sets of thin concentric rings in white and violet, like "
            "smoke rings, on a gradient from lavender to deep blue."
        ),
    ),
)

# Drug slug → guide slugs, in the order an editor placed them on the drug's page.
CURATED = {
    "baclofen": (
        "baclofen-for-chronic-abdominal-pain",
        "exercise-tips-for-fluoxetine-users",
        "footwear-advice-for-muscle-stiffness",
        "how-smoking-affects-heart-failure",
    ),
}
