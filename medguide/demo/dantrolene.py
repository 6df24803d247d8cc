"""Dantrolene, from its FDA label (Endo oral dantrolene sodium, openFDA set 11689f56)."""

from decimal import Decimal

from drugs.models import DosageForm, Population, Route, Seriousness, Severity, Unit
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
    generic_name="Dantrolene",
    slug="dantrolene",
    classes=("skeletal-muscle-relaxants",),
    summary=paragraphs(
        "Dantrolene sodium is a prescription medicine. Taken by mouth, it controls spasticity "
        "caused by damage to the brain or spinal cord, such as spinal cord injury, stroke, "
        "cerebral palsy or multiple sclerosis.",
        "It is also taken before surgery by people known or strongly suspected to be at risk "
        "of malignant hyperthermia, and after such a crisis to stop it coming back.",
        "Because it can seriously damage the liver, it is used at the lowest dose that works, "
        "with regular liver blood tests.",
    ),
    boxed_warning=paragraphs(
        "Dantrolene can damage the liver, and should only be used for the conditions it is "
        "approved for. Hepatitis, sometimes fatal, has been reported at various doses. The "
        "risk is much higher at 800 mg a day or more than at up to 400 mg a day; even short "
        "courses of the higher doses markedly increase it.",
        "Liver inflammation has appeared most often between the 3rd and 12th month of "
        "treatment. The risk seems greater in women, in people over 35, and in people taking "
        "other medicines; reports suggest a higher share of fatal liver problems in older "
        "people.",
        "Dantrolene should be used only with regular liver blood tests (SGOT or SGPT). If "
        "there is no benefit after 45 days in total, it should be stopped. The lowest "
        "effective dose should be prescribed.",
    ),
    warnings=paragraphs(
        "Liver checks. Liver blood tests (SGOT, SGPT, alkaline phosphatase and total "
        "bilirubin) are advised before starting and at intervals during treatment. If results "
        "become abnormal, treatment is generally stopped. If signs of hepatitis appear with "
        "abnormal tests or yellowing of the skin (jaundice), dantrolene is stopped; caught "
        "early, the liver tests usually return to normal. Restarting is done only in hospital, "
        "with very small, slowly increased doses.",
        "Cancer in animal studies. Long-term studies in rats showed more tumors, including "
        "breast and liver tumors. Long-term safety in people has not been established, so the "
        "possible risk of long-term use is weighed against the benefit.",
        "Children. Long-term safety in children under 5 has not been established.",
        "Older people. Doses are chosen carefully, at the lowest that works.",
        "Other medicines. Dantrolene may strengthen the effect of vecuronium, a muscle "
        "relaxant used in anesthesia.",
    ),
    contraindications=paragraphs(
        "Do not take dantrolene if you have active liver disease, such as hepatitis or cirrhosis.",
        "It is not used when spasticity helps someone stay upright and balanced while walking, "
        "or helps them gain or keep function.",
    ),
    pregnancy=(
        "Dantrolene should be given in pregnancy only if clearly needed; it is not known "
        "whether it can harm an unborn baby. In one study, 21 women took 100 mg a day for 2 to "
        "10 days before giving birth: dantrolene crossed the placenta, and no breathing or "
        "muscle problems were seen in the newborns at that low dose."
    ),
    breastfeeding="Dantrolene should not be used while breastfeeding.",
    stopping=(
        "If there is no clear benefit after 45 days in total, dantrolene is stopped. Pausing "
        "it for 2 to 4 days often makes spasticity worse again, which can confirm that it was "
        "helping."
    ),
    practical_tips=(
        "Agree a goal with your doctor before you start, such as a specific exercise program, "
        "using braces, or moving between bed and chair, so you can both tell whether it helps.",
        "Keep every liver blood test appointment.",
        "Tell your doctor about every other medicine you take, especially estrogen.",
    ),
    names=(
        NameSpec(
            "Dantrium",
            note="Intravenous form (Dantrium Intravenous), named in the label",
        ),
    ),
    indications=(
        IndicationSpec(
            "spasticity",
            notes=(
                "Spasticity from upper motor neuron disorders, such as spinal cord injury, "
                "stroke, cerebral palsy or multiple sclerosis, that can improve with "
                "treatment; most useful when spasticity holds back rehabilitation. Not for "
                "muscle spasm caused by rheumatic disorders."
            ),
        ),
        IndicationSpec(
            "malignant-hyperthermia",
            notes=(
                "Before surgery: 4 to 8 mg/kg a day by mouth, split into 3 or 4 doses, for 1 "
                "or 2 days; the last dose about 3 to 4 hours before surgery with a little "
                "water. After a crisis: 4 to 8 mg/kg a day in 4 doses for 1 to 3 days, to "
                "stop it coming back. During a crisis, intravenous dantrolene is used."
            ),
        ),
    ),
    doses=(
        DoseSpec(
            population=Population.ADULT,
            condition="spasticity",
            start_amount=25,
            times_per_day=1,
            max_per_day=400,
            notes=paragraphs(
                "The label's schedule, each step kept for 7 days: 25 mg once a day, then 25 mg "
                "three times a day, then 50 mg three times a day, then 100 mg three times a "
                "day. Some people need four doses a day; never more than 100 mg four times a "
                "day.",
                "If a higher step brings no further benefit, the dose goes back to the step "
                "before. The aim is the lowest dose that works.",
            ),
        ),
        DoseSpec(
            population=Population.CHILD,
            condition="spasticity",
            unit=Unit.MG_PER_KG,
            start_amount=Decimal("0.5"),
            times_per_day=1,
            notes=(
                "The label's schedule, each step kept for 7 days: 0.5 mg/kg once a day, then "
                "0.5 mg/kg three times a day, then 1 mg/kg three times a day, then 2 mg/kg "
                "three times a day. Some children need four doses a day; never more than "
                "100 mg four times a day."
            ),
        ),
    ),
    formulations=(
        FormulationSpec(
            DosageForm.INJECTION,
            route=Route.INTRAVENOUS,
            brand="Dantrium Intravenous",
            notes="Used during surgery if signs of malignant hyperthermia appear.",
        ),
    ),
    formulations_note=(
        "The FDA label we used covers dantrolene sodium taken by mouth but does not state its "
        "form or strengths, so only the intravenous form it names is listed."
    ),
    side_effects=(
        SideEffectSpec("Drowsiness", advice="Don't drive or use machines while you feel sleepy."),
        SideEffectSpec("Muscle weakness"),
        SideEffectSpec("Nausea and vomiting"),
        SideEffectSpec(
            "Liver damage (hepatitis)",
            seriousness=Seriousness.SERIOUS,
            advice=(
                "Contact your doctor straight away about yellowing of the skin (jaundice); "
                "regular liver blood tests look for it."
            ),
        ),
    ),
    interactions=(
        InteractionSpec(
            with_class="calcium-channel-blockers",
            severity=Severity.MAJOR,
            effect=(
                "Rarely, the heart and circulation have collapsed in people given verapamil "
                "with dantrolene."
            ),
            advice=(
                "The combination is not recommended while malignant hyperthermia is being "
                "treated. Tell every doctor who treats you that you take dantrolene."
            ),
        ),
        InteractionSpec(
            with_class="cns-depressants",
            severity=Severity.MODERATE,
            effect="Sedatives and tranquilizers can add to dantrolene's drowsiness.",
            advice="Don't drive or use machines if you feel drowsy.",
        ),
        InteractionSpec(
            with_class="estrogens",
            severity=Severity.MODERATE,
            effect=(
                "Liver damage has happened more often in women over 35 who also took estrogen."
            ),
            advice="Use together only with caution, and keep up your liver blood tests.",
        ),
    ),
    references=(
        fda_label(
            "Dantrolene sodium (oral): prescribing information (Endo USA)",
            set_id="11689f56-15e0-4350-b53f-ae96e5994fea",
        ),
    ),
)
