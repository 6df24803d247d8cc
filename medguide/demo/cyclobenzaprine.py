"""Cyclobenzaprine, from its FDA label (cyclobenzaprine hydrochloride tablets, set 00b20a8c)."""

from drugs.models import DosageForm, Population, Seriousness, Severity
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
    generic_name="Cyclobenzaprine",
    slug="cyclobenzaprine",
    classes=("skeletal-muscle-relaxants",),
    summary=paragraphs(
        "Cyclobenzaprine is a prescription medicine for short-term relief of muscle spasm from "
        "sudden, painful problems of the muscles and joints. It is used together with rest "
        "and physical therapy, for up to 2 or 3 weeks.",
        "It is chemically close to the tricyclic antidepressants, such as amitriptyline and "
        "imipramine. It has not been found to help spasticity from brain or spinal cord "
        "disease, or children with cerebral palsy.",
    ),
    warnings=paragraphs(
        "Serotonin syndrome. A potentially life-threatening reaction can happen when "
        "cyclobenzaprine is taken with other medicines that raise serotonin: SSRIs, SNRIs, "
        "tricyclic antidepressants, tramadol, bupropion, meperidine, verapamil or MAO "
        "inhibitors. Signs include confusion, agitation, hallucinations, sweating, a fast "
        "heartbeat, changing blood pressure, high temperature, tremor, unsteadiness, "
        "overactive reflexes, jerking or stiff muscles, nausea, vomiting and diarrhea. If "
        "they appear, these medicines are stopped at once.",
        "Heart. Tricyclic antidepressants, which cyclobenzaprine closely resembles, have "
        "caused irregular and fast heart rhythms, heart attack and stroke. At higher doses "
        "than those used for muscle spasm, some of their serious effects on the brain have "
        "also occurred.",
        "Alcohol and sedatives. Cyclobenzaprine may strengthen the effects of alcohol, "
        "barbiturates and other medicines that slow the brain.",
        "Older people and liver problems. Doses may be taken less often.",
    ),
    contraindications=paragraphs(
        "Do not take cyclobenzaprine if you are allergic to any of its ingredients, or if you "
        "take an MAO inhibitor or stopped one less than 14 days ago: high fever, seizures and "
        "deaths have happened with this combination.",
        "It is also not used during recovery from a heart attack, with heart rhythm problems, "
        "heart block or other conduction problems, with heart failure, or with an overactive "
        "thyroid (hyperthyroidism).",
    ),
    practical_tips=(
        "Use it only for the short time prescribed, up to 2 or 3 weeks.",
        "Combine it with rest and physical therapy.",
        "Avoid alcohol: cyclobenzaprine can strengthen its effects.",
    ),
    indications=(
        IndicationSpec(
            "muscle-spasm",
            notes=(
                "Added to rest and physical therapy for muscle spasm from sudden (acute), "
                "painful musculoskeletal conditions. It eases the spasm and its pain, "
                "tenderness and limited movement. Only for short periods, up to 2 or 3 weeks."
            ),
        ),
    ),
    doses=(
        DoseSpec(
            population=Population.ADULT,
            condition="muscle-spasm",
            dosage_form=DosageForm.TABLET,
            start_amount=5,
            times_per_day=3,
            usual_min_per_day=15,
            usual_max_per_day=30,
            notes=(
                "Depending on the response, the dose may be raised to 10 mg three times a day. "
                "Not for longer than 2 or 3 weeks. Older people and people with liver problems "
                "may take doses less often."
            ),
        ),
    ),
    formulations=(FormulationSpec(DosageForm.TABLET),),
    formulations_note=(
        "The label we used does not list the tablet strengths, so none are shown here."
    ),
    side_effects=(
        SideEffectSpec(
            "Serotonin syndrome",
            seriousness=Seriousness.SERIOUS,
            advice=(
                "Confusion, agitation, a fast heartbeat, high temperature, shaking, stiff or "
                "jerking muscles, or vomiting and diarrhea, especially with other serotonin "
                "medicines: get emergency help."
            ),
        ),
    ),
    interactions=(
        InteractionSpec(
            with_class="maois",
            severity=Severity.MAJOR,
            effect=(
                "High fever, seizures and deaths have happened when cyclobenzaprine or similar "
                "tricyclic medicines were taken with an MAO inhibitor; serotonin syndrome can "
                "also occur."
            ),
            advice=("Never take them together, or within 14 days of stopping an MAO inhibitor."),
        ),
        InteractionSpec(
            with_class="ssris",
            severity=Severity.MAJOR,
            effect="Together they can cause serotonin syndrome, which can be life-threatening.",
            advice=(
                "Use together only if your doctor decides it is needed and watches you closely, "
                "especially at the start and after dose increases. Stop both and get help at "
                "once if signs of serotonin syndrome appear."
            ),
        ),
        InteractionSpec(
            with_class="tricyclic-antidepressants",
            severity=Severity.MAJOR,
            effect="Together they can cause serotonin syndrome, which can be life-threatening.",
            advice=(
                "Use together only if your doctor decides it is needed and watches you closely. "
                "Stop both and get help at once if signs of serotonin syndrome appear."
            ),
        ),
        InteractionSpec(
            with_class="cns-depressants",
            severity=Severity.MODERATE,
            effect="Cyclobenzaprine may strengthen the effects of sedatives such as barbiturates.",
            advice="Tell your doctor about every sedating medicine you take.",
        ),
        InteractionSpec(
            with_substance="alcohol",
            severity=Severity.MODERATE,
            effect="Cyclobenzaprine may strengthen the effects of alcohol.",
            advice="Avoid alcohol while you take cyclobenzaprine.",
        ),
    ),
    references=(
        fda_label(
            "Cyclobenzaprine hydrochloride tablets, USP: prescribing information "
            "(St. Mary's Medical Park Pharmacy)",
            set_id="00b20a8c-debd-e930-e063-6394a90a7ed0",
        ),
    ),
)
