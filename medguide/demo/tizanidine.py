"""Tizanidine, from its FDA label (Apotex tablets, openFDA set 01c0d3d3)."""

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
    generic_name="Tizanidine",
    slug="tizanidine",
    classes=("skeletal-muscle-relaxants", "alpha-2-adrenergic-agonists"),
    summary=paragraphs(
        "Tizanidine is a prescription medicine for spasticity (muscle stiffness and spasms) "
        "in adults.",
        "Each dose works for a short time, so it is best kept for the daily activities and "
        "times of day when relief matters most.",
    ),
    mechanism=(
        "Tizanidine is a central alpha-2 adrenergic agonist: it acts on alpha-2 receptors in "
        "the central nervous system. The same action can lower blood pressure. The label we "
        "used does not describe further how it eases spasticity."
    ),
    warnings=paragraphs(
        "Low blood pressure. Tizanidine can lower blood pressure, and people have fainted. "
        "Raising the dose step by step and checking for signs of low blood pressure before "
        "each increase lowers the risk. The risk is higher when getting up from lying down, "
        "and with blood pressure medicines. It should not be combined with other alpha-2 "
        "adrenergic agonists.",
        "Liver injury. Tizanidine can damage the liver. A liver blood test (aminotransferases) "
        "is advised before starting, 1 month after reaching the top dose, and whenever liver "
        "injury is suspected. Tizanidine is stopped if the liver is injured.",
        "Sleepiness. Tizanidine can make you sleepy enough to get in the way of everyday "
        "activities. Sleepiness peaks in the first week of raising the dose and then stays "
        "about the same. Alcohol and other sedating medicines add to it.",
        "Hallucinations. About 3 in 100 people in two studies saw things that were not there "
        "or had false beliefs (delusions); one developed psychosis. Stopping tizanidine may be "
        "considered.",
        "Allergic reactions. Tizanidine can cause anaphylaxis, with breathing trouble, hives "
        "and swelling of the throat and tongue.",
        "Kidney and liver problems. With poor kidney function (creatinine clearance below "
        "25 mL/min) or liver problems, lower single doses are used while adjusting; if more is "
        "needed, each dose is raised rather than taking doses more often.",
        "Food and form. Tablets and capsules are absorbed differently, and food changes how "
        "much gets into the blood. Take it the same way each time, and switch between forms "
        "only with your doctor's advice.",
    ),
    contraindications=paragraphs(
        "Do not take tizanidine if you take a strong CYP1A2 inhibitor such as fluvoxamine or "
        "ciprofloxacin.",
        "Do not take it if you have had an allergic reaction to tizanidine or to the "
        "ingredients of the tablets, such as anaphylaxis or swelling under the skin "
        "(angioedema).",
    ),
    stopping=(
        "Lower the dose slowly, by 2 to 4 mg a day, to avoid withdrawal reactions: a rebound "
        "rise in blood pressure, a fast heartbeat and increased muscle tone. This matters most "
        "after high doses (20 to 28 mg a day) for 9 weeks or more, or together with narcotic "
        "painkillers."
    ),
    practical_tips=(
        "Take it the same way every time: always with food, or always without.",
        "Keep your doses for the activities and times of day when relief matters most.",
        "Get up slowly after lying down: blood pressure can drop when you stand.",
        "Keep your liver blood test appointments.",
        "Avoid alcohol: it raises the amount of tizanidine in your blood and adds to the "
        "sleepiness.",
    ),
    indications=(IndicationSpec("spasticity", notes="Spasticity in adults."),),
    doses=(
        DoseSpec(
            population=Population.ADULT,
            condition="spasticity",
            dosage_form=DosageForm.TABLET,
            start_amount=2,
            max_per_day=36,
            notes=paragraphs(
                "Start with 2 mg by mouth every 6 to 8 hours when needed, no more than 3 doses "
                "in 24 hours. Each dose can then be raised by 2 to 4 mg every 1 to 4 days, "
                "depending on how well it works and is tolerated. Single doses above 16 mg "
                "have not been studied.",
                "With poor kidney function (creatinine clearance below 25 mL/min) or liver "
                "problems, lower single doses are used while adjusting.",
            ),
        ),
    ),
    formulations=(
        FormulationSpec(DosageForm.TABLET),
        FormulationSpec(
            DosageForm.CAPSULE,
            notes="Absorbed differently from the tablets, especially with food.",
        ),
    ),
    formulations_note=(
        "The label we used does not list the strengths of the tablets and capsules, so none "
        "are shown here."
    ),
    side_effects=(
        SideEffectSpec(
            "Sleepiness (sedation)",
            advice=(
                "Worst in the first week of raising the dose. Don't drive or use machines while "
                "you feel sleepy."
            ),
        ),
        SideEffectSpec(
            "Low blood pressure and fainting",
            seriousness=Seriousness.SERIOUS,
            advice="Sit or lie down if you feel faint, and get medical help if you pass out.",
        ),
        SideEffectSpec(
            "Hallucinations or delusions",
            frequency=FrequencyBand.COMMON,
            seriousness=Seriousness.SERIOUS,
            incidence="3%",
            advice="Tell your doctor straight away; stopping tizanidine may be considered.",
        ),
        SideEffectSpec(
            "Liver injury",
            seriousness=Seriousness.SERIOUS,
            advice="Found with liver blood tests; tizanidine is stopped if it happens.",
        ),
        SideEffectSpec(
            "Severe allergic reaction (anaphylaxis)",
            seriousness=Seriousness.SERIOUS,
            advice=(
                "Trouble breathing, hives, or swelling of the throat or tongue: call emergency "
                "services."
            ),
        ),
        SideEffectSpec(
            "Withdrawal reactions if stopped suddenly",
            seriousness=Seriousness.SERIOUS,
            advice=(
                "A rebound rise in blood pressure, a fast heartbeat and stiffer muscles. Lower "
                "the dose slowly with your doctor instead of stopping at once."
            ),
        ),
    ),
    interactions=(
        InteractionSpec(
            with_class="strong-cyp1a2-inhibitors",
            severity=Severity.MAJOR,
            effect=(
                "These medicines stop the body from breaking down tizanidine. Blood pressure "
                "has dropped sharply, with more sleepiness and slower thinking and movement."
            ),
            advice="Never take them together: the combination is contraindicated.",
        ),
        InteractionSpec(
            with_class="moderate-or-weak-cyp1a2-inhibitors",
            severity=Severity.MODERATE,
            effect=(
                "They raise tizanidine levels and can cause low blood pressure, a slow "
                "heartbeat or too much sleepiness. Oral contraceptives are among them."
            ),
            advice=(
                "Avoid the combination. If it is really needed and side effects appear, the "
                "tizanidine dose is lowered or stopped."
            ),
        ),
        InteractionSpec(
            with_class="cns-depressants",
            severity=Severity.MODERATE,
            effect=(
                "Medicines that slow the brain, such as benzodiazepines, opioids and tricyclic "
                "antidepressants, add to tizanidine's sedation."
            ),
            advice="Your doctor should watch for too much sleepiness when you take both.",
        ),
        InteractionSpec(
            with_substance="alcohol",
            severity=Severity.MODERATE,
            effect=(
                "Alcohol raises the amount of tizanidine in the blood, which brings more side "
                "effects, and adds to the sedation."
            ),
            advice="Avoid alcohol while you take tizanidine.",
        ),
        InteractionSpec(
            with_class="alpha-2-adrenergic-agonists",
            severity=Severity.MODERATE,
            effect="Their blood-pressure-lowering effects can add up with tizanidine's.",
            advice="Combining tizanidine with another alpha-2 adrenergic agonist is not "
            "recommended.",
        ),
        InteractionSpec(
            with_class="antihypertensives",
            severity=Severity.MODERATE,
            effect="Blood pressure medicines and tizanidine together can lower it further.",
            advice="Your doctor should check for low blood pressure when you take both.",
        ),
    ),
    references=(
        fda_label(
            "Tizanidine tablets: prescribing information (Apotex Corp.)",
            set_id="01c0d3d3-2373-a1b7-822a-80a66291a248",
        ),
    ),
)
