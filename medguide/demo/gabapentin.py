"""Gabapentin, from its FDA label (gabapentin capsules, openFDA set 01b810b7)."""

from drugs.models import DosageForm, FrequencyBand, Population, Seriousness, Severity
from medguide.demo.specs import (
    DoseSpec,
    DrugSpec,
    FormulationSpec,
    IndicationSpec,
    InteractionSpec,
    SideEffectSpec,
    fda_label,
    paragraphs,
)

DRUG = DrugSpec(
    generic_name="Gabapentin",
    slug="gabapentin",
    classes=("antiepileptic-drugs",),
    summary=(
        "Gabapentin is a prescription medicine for nerve pain after shingles (postherpetic "
        "neuralgia) in adults. Added to other seizure medicines, it also treats partial-onset "
        "seizures in adults and children aged 3 and over with epilepsy. It comes as capsules "
        "taken by mouth."
    ),
    warnings=paragraphs(
        "Serious allergic reactions. Gabapentin can cause DRESS, a reaction that can be "
        "life-threatening, with fever, rash or swollen glands together with problems in "
        "organs such as the liver, kidneys, blood, heart or muscles. It can also cause "
        "anaphylaxis and swelling of the lips, throat and tongue, after the first dose or at "
        "any time. Stop it and get medical help at once.",
        "Driving, sleepiness and dizziness. Gabapentin may seriously impair driving, and "
        "people cannot always judge how impaired they are. Don't drive or use complex "
        "machinery until you know how it affects you.",
        "Breathing. Serious, sometimes fatal, slowed breathing has been reported when "
        "gabapentin is taken with opioids or other medicines that slow the brain, or by "
        "people whose breathing is already weak. A low starting dose and close watching are "
        "advised.",
        "Suicidal thoughts. Antiepileptic drugs, gabapentin included, slightly raise the risk "
        "of suicidal thoughts or behavior, from as early as one week after starting. Watch "
        "for new or worse depression, unusual changes in mood or behavior, or thoughts of "
        "self-harm, and report them at once.",
        "Children aged 3 to 12. Gabapentin can cause mood swings, hostility or aggression, "
        "concentration problems with changes in school work, and restlessness or "
        "hyperactivity.",
        "Stopping. Stopping suddenly can make seizures more frequent in people with epilepsy.",
        "Other findings. Gabapentin caused pancreatic tumors in rats; what this means for "
        "people is unknown. A urine protein dipstick test can give a false positive result.",
    ),
    contraindications=(
        "Do not take gabapentin if you have had an allergic reaction to gabapentin or to any "
        "ingredient of the capsules."
    ),
    stopping=(
        "Lower the dose, stop, or switch to another medicine gradually, over at least 1 week "
        "(longer if your prescriber decides). Stopping suddenly can make seizures more "
        "frequent in people with epilepsy."
    ),
    practical_tips=(
        "Swallow the capsules whole with water, with or without food.",
        "Don't drive until you know how gabapentin affects you; you may not notice how "
        "impaired you are.",
        "Take gabapentin at least 2 hours after an antacid such as Maalox.",
        "For seizures, don't leave more than 12 hours between doses.",
        "Tell a healthcare professional at once about new or worse low mood or thoughts of "
        "self-harm.",
    ),
    indications=(
        IndicationSpec("postherpetic-neuralgia", notes="Postherpetic neuralgia in adults."),
        IndicationSpec(
            "epilepsy",
            notes=(
                "Added to other treatment for partial-onset seizures, with or without "
                "secondary generalization, in adults and children aged 3 and over. Children "
                "aged 3 to 11 start on 10 to 15 mg/kg a day in three doses, raised over about "
                "3 days to 40 mg/kg a day (ages 3 to 4) or 25 to 35 mg/kg a day (ages 5 to 11), "
                "in three doses."
            ),
        ),
    ),
    doses=(
        DoseSpec(
            population=Population.ADULT,
            condition="postherpetic-neuralgia",
            dosage_form=DosageForm.CAPSULE,
            start_amount=300,
            times_per_day=3,
            usual_min_per_day=900,
            usual_max_per_day=1800,
            notes=(
                "Build up over 3 days: 300 mg once on day 1, 300 mg twice on day 2, and 300 mg "
                "three times on day 3. Then it can be raised as needed for pain relief to "
                "1800 mg a day (600 mg three times a day). Doses up to 3600 mg a day were "
                "studied, but more than 1800 mg a day did not add benefit."
            ),
        ),
        DoseSpec(
            population=Population.ADULT,
            condition="epilepsy",
            dosage_form=DosageForm.CAPSULE,
            start_amount=300,
            times_per_day=3,
            usual_min_per_day=900,
            usual_max_per_day=1800,
            notes=(
                "For people aged 12 and over: the maintenance dose is 300 mg to 600 mg three "
                "times a day, using 300 mg or 400 mg capsules. Up to 2400 mg a day has been "
                "well tolerated long term, and 3600 mg a day for short periods. Leave no more "
                "than 12 hours between doses."
            ),
        ),
        DoseSpec(
            population=Population.KIDNEY,
            dosage_form=DosageForm.CAPSULE,
            start_amount=200,
            times_per_day=2,
            usual_min_per_day=400,
            usual_max_per_day=1400,
            notes=(
                "Creatinine clearance above 30 and up to 59 mL/min: 200 mg to 700 mg twice a "
                "day. Older people often have lower kidney function, so their dose is based on "
                "it too."
            ),
        ),
        DoseSpec(
            population=Population.KIDNEY,
            dosage_form=DosageForm.CAPSULE,
            start_amount=200,
            times_per_day=1,
            usual_min_per_day=200,
            usual_max_per_day=700,
            notes="Creatinine clearance above 15 and up to 29 mL/min: 200 mg to 700 mg once a day.",
        ),
        DoseSpec(
            population=Population.KIDNEY,
            dosage_form=DosageForm.CAPSULE,
            start_amount=100,
            times_per_day=1,
            usual_min_per_day=100,
            usual_max_per_day=300,
            notes=(
                "Creatinine clearance below 15 mL/min: 100 mg to 300 mg once a day, lowered "
                "further in proportion to kidney function (at 7.5 mL/min, half the dose given "
                "at 15 mL/min). On hemodialysis, an extra 125 mg to 350 mg is given after each "
                "4 hours of dialysis."
            ),
        ),
    ),
    formulations=(
        FormulationSpec(
            DosageForm.CAPSULE,
            strengths=("300 mg", "400 mg"),
            notes="Swallow whole with water.",
        ),
    ),
    side_effects=(
        SideEffectSpec(
            "Dizziness",
            frequency=FrequencyBand.VERY_COMMON,
            incidence="17–28%",
            advice="Take care with driving and machines until you know how it affects you.",
        ),
        SideEffectSpec(
            "Sleepiness (somnolence)",
            frequency=FrequencyBand.VERY_COMMON,
            incidence="19–21%",
            advice="Don't drive or use machines while you feel sleepy.",
        ),
        SideEffectSpec(
            "Unsteadiness and poor coordination (ataxia)",
            frequency=FrequencyBand.VERY_COMMON,
            incidence="13%",
        ),
        SideEffectSpec("Tiredness (fatigue)"),
        SideEffectSpec(
            "Mood and behavior changes in children aged 3 to 12",
            frequency=FrequencyBand.COMMON,
            incidence="1.7–6%",
            advice="Usually mild to moderate. Tell the doctor about changes you notice.",
        ),
        SideEffectSpec(
            "Thoughts of suicide or self-harm",
            frequency=FrequencyBand.UNCOMMON,
            seriousness=Seriousness.SERIOUS,
            incidence="0.43% (all antiepileptic drugs)",
            advice="Tell a healthcare professional at once.",
        ),
        SideEffectSpec(
            "Slowed breathing",
            seriousness=Seriousness.SERIOUS,
            advice=(
                "Especially with opioids or other sedating medicines: get emergency help for "
                "slow or shallow breathing."
            ),
        ),
        SideEffectSpec(
            "Severe allergic reaction (anaphylaxis, angioedema)",
            seriousness=Seriousness.SERIOUS,
            advice=(
                "Trouble breathing or swelling of the lips, throat or tongue: stop gabapentin "
                "and get emergency help."
            ),
        ),
        SideEffectSpec(
            "Multi-organ allergic reaction (DRESS)",
            seriousness=Seriousness.SERIOUS,
            advice=("Fever or swollen glands, with or without a rash: get medical help at once."),
        ),
    ),
    interactions=(
        InteractionSpec(
            with_class="opioids",
            severity=Severity.MAJOR,
            effect=(
                "Slowed breathing and sedation, sometimes fatal, have been reported when "
                "gabapentin is taken with opioids such as morphine, hydrocodone, oxycodone or "
                "buprenorphine. Morphine also raises gabapentin levels."
            ),
            advice=(
                "Your doctor may start gabapentin at a low dose and watch you closely. Get "
                "emergency help for slow or shallow breathing or extreme sleepiness."
            ),
        ),
        InteractionSpec(
            with_class="cns-depressants",
            severity=Severity.MAJOR,
            effect=(
                "Gabapentin and other sedating medicines strengthen each other; serious, "
                "life-threatening slowed breathing has been reported."
            ),
            advice=(
                "Your doctor should watch for sleepiness and slowed breathing, and may adjust "
                "the doses."
            ),
        ),
        InteractionSpec(
            with_class="antacids",
            severity=Severity.MINOR,
            effect=(
                "Antacids containing aluminum and magnesium hydroxide (such as Maalox) reduce "
                "the gabapentin absorbed by about 20%."
            ),
            advice="Take gabapentin at least 2 hours after the antacid.",
        ),
    ),
    references=(
        fda_label(
            "Gabapentin capsules, USP: prescribing information (Bryant Ranch Prepack)",
            set_id="01b810b7-f4c8-4412-bbc5-b9220d8770d8",
        ),
    ),
)
