"""Diazepam, from its FDA label (diazepam tablets, openFDA set 01f04ee4)."""

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
    generic_name="Diazepam",
    slug="diazepam",
    classes=("benzodiazepines",),
    summary=paragraphs(
        "Diazepam is a benzodiazepine, a prescription medicine that calms the nervous system. "
        "Its tablets treat anxiety disorders and short-term anxiety, and ease agitation, "
        "shaking and hallucinations in sudden alcohol withdrawal.",
        "It is also added to other treatment to relieve muscle spasm and spasticity, and to "
        "other medicines for seizures. Its benefit beyond 4 months has not been studied "
        "systematically, so the doctor should review it regularly.",
    ),
    mechanism=(
        "Benzodiazepines such as diazepam act at GABA-A sites in the central nervous system, "
        "which has a depressant, calming effect on the brain."
    ),
    boxed_warning=paragraphs(
        "Opioids. Taking a benzodiazepine with an opioid can cause deep sedation, slowed "
        "breathing, coma and death. They are prescribed together only when other treatments "
        "are not enough, at the lowest doses for the shortest time, with close watch for "
        "breathing problems and sedation.",
        "Abuse, misuse and addiction. Diazepam can be abused and misused, and can lead to "
        "addiction, overdose or death, especially together with other medicines, alcohol or "
        "street drugs. Your doctor should assess this risk before and during treatment.",
        "Dependence and withdrawal. Taking diazepam regularly can make the body dependent on "
        "it; the risk grows with longer treatment and higher doses. Stopping suddenly or "
        "cutting the dose quickly can cause withdrawal reactions that can be "
        "life-threatening. The dose is lowered gradually instead.",
    ),
    warnings=paragraphs(
        "Driving. Do not drive or operate heavy machinery until you know how diazepam, and "
        "any opioid you take with it, affects you.",
        "Withdrawal. Withdrawal reactions, such as seizures, can be life-threatening. Some "
        "people develop long-lasting (protracted) withdrawal, with symptoms for weeks to more "
        "than 12 months. Flumazenil, a medicine that reverses benzodiazepines, can also set "
        "off withdrawal.",
        "Seizures. When diazepam is added for seizures, the dose of the other seizure "
        "medicines may need to rise, and stopping diazepam suddenly can bring a temporary "
        "increase in seizures.",
        "Psychosis. Diazepam is not recommended for treating psychotic illness.",
        "Other medicines. Cimetidine, ketoconazole, fluvoxamine, fluoxetine and omeprazole "
        "slow the breakdown of diazepam in the liver and can make sedation stronger and "
        "longer. Diazepam may slow the removal of phenytoin from the body.",
        "Unused tablets. Ask how to dispose of any unused tablets safely.",
    ),
    contraindications=paragraphs(
        "Do not take diazepam if you are allergic to it, or give it to babies under 6 months.",
        "It is also not used with myasthenia gravis, severe breathing problems (respiratory "
        "insufficiency), severe liver problems, sleep apnea, or acute narrow-angle glaucoma. "
        "People with open-angle glaucoma who are being treated for it may take it.",
    ),
    pregnancy=(
        "Taking diazepam late in pregnancy can make the newborn baby sedated (slow breathing, "
        "sleepiness, floppiness) or give it withdrawal symptoms (overactive reflexes, "
        "irritability, restlessness, tremor, crying that cannot be soothed, and feeding "
        "problems). Babies exposed during pregnancy or labor are watched for these signs."
    ),
    stopping=paragraphs(
        "Do not stop diazepam suddenly. Your doctor will plan a gradual taper that suits you. "
        "If withdrawal symptoms appear, the taper can be paused or the dose raised back to the "
        "previous step, and then lowered more slowly.",
        "The risk of withdrawal is higher after higher doses and longer use. In people taking "
        "it for seizures, stopping suddenly can bring a temporary increase in seizures.",
    ),
    practical_tips=(
        "Don't drink alcohol while you take diazepam.",
        "Don't drive or use machines until you know how diazepam affects you.",
        "Tell your doctor about every medicine you take, especially opioid painkillers.",
        "Ask your pharmacist how to dispose of unused tablets safely.",
    ),
    indications=(
        IndicationSpec(
            "anxiety-disorders",
            notes=(
                "Anxiety disorders, or short-term relief of anxiety symptoms. Tension from "
                "everyday stress usually does not need an anti-anxiety medicine."
            ),
        ),
        IndicationSpec(
            "alcohol-withdrawal",
            notes=(
                "Relief of sudden agitation, shaking, impending or actual delirium tremens and "
                "hallucinations in acute alcohol withdrawal."
            ),
        ),
        IndicationSpec(
            "muscle-spasm",
            notes=(
                "Added to other treatment for muscle spasm caused by a local problem, such as "
                "inflamed muscles or joints, or an injury."
            ),
        ),
        IndicationSpec(
            "spasticity",
            notes=(
                "Added to other treatment for spasticity from upper motor neuron disorders, "
                "such as cerebral palsy and paraplegia, and for athetosis and stiff-man "
                "syndrome."
            ),
        ),
        IndicationSpec(
            "epilepsy",
            notes=(
                "Added to other medicines for seizure (convulsive) disorders; it has not "
                "proved useful on its own."
            ),
        ),
    ),
    doses=(
        DoseSpec(
            population=Population.ADULT,
            condition="anxiety-disorders",
            dosage_form=DosageForm.TABLET,
            start_amount=2,
            times_per_day=2,
            usual_min_per_day=4,
            usual_max_per_day=40,
            notes=(
                "The label's usual dose is 2 mg to 10 mg, 2 to 4 times a day, depending on how "
                "severe the symptoms are. Some people need more; increases are made cautiously."
            ),
        ),
        DoseSpec(
            population=Population.ADULT,
            condition="alcohol-withdrawal",
            dosage_form=DosageForm.TABLET,
            start_amount=10,
            times_per_day=3,
            notes=(
                "10 mg 3 or 4 times during the first 24 hours, then 5 mg 3 or 4 times a day "
                "as needed."
            ),
        ),
        DoseSpec(
            population=Population.ADULT,
            condition="muscle-spasm",
            dosage_form=DosageForm.TABLET,
            start_amount=2,
            times_per_day=3,
            usual_min_per_day=6,
            usual_max_per_day=40,
            notes="The label's usual dose is 2 mg to 10 mg, 3 or 4 times a day.",
        ),
        DoseSpec(
            population=Population.ADULT,
            condition="epilepsy",
            dosage_form=DosageForm.TABLET,
            start_amount=2,
            times_per_day=2,
            usual_min_per_day=4,
            usual_max_per_day=40,
            notes="The label's usual dose is 2 mg to 10 mg, 2 to 4 times a day.",
        ),
        DoseSpec(
            population=Population.OLDER_ADULT,
            dosage_form=DosageForm.TABLET,
            start_amount=2,
            times_per_day=1,
            notes=(
                "2 mg to 2.5 mg once or twice a day to start, raised gradually as needed and "
                "tolerated. The same applies to people weakened by illness."
            ),
        ),
        DoseSpec(
            population=Population.CHILD,
            dosage_form=DosageForm.TABLET,
            start_amount=1,
            times_per_day=3,
            notes=(
                "1 mg to 2.5 mg 3 or 4 times a day to start, raised gradually as needed and "
                "tolerated; children respond differently to these medicines, so the lowest "
                "dose is used first. Not for babies under 6 months."
            ),
        ),
    ),
    formulations=(FormulationSpec(DosageForm.TABLET),),
    formulations_note=(
        "The label we used does not list the tablet strengths, so none are shown here."
    ),
    side_effects=(
        SideEffectSpec(
            "Dependence and withdrawal reactions",
            seriousness=Seriousness.SERIOUS,
            advice=(
                "Seizures or severe symptoms after stopping or cutting the dose: get emergency "
                "help. Never stop suddenly."
            ),
        ),
        SideEffectSpec(
            "Long-lasting (protracted) withdrawal",
            seriousness=Seriousness.SERIOUS,
            advice="Withdrawal symptoms can last weeks to more than 12 months; tell your doctor.",
        ),
        SideEffectSpec(
            "Abuse, misuse and addiction",
            seriousness=Seriousness.SERIOUS,
            advice="Take it only as prescribed, and talk to your doctor if you feel you need more.",
        ),
    ),
    interactions=(
        InteractionSpec(
            with_class="opioids",
            severity=Severity.MAJOR,
            effect=(
                "Benzodiazepines and opioids together can cause deep sedation, slowed "
                "breathing, coma and death."
            ),
            advice=(
                "Used together only when other options are not enough, at the lowest doses for "
                "the shortest time. Get emergency help for slow or shallow breathing or "
                "extreme sleepiness."
            ),
        ),
        InteractionSpec(
            with_class="cns-depressants",
            severity=Severity.MODERATE,
            effect=(
                "Other medicines that act on the brain, such as antipsychotics, sleeping "
                "medicines, seizure medicines, sedating antihistamines, barbiturates and "
                "antidepressants, can strengthen diazepam's effects or be strengthened by it."
            ),
            advice="Your doctor should weigh every such combination carefully.",
        ),
        InteractionSpec(
            with_substance="alcohol",
            severity=Severity.MODERATE,
            effect="Alcohol strengthens diazepam's sedative effect.",
            advice="Don't drink alcohol while you take diazepam.",
        ),
        InteractionSpec(
            with_drug="fluoxetine",
            severity=Severity.MODERATE,
            effect=(
                "Fluoxetine slows the breakdown of diazepam, so diazepam lasts longer and can "
                "cause stronger, longer sedation."
            ),
            advice=(
                "Your doctor may start with lower doses and raise them slowly; watch for extra "
                "sleepiness."
            ),
        ),
        InteractionSpec(
            with_class="antacids",
            severity=Severity.MINOR,
            effect=(
                "Antacids slow the absorption of diazepam: peak levels are about 30% lower, "
                "though the total amount absorbed is the same."
            ),
            advice="No change is usually needed.",
        ),
    ),
    references=(
        fda_label(
            "Diazepam tablets: prescribing information (A-S Medication Solutions)",
            set_id="01f04ee4-fff9-499a-8213-984e16368084",
        ),
    ),
)
