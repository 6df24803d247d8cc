"""Fluoxetine, from its FDA label (fluoxetine capsules, openFDA set 02283de9)."""

from drugs.models import DosageForm, FrequencyBand, Population, Seriousness, Severity
from medguide.demo.specs import (
    DoseSpec,
    DrugSpec,
    FormulationSpec,
    IndicationSpec,
    InteractionSpec,
    NameSpec,
    SideEffectSpec,
    fda_label,
    paragraphs,
)

DRUG = DrugSpec(
    generic_name="Fluoxetine",
    slug="fluoxetine",
    classes=("ssris",),
    summary=paragraphs(
        "Fluoxetine is a prescription antidepressant of the SSRI type. It treats depression "
        "(major depressive disorder), obsessive-compulsive disorder, bulimia nervosa and "
        "panic disorder. Together with olanzapine, it treats the depressive episodes of "
        "bipolar I disorder; on its own it is not used for them.",
        "It comes as capsules. The full effect on depression may take 4 weeks or longer.",
    ),
    mechanism=(
        "Fluoxetine is a selective serotonin reuptake inhibitor (SSRI): it interferes with "
        "the reuptake of serotonin, a chemical messenger. It and its main active breakdown "
        "product stay in the body for a long time, so a change in dose takes several weeks to "
        "show fully in the blood."
    ),
    boxed_warning=paragraphs(
        "Suicidal thoughts and behaviors. In short-term studies, antidepressants increased "
        "the risk of suicidal thoughts and behavior in children, teenagers and young adults. "
        "This increase was not seen in adults over 24, and the risk went down in people aged "
        "65 and older.",
        "Everyone starting an antidepressant should be watched closely for worsening mood and "
        "for suicidal thoughts and behavior; families and caregivers should stay alert and "
        "keep in touch with the prescriber. Fluoxetine is not approved for children under 7.",
    ),
    warnings=paragraphs(
        "Serotonin syndrome. A potentially life-threatening reaction can happen with "
        "fluoxetine alone, and especially with other medicines that raise serotonin: "
        "triptans, tricyclic antidepressants, fentanyl, lithium, tramadol, tryptophan, "
        "buspirone, amphetamines and St. John's Wort, and MAO inhibitors. Signs include "
        "agitation, hallucinations, confusion, a fast heartbeat, changing blood pressure, "
        "dizziness, sweating, flushing, high temperature, tremor, stiff or jerking muscles, "
        "seizures, nausea, vomiting and diarrhea.",
        "Rash and allergic reactions. Stop fluoxetine and see your doctor if a rash or other "
        "allergic sign appears. Rarely, reactions involving the lungs, kidneys or liver have "
        "been serious, even fatal.",
        "Mania. Fluoxetine can trigger mania or hypomania; people are checked for bipolar "
        "disorder before starting.",
        "Seizures. Used with care by people who have had seizures.",
        "Appetite and weight. Fluoxetine can reduce appetite and cause significant weight "
        "loss, especially in underweight people with depression or bulimia; weight is "
        "monitored.",
        "Bleeding. SSRIs can increase bleeding, from bruises and nosebleeds to "
        "life-threatening bleeding, more so with NSAIDs, aspirin or warfarin.",
        "Glaucoma. Like many antidepressants, fluoxetine widens the pupils, which can trigger "
        "an attack of angle-closure glaucoma in people with narrow angles in the eye.",
        "Low sodium. Fluoxetine can lower the sodium in the blood, especially in older people "
        "and people taking diuretics. Signs include headache, poor concentration, memory "
        "problems, confusion, weakness and unsteadiness that can lead to falls.",
        "Heart rhythm. QT prolongation and dangerous heart rhythms, including Torsades de "
        "Pointes, have been reported. Extra care is needed with a personal or family history "
        "of long QT or sudden cardiac death, low potassium or magnesium, recent heart attack, "
        "heart failure, or other medicines that prolong the QT interval.",
        "Diabetes. Blood sugar can drop during treatment and rise after stopping; diabetes "
        "medicines may need adjusting.",
        "Judgment and alertness. Like other medicines acting on the brain, fluoxetine can "
        "impair judgment, thinking and motor skills. Take care driving or using machinery "
        "until you know how it affects you.",
        "Other fluoxetine medicines. Do not take fluoxetine with other medicines that contain "
        "fluoxetine, such as Symbyax, Sarafem or Prozac Weekly.",
        "Older people, liver problems and other illnesses. A lower or less frequent dose is "
        "used by older people and people with liver problems, and may be needed by people "
        "with other illnesses or taking many medicines.",
        "Other medicines. Fluoxetine can raise the blood levels of phenytoin and "
        "carbamazepine (with signs of toxicity), haloperidol, clozapine and alprazolam, and "
        "alters lithium levels; these need monitoring.",
    ),
    contraindications=paragraphs(
        "Do not take fluoxetine with an MAO inhibitor used for psychiatric disorders, or "
        "within 14 days of stopping one; and do not start such an MAO inhibitor within "
        "5 weeks of stopping fluoxetine. Do not start fluoxetine while being treated with "
        "linezolid or intravenous methylene blue.",
        "Do not take it with pimozide or thioridazine, which can cause dangerous heart "
        "rhythms; thioridazine should also not be taken within 5 weeks of stopping fluoxetine.",
    ),
    pregnancy=(
        "The doctor weighs the possible risks and benefits carefully. Newborn babies exposed "
        "to SSRIs late in the third trimester have developed complications needing a longer "
        "hospital stay, help with breathing and tube feeding."
    ),
    stopping=paragraphs(
        "Lower the dose gradually rather than stopping suddenly. Stopping can cause low or "
        "irritable mood, agitation, dizziness, electric-shock sensations and other odd "
        "sensations, anxiety, confusion, headache, tiredness, mood swings, trouble sleeping "
        "and hypomania. These usually pass, but some have been serious.",
        "If symptoms are hard to bear, your doctor may go back to the previous dose and then "
        "lower it more slowly. Because fluoxetine leaves the body slowly, its levels fall "
        "gradually after the last dose.",
    ),
    practical_tips=(
        "Take it in the morning.",
        "Give it time: the full effect on depression may take 4 weeks or longer.",
        "Watch for worsening mood or thoughts of suicide, especially in the first months and "
        "after any dose change; families should watch too, and report changes straight away.",
        "Don't stop suddenly; your doctor will lower the dose gradually.",
        "Be careful driving or using machinery until you know how fluoxetine affects you.",
    ),
    names=(
        NameSpec("Sarafem", note="Contains fluoxetine; named in the FDA label"),
        NameSpec("Prozac Weekly", note="Contains fluoxetine; named in the FDA label"),
        NameSpec("Symbyax", note="Fixed-dose combination of olanzapine and fluoxetine"),
    ),
    indications=(
        IndicationSpec(
            "major-depressive-disorder",
            notes="Short- and long-term treatment, in adults and children.",
        ),
        IndicationSpec(
            "obsessive-compulsive-disorder",
            notes="Short- and long-term treatment of obsessions and compulsions, in adults and "
            "children.",
        ),
        IndicationSpec(
            "bulimia-nervosa",
            notes="Short- and long-term treatment of binge eating and vomiting in moderate to "
            "severe bulimia nervosa.",
        ),
        IndicationSpec(
            "panic-disorder",
            notes="Short-term treatment, with or without agoraphobia.",
        ),
        IndicationSpec(
            "bipolar-i-depression",
            notes=(
                "Only together with olanzapine, for depressive episodes of bipolar I disorder. "
                "Fluoxetine alone is not used for them."
            ),
        ),
    ),
    doses=(
        DoseSpec(
            population=Population.ADULT,
            condition="major-depressive-disorder",
            dosage_form=DosageForm.CAPSULE,
            start_amount=20,
            times_per_day=1,
            max_per_day=80,
            notes=(
                "Take it in the morning. 20 mg a day is enough for most people; if there is "
                "not enough improvement after several weeks, a higher dose may be considered, "
                "taken once in the morning or split between morning and noon."
            ),
        ),
        DoseSpec(
            population=Population.ADULT,
            condition="obsessive-compulsive-disorder",
            dosage_form=DosageForm.CAPSULE,
            start_amount=20,
            times_per_day=1,
            usual_min_per_day=20,
            usual_max_per_day=60,
            max_per_day=80,
            notes=(
                "Take it in the morning. An increase may be considered after several weeks; "
                "the full effect may take 5 weeks or longer."
            ),
        ),
        DoseSpec(
            population=Population.ADULT,
            condition="bulimia-nervosa",
            dosage_form=DosageForm.CAPSULE,
            start_amount=60,
            times_per_day=1,
            notes=(
                "Take it in the morning. Some people build up to this dose over several days. "
                "Doses above 60 mg a day have not been studied systematically for bulimia."
            ),
        ),
        DoseSpec(
            population=Population.ADULT,
            condition="panic-disorder",
            dosage_form=DosageForm.CAPSULE,
            start_amount=10,
            times_per_day=1,
            step_amount=10,
            step_interval_days=7,
            target_amount=20,
            notes=(
                "10 mg a day for the first week, then 20 mg a day. A further increase may be "
                "considered after several weeks; doses above 60 mg a day have not been "
                "evaluated systematically."
            ),
        ),
        DoseSpec(
            population=Population.ADULT,
            condition="bipolar-i-depression",
            dosage_form=DosageForm.CAPSULE,
            start_amount=20,
            times_per_day=1,
            usual_min_per_day=20,
            usual_max_per_day=50,
            notes=(
                "Taken in the evening together with olanzapine, usually starting with 5 mg of "
                "olanzapine; olanzapine is then adjusted within 5 mg to 12.5 mg. People prone "
                "to low blood pressure or with liver problems start olanzapine at 2.5 mg to "
                "5 mg."
            ),
        ),
        DoseSpec(
            population=Population.CHILD,
            condition="major-depressive-disorder",
            dosage_form=DosageForm.CAPSULE,
            start_amount=10,
            times_per_day=1,
            step_amount=10,
            step_interval_days=7,
            target_amount=20,
            notes=(
                "Children and teenagers start on 10 mg or 20 mg a day; from 10 mg, the dose "
                "goes up to 20 mg after a week. Lower-weight children may start and stay on "
                "10 mg a day, with an increase considered after several weeks."
            ),
        ),
        DoseSpec(
            population=Population.CHILD,
            condition="obsessive-compulsive-disorder",
            dosage_form=DosageForm.CAPSULE,
            start_amount=10,
            times_per_day=1,
            step_amount=10,
            step_interval_days=14,
            target_amount=20,
            usual_min_per_day=20,
            usual_max_per_day=60,
            notes=(
                "For teenagers and higher-weight children: 20 mg a day after 2 weeks, with "
                "further increases considered after several more weeks. Lower-weight children "
                "start on 10 mg a day and usually take 20 mg to 30 mg a day."
            ),
        ),
        DoseSpec(
            population=Population.CHILD,
            condition="bipolar-i-depression",
            dosage_form=DosageForm.CAPSULE,
            start_amount=20,
            times_per_day=1,
            notes=(
                "For ages 10 to 17: taken in the evening together with olanzapine, usually "
                "starting with 2.5 mg of olanzapine."
            ),
        ),
    ),
    formulations=(FormulationSpec(DosageForm.CAPSULE),),
    formulations_note=(
        "The label we used does not list the capsule strengths, so none are shown here."
    ),
    side_effects=(
        SideEffectSpec(
            "Trouble sleeping (insomnia)",
            frequency=FrequencyBand.VERY_COMMON,
            incidence="up to 33%",
        ),
        SideEffectSpec(
            "Decreased appetite",
            frequency=FrequencyBand.VERY_COMMON,
            incidence="8–17%",
            advice="Your weight should be checked during treatment.",
        ),
        SideEffectSpec(
            "Anxiety and nervousness",
            frequency=FrequencyBand.VERY_COMMON,
            incidence="11–15%",
        ),
        SideEffectSpec(
            "Weight loss",
            frequency=FrequencyBand.COMMON,
            incidence="1.4%",
        ),
        SideEffectSpec(
            "Rash or hives",
            frequency=FrequencyBand.COMMON,
            seriousness=Seriousness.SERIOUS,
            incidence="7%",
            advice="Stop fluoxetine and contact your doctor straight away.",
        ),
        SideEffectSpec(
            "Worsening depression or thoughts of suicide",
            seriousness=Seriousness.SERIOUS,
            advice=(
                "Most likely in children, teenagers and young adults, in the first months and "
                "after dose changes. Contact a healthcare professional at once."
            ),
        ),
        SideEffectSpec(
            "Serotonin syndrome",
            seriousness=Seriousness.SERIOUS,
            advice=(
                "Agitation, confusion, a fast heartbeat, high temperature, shaking or stiff "
                "muscles: stop fluoxetine and get emergency help."
            ),
        ),
        SideEffectSpec(
            "Mania or hypomania",
            frequency=FrequencyBand.UNCOMMON,
            seriousness=Seriousness.SERIOUS,
            incidence="0.1–0.8%",
            advice="Contact your doctor straight away.",
        ),
        SideEffectSpec(
            "Seizures",
            frequency=FrequencyBand.UNCOMMON,
            seriousness=Seriousness.SERIOUS,
            incidence="0.1–0.2%",
            advice="Call emergency services.",
        ),
        SideEffectSpec(
            "Unusual bleeding or bruising",
            seriousness=Seriousness.SERIOUS,
            advice="Get medical help, especially if you also take NSAIDs, aspirin or warfarin.",
        ),
        SideEffectSpec(
            "Low sodium in the blood (hyponatremia)",
            seriousness=Seriousness.SERIOUS,
            advice=(
                "Headache, poor concentration, memory problems, confusion, weakness or "
                "unsteadiness: contact your doctor."
            ),
        ),
        SideEffectSpec(
            "Abnormal heart rhythm (QT prolongation)",
            seriousness=Seriousness.SERIOUS,
            advice="A racing or irregular heartbeat or fainting: get emergency help.",
        ),
        SideEffectSpec(
            "Angle-closure glaucoma",
            seriousness=Seriousness.SERIOUS,
            advice="Get medical help straight away.",
        ),
    ),
    interactions=(
        InteractionSpec(
            with_class="maois",
            severity=Severity.MAJOR,
            effect="Together they greatly increase the risk of serotonin syndrome.",
            advice=(
                "Never combine them. Leave at least 14 days between stopping an MAO inhibitor "
                "and starting fluoxetine, and at least 5 weeks between stopping fluoxetine and "
                "starting an MAO inhibitor."
            ),
        ),
        InteractionSpec(
            with_class="tricyclic-antidepressants",
            severity=Severity.MODERATE,
            effect=(
                "Fluoxetine can raise tricyclic antidepressant levels 2 to 10 times, and the "
                "effect can last 3 weeks or more after fluoxetine is stopped."
            ),
            advice=(
                "The tricyclic dose may need lowering, with blood level checks, while you take "
                "fluoxetine and for a while after."
            ),
        ),
        InteractionSpec(
            with_class="medicines-that-affect-blood-clotting",
            severity=Severity.MODERATE,
            effect=(
                "Fluoxetine with NSAIDs or aspirin raises the risk of bleeding, including "
                "stomach bleeding; with warfarin, bleeding has increased."
            ),
            advice=(
                "Your doctor should check you closely when fluoxetine is started or stopped "
                "alongside warfarin. Report unusual bleeding or bruising."
            ),
        ),
    ),
    references=(
        fda_label(
            "Fluoxetine capsules: prescribing information (Bryant Ranch Prepack)",
            set_id="02283de9-6087-45f7-a9ce-3b082ce860de",
        ),
    ),
)
