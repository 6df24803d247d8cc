"""Baclofen: the monograph the seed page grew from, checked against the FDA labels.

Where the seed and the label disagree the label wins: 40–80 mg a day, +5 mg per dose every
3 days; no extended-release form; the boxed warning belongs to intrathecal baclofen only.
"""

from drugs.models import (
    DosageForm,
    FrequencyBand,
    LabelStatus,
    NameKind,
    Population,
    Route,
    Seriousness,
    Severity,
    Unit,
)
from medguide.demo.specs import (
    ChangeSpec,
    DoseSpec,
    DrugSpec,
    FormulationSpec,
    IndicationSpec,
    InteractionSpec,
    NameSpec,
    ReferenceSpec,
    SideEffectSpec,
    fda_label,
    paragraphs,
)

DRUG = DrugSpec(
    generic_name="Baclofen",
    slug="baclofen",
    pronunciation="BAK-loe-fen",
    classes=("skeletal-muscle-relaxants",),
    summary=paragraphs(
        "Baclofen is a prescription muscle relaxant. It eases spasticity, where muscles tighten "
        "and contract on their own and cause stiffness, especially the painful spasms of "
        "multiple sclerosis. It may also help people with spinal cord injuries and other "
        "spinal cord diseases.",
        "It comes as tablets, liquids and granules taken by mouth, and as an injection that a "
        "pump delivers into the spinal fluid (intrathecal baclofen) for severe spasticity.",
    ),
    mechanism=paragraphs(
        "Baclofen works mainly in the spinal cord. It is similar to GABA, a natural chemical "
        "messenger that calms nerve activity, and probably acts by stimulating GABA-B "
        "receptors. This slows the release of the nerve signals that excite muscles and damps "
        "down the reflexes that set off spasms.",
        "The result: muscle contractions are less intense, reflex spasms are reduced, and "
        "moving around gets easier for people with neurological disorders. The exact way it "
        "works is not fully understood, and it may also act in the brain.",
    ),
    boxed_warning=paragraphs(
        "Do not stop intrathecal baclofen suddenly. Stopping the pump treatment abruptly, for "
        "any reason, has caused high fever, confusion and other changes in mental state, a "
        "strong return of spasticity, and muscle rigidity. In rare cases this has led to "
        "severe muscle breakdown (rhabdomyolysis), failure of several organs, and death.",
        "Preventing it depends on careful programming and monitoring of the pump, refills on "
        "schedule, and attention to pump alarms. People at higher risk need special attention: "
        "those with a spinal cord injury at T-6 or above, those who have trouble "
        "communicating, and those who have had withdrawal symptoms before.",
    ),
    boxed_warning_scope=(
        "Intrathecal baclofen (Gablofen, Lioresal Intrathecal) only — oral tablets and liquids "
        "carry no boxed warning"
    ),
    warnings=paragraphs(
        "Stopping suddenly. Tablets and liquids carry no boxed warning, but stopping them "
        "suddenly is still dangerous: hallucinations and seizures have happened. Other "
        "withdrawal effects include high fever, confusion, a strong return of spasticity and "
        "muscle stiffness, and rarely muscle breakdown, organ failure or death. Unless a "
        "serious side effect means it must stop at once, the dose is lowered slowly.",
        "Drowsiness. Baclofen can cause drowsiness and sedation, and alcohol and other "
        "sedating medicines add to it. Take care with anything that needs you to be alert.",
        "Kidney problems. Baclofen leaves the body mostly unchanged through the kidneys, so it "
        "is given with caution to people with kidney problems, and the dose may need to be "
        "lowered.",
        "Stroke and other conditions. Baclofen has not clearly helped people after a stroke, "
        "and they have tolerated it poorly. It has not been shown to work in cerebral palsy "
        "or Parkinson's disease, and it is not meant for muscle spasm caused by rheumatic "
        "disorders.",
        "Mental health. Baclofen can make psychotic disorders, schizophrenia or states of "
        "confusion worse.",
        "Other warnings in the labels of the newer oral products: epilepsy, autonomic "
        "dysreflexia, effects on posture and balance, and ovarian cysts.",
        "Intrathecal pump. A test (screening) dose must work before a pump is implanted, and "
        "people with a traumatic brain injury should wait at least a year before treatment. "
        "In the first 9 years of Gablofen's use there were 27 cases of withdrawal and 6 "
        "deaths; the usual causes were catheter problems, a low reservoir and a pump battery "
        "running out. A painful erection that will not go away (priapism) may develop or "
        "come back if the treatment is interrupted.",
        "Children. In the US, the safety and effectiveness of baclofen by mouth below age 12 "
        "have not been established. In the UK, the NHS says most adults and children aged "
        "1 month and older can take the tablets and liquid, and the injection can be given "
        "from age 4.",
        "Other medicines. The UK patient leaflet asks you to mention other muscle relaxants, "
        "lithium, tricyclic antidepressants, blood pressure medicines, levodopa/carbidopa and "
        "any sedating medicine before you start.",
    ),
    contraindications=(
        "Do not take baclofen if you have had an allergic reaction (hypersensitivity) to it."
    ),
    pregnancy=paragraphs(
        "There are no adequate studies in pregnant women, and the UK Teratology Information "
        "Service notes that use in pregnancy has been studied in only about 150 women. In rats "
        "given about 13 times the maximum human dose, baclofen increased a defect of the "
        "belly wall (omphalocele), at doses that also harmed the mothers; this was not seen "
        "in mice or rabbits.",
        "Babies whose mothers took baclofen by mouth throughout pregnancy have had withdrawal "
        "symptoms hours to days after birth: increased muscle tone, tremor, jitteriness and "
        "seizures. If baclofen is continued, the label advises lowering the dose slowly and "
        "stopping before delivery; if that is not possible, parents should be told to watch "
        "for withdrawal. Use it in pregnancy only if the benefit clearly justifies the risk.",
    ),
    breastfeeding=(
        "Baclofen passes into breast milk at the usual doses taken by mouth. If the mother "
        "stops taking it, a breastfed baby can have withdrawal symptoms."
    ),
    stopping=paragraphs(
        "Do not stop baclofen suddenly. Your doctor will taper the dose instead of stopping it "
        "at once; the NHS and the Canadian label describe lowering it gradually over about "
        "1 to 2 weeks. Only a serious side effect is a reason to stop at once. If baclofen "
        "has not helped after a fair trial, it is also withdrawn slowly.",
        "With intrathecal baclofen, never let the pump run out: keep every refill appointment "
        "and act on pump alarms (see the boxed warning).",
    ),
    overdose=(
        "Signs of too much baclofen include vomiting, floppy muscles, drowsiness, trouble "
        "focusing the eyes, seizures, slowed breathing and coma. Get emergency help at once."
    ),
    storage="Ozobax oral solution: keep it in the refrigerator, at 2–8 °C (36–46 °F).",
    formulations_note=paragraphs(
        "Some sources describe an extended-release (ER) baclofen that smooths blood levels "
        "and is taken less often. No extended-release form appears among the FDA baclofen "
        "labels, so none is listed here.",
        "Which form suits you depends on your lifestyle, how severe your symptoms are and how "
        "your body handles the medicine. Pharmacies can also prepare baclofen liquids from "
        "compounding kits (FIRST-Baclofen, 1 mg/mL and 5 mg/mL), and compounded creams exist. "
        "In the UK, baclofen comes as 10 mg tablets and a liquid of 5 mg in 5 mL.",
    ),
    practical_tips=(
        "Take baclofen with food or a full glass of water to reduce stomach upset.",
        "Keep a medication diary: note each dose, the time, and any new symptoms. It helps "
        "your doctor fine-tune the dose without guesswork.",
        "Avoid alcohol: it makes the drowsiness worse and can upset your coordination.",
        "Contact a healthcare professional right away if you notice sudden muscle weakness, "
        "changes in your vision or a racing heartbeat.",
        "Never stop suddenly or change the dose on your own; changes should be gradual.",
        "Pair it with physical therapy: exercise keeps your joints moving while baclofen eases "
        "the stiffness, and together they work better than the medicine alone.",
        "Combine it with stretching routines, ergonomic adjustments and supportive devices "
        "such as braces. For example, a simple daily hamstring stretch can add to its effect "
        "on calf spasticity, for a smoother walk and fewer falls.",
    ),
    names=(
        NameSpec("Lioresal", note="Also a UK brand"),
        NameSpec("Lioresal Intrathecal", note="Intrathecal injection"),
        NameSpec("Gablofen", note="Intrathecal injection"),
        NameSpec("Ozobax", note="Oral solution"),
        NameSpec("Fleqsuvy", note="Oral suspension"),
        NameSpec("Lyvispah", note="Oral granules"),
        NameSpec("Lyflex", note="UK brand"),
        NameSpec("Baclospas", note="UK brand"),
        NameSpec("Kemstro", kind=NameKind.FORMER_BRAND),
    ),
    indications=(
        IndicationSpec(
            "spasticity",
            notes=(
                "By mouth: spasticity that can improve with treatment, so that easing it helps "
                "restore function. Intrathecal baclofen (Gablofen, Lioresal Intrathecal): "
                "severe spasticity in adults and children aged 4 and over, for example when "
                "doses by mouth stop working or cause side effects that can't be tolerated."
            ),
        ),
        IndicationSpec(
            "multiple-sclerosis",
            notes=(
                "Spasticity from multiple sclerosis, especially to relieve flexor spasms and "
                "the pain that comes with them, clonus (rhythmic jerking) and muscle rigidity."
            ),
        ),
        IndicationSpec(
            "spinal-cord-injuries-and-diseases",
            notes=(
                "May be of some value in spinal cord injuries and other spinal cord diseases. "
                "Intrathecal baclofen is especially useful for severe spasticity after a "
                "spinal cord injury."
            ),
        ),
        IndicationSpec(
            "trigeminal-neuralgia",
            label_status=LabelStatus.OFF_LABEL,
            notes=(
                "Some clinicians prescribe it off-label for chronic pain syndromes such as "
                "trigeminal neuralgia, where nerve firing linked to spasm worsens the pain. "
                "This use is not in the FDA label."
            ),
        ),
    ),
    doses=(
        DoseSpec(
            population=Population.ADULT,
            condition="spasticity",
            route=Route.ORAL,
            dosage_form=DosageForm.TABLET,
            unit=Unit.MG,
            start_amount=5,
            times_per_day=3,
            step_amount=5,
            step_interval_days=3,
            target_amount=20,
            usual_min_per_day=40,
            usual_max_per_day=80,
            max_per_day=80,
            notes=paragraphs(
                "The label's schedule: 5 mg three times a day for 3 days, then 10 mg, 15 mg "
                "and 20 mg three times a day for 3 days each. Some people need more after "
                "that, up to 20 mg four times a day. The aim is the lowest dose that works "
                "well without side effects such as drowsiness or dizziness.",
                "The oral solution (Ozobax) follows the same schedule, measured in mL. Tablets "
                "and liquid start to work after about an hour, but finding the right dose "
                "takes days. If there is no benefit after a fair trial, baclofen is withdrawn "
                "slowly.",
            ),
        ),
        DoseSpec(
            population=Population.KIDNEY,
            route=Route.ORAL,
            dosage_form=DosageForm.TABLET,
            unit=Unit.MG,
            start_amount=5,
            times_per_day=1,
            notes=paragraphs(
                "Baclofen leaves the body mostly unchanged through the kidneys. The US label "
                "advises caution and says the dose may need to be lowered, without giving a "
                "number; doctors may cap the daily total to stop the drug building up.",
                "The figure above comes from the Canadian pms-Baclofen label, which advises a "
                "reduced dose in kidney impairment and, for people on dialysis, a particularly "
                "low dose of about 5 mg a day. In end-stage kidney failure it is used only "
                "when the benefit outweighs the risk, with close monitoring.",
            ),
        ),
        DoseSpec(
            population=Population.ADULT,
            condition="spasticity",
            route=Route.INTRATHECAL,
            dosage_form=DosageForm.INTRATHECAL_INJECTION,
            unit=Unit.MCG,
            start_amount=50,
            usual_min_per_day=300,
            usual_max_per_day=800,
            notes=paragraphs(
                "Before a pump is implanted, a single 50 mcg test (screening) dose is given "
                "into the spinal fluid to check that it helps. Delivering baclofen straight "
                "into the spinal fluid gives higher levels where it acts while keeping the "
                "amount in the rest of the body low.",
                "Through the pump, the maintenance dose is usually 300–800 mcg a day for "
                "spasticity that starts in the spinal cord, and 90–703 mcg a day for "
                "spasticity that starts in the brain. Gablofen is approved for adults and for "
                "children aged 4 and over.",
            ),
        ),
    ),
    formulations=(
        FormulationSpec(
            DosageForm.TABLET,
            strengths=("5 mg", "10 mg", "20 mg"),
            notes=(
                "Immediate release: start to work in about an hour, but are taken three or "
                "four times a day."
            ),
        ),
        FormulationSpec(
            DosageForm.ORAL_SOLUTION,
            brand="Ozobax",
            strengths=("5 mg/5 mL",),
            notes="Clear liquid with a grape aroma, in 473 mL bottles. Keep it in the fridge.",
        ),
        FormulationSpec(
            DosageForm.ORAL_SUSPENSION,
            brand="Fleqsuvy",
            strengths=("25 mg/5 mL",),
            notes=(
                "Grape-flavored, in 120 mL or 300 mL bottles; the most concentrated "
                "FDA-approved oral liquid baclofen."
            ),
        ),
        FormulationSpec(
            DosageForm.GRANULES,
            brand="Lyvispah",
            strengths=("5 mg", "10 mg", "20 mg"),
            notes=(
                "Strawberry-flavored single-dose packets. Empty into the mouth, or mix with up "
                "to 15 mL of liquid or soft food and take within 2 hours; can be given through "
                "a feeding tube."
            ),
        ),
        FormulationSpec(
            DosageForm.INTRATHECAL_INJECTION,
            route=Route.INTRATHECAL,
            brand="Gablofen",
            strengths=("50 mcg/mL", "500 mcg/mL", "1000 mcg/mL", "2000 mcg/mL"),
            notes=(
                "Preservative-free, in prefilled syringes and vials. The 50 mcg/mL strength is "
                "for the screening dose."
            ),
        ),
        FormulationSpec(
            DosageForm.INTRATHECAL_INJECTION,
            route=Route.INTRATHECAL,
            brand="Lioresal Intrathecal",
            strengths=("0.05 mg/mL", "10 mg/20 mL", "10 mg/5 mL", "40 mg/20 mL"),
        ),
    ),
    side_effects=(
        SideEffectSpec(
            "Drowsiness",
            frequency=FrequencyBand.VERY_COMMON,
            incidence="10–63%",
            advice=(
                "Usually passes as your body adjusts. Don't drive or use machines while you "
                "feel sleepy."
            ),
        ),
        SideEffectSpec(
            "Dizziness",
            frequency=FrequencyBand.VERY_COMMON,
            incidence="5–15%",
            advice="Take care with driving and machines until you know how it affects you.",
        ),
        SideEffectSpec(
            "Weakness",
            frequency=FrequencyBand.VERY_COMMON,
            incidence="5–15%",
            advice="Often mild and temporary. Tell your doctor if it gets in the way.",
        ),
        SideEffectSpec(
            "Nausea",
            frequency=FrequencyBand.VERY_COMMON,
            incidence="4–12%",
            advice="Take your doses with food or a full glass of water.",
        ),
        SideEffectSpec(
            "Confusion",
            frequency=FrequencyBand.VERY_COMMON,
            incidence="1–11%",
            advice="Tell your doctor, especially if it is new or getting worse.",
        ),
        SideEffectSpec(
            "Headache",
            frequency=FrequencyBand.COMMON,
            incidence="4–8%",
        ),
        SideEffectSpec(
            "Trouble sleeping (insomnia)",
            frequency=FrequencyBand.COMMON,
            incidence="2–7%",
        ),
        SideEffectSpec(
            "Constipation",
            frequency=FrequencyBand.COMMON,
            incidence="2–6%",
        ),
        SideEffectSpec(
            "Passing urine more often",
            frequency=FrequencyBand.COMMON,
            incidence="2–6%",
        ),
        SideEffectSpec(
            "Tiredness (fatigue)",
            frequency=FrequencyBand.COMMON,
            incidence="2–4%",
            advice="Mild fatigue is often temporary as your body adjusts.",
        ),
        SideEffectSpec(
            "Dry mouth",
            advice="Often temporary as your body adjusts.",
        ),
        SideEffectSpec(
            "Low blood pressure",
            frequency=FrequencyBand.COMMON,
            seriousness=Seriousness.SERIOUS,
            incidence="0–9%",
            advice="Get medical help if you feel faint or light-headed, or you pass out.",
        ),
        SideEffectSpec(
            "Hallucinations",
            seriousness=Seriousness.SERIOUS,
            advice=(
                "Get medical help now. Hallucinations have happened when baclofen was stopped "
                "suddenly."
            ),
        ),
        SideEffectSpec(
            "Seizures",
            seriousness=Seriousness.SERIOUS,
            advice="Call emergency services. Seizures have happened when baclofen was stopped "
            "suddenly.",
        ),
        SideEffectSpec(
            "Withdrawal symptoms if stopped suddenly",
            seriousness=Seriousness.SERIOUS,
            advice=(
                "High fever, confusion, hallucinations, seizures, or spasticity and stiffness "
                "coming back strongly after stopping suddenly or a pump problem: get emergency "
                "help."
            ),
        ),
        SideEffectSpec(
            "Sudden muscle weakness, vision changes or a racing heartbeat",
            seriousness=Seriousness.SERIOUS,
            advice=(
                "Contact a healthcare professional right away: these could signal an adverse "
                "reaction."
            ),
        ),
    ),
    interactions=(
        InteractionSpec(
            with_class="opioids",
            severity=Severity.MAJOR,
            effect=(
                "Baclofen with an opioid painkiller can cause dangerously slow breathing, deep "
                "sedation, fainting and death."
            ),
            advice=(
                "Use together only if your doctor decides it is needed and monitors you. Get "
                "emergency help for slow or shallow breathing or extreme sleepiness."
            ),
        ),
        InteractionSpec(
            with_class="cns-depressants",
            severity=Severity.MODERATE,
            effect=(
                "Baclofen and other medicines that slow the brain, such as benzodiazepines and "
                "opioids, add to each other's drowsiness and sedation."
            ),
            advice=(
                "Tell your doctor about every sedating medicine you take, and don't drive if "
                "you feel drowsy."
            ),
        ),
        InteractionSpec(
            with_substance="alcohol",
            severity=Severity.MODERATE,
            effect="Alcohol adds to baclofen's drowsiness and can impair coordination.",
            advice="Avoid alcohol while you take baclofen.",
        ),
    ),
    # What this monograph corrected in the page it grew from, where the FDA label says
    # otherwise (see DESIGN: the label wins).
    changes=(
        ChangeSpec(
            "The usual daily dose is 40–80 mg, as the FDA label gives it (the source page "
            "said 30–80 mg).",
            section="dosage",
            section_title="Dosage",
        ),
        ChangeSpec(
            "Increases are 5 mg per dose every 3 days, the label's schedule, rather than "
            "\u201cevery few days\u201d.",
            section="dosage",
            section_title="Dosage",
        ),
        ChangeSpec(
            "No extended-release form is listed: none appears among the FDA baclofen labels.",
            section="formulations",
            section_title="Forms and strengths",
        ),
        ChangeSpec(
            "The boxed warning against stopping suddenly is shown for intrathecal baclofen, "
            "the product that carries it, not for the tablets.",
            section="warnings",
            section_title="Warnings",
        ),
    ),
    references=(
        fda_label(
            "Baclofen tablets, USP: prescribing information (RemedyRepack)",
            set_id="00c6c924-ddfd-4a75-afd7-f6561ff9abbc",
        ),
        ReferenceSpec(
            "Gablofen (baclofen injection), intrathecal: label, version 39",
            publisher="U.S. National Library of Medicine (DailyMed)",
            url=(
                "https://dailymed.nlm.nih.gov/dailymed/lookup.cfm"
                "?setid=00d3e846-dd92-448d-9ab8-6a07be823cc1"
            ),
        ),
        ReferenceSpec(
            "Gablofen: warnings and precautions (label section 5.5)",
            publisher="MedLibrary.org",
            url="https://medlibrary.org/lib/rx/meds/gablofen/page/3/",
        ),
        ReferenceSpec(
            "Gablofen (baclofen): drug summary",
            publisher="PDR",
            url="https://physician.pdr.net/drug-summary/Gablofen-baclofen-1389",
        ),
        ReferenceSpec(
            "Gablofen: indications and use",
            publisher="eDrugsWiki",
            url="http://edrugswiki.com/drug/gablofen",
        ),
        ReferenceSpec(
            "Ozobax (baclofen) oral solution: prescribing information",
            publisher="MedLibrary.org",
            url="https://medlibrary.org/lib/rx/meds/ozobax/",
        ),
        ReferenceSpec(
            "How to take Ozobax",
            publisher="Ozobax (product website)",
            url="https://ozobax.com/patient/how-to-take-ozobax/",
        ),
        ReferenceSpec(
            "Ozobax: safety profile",
            publisher="Ozobax (product website)",
            url="https://ozobax.com/hcp/safety-profile/",
        ),
        ReferenceSpec(
            "Baclofen tablets: how supplied",
            publisher="MedLibrary.org",
            url="https://medlibrary.org/lib/rx/meds/baclofen-16/page/2/",
        ),
        ReferenceSpec(
            "Baclofen: drug interactions and use in specific populations",
            publisher="MedLibrary.org",
            url="https://medlibrary.org/lib/rx/meds/baclofen-8/page/2/",
        ),
        ReferenceSpec(
            "Lioresal (baclofen): dosing, indications and interactions",
            publisher="Medscape",
            url="https://reference.medscape.com/drug/lioresal-baclofen-343335",
        ),
        ReferenceSpec(
            "About baclofen",
            publisher="NHS",
            url="https://nhs.uk/medicines/baclofen/about-baclofen",
        ),
        ReferenceSpec(
            "pms-Baclofen: dosage (Canadian label)",
            publisher="MIMS",
            url="https://prdmimsweb.azurewebsites.net/singapore/drug/info/pms-baclofen/dosage",
        ),
        ReferenceSpec(
            "Baclofen: uses, dosage and side effects",
            publisher="Drugs.com",
            url="http://www.drugs.com/mtm/baclofen.html",
        ),
        ReferenceSpec(
            "Baclofen: professional patient advice",
            publisher="Drugs.com",
            url="https://www.drugs.com/ppa/baclofen.html",
        ),
        ReferenceSpec(
            "Lyvispah dosage",
            publisher="Drugs.com",
            url="https://www.drugs.com/dosage/lyvispah.html",
        ),
        ReferenceSpec(
            "Baclofen: brand names and overview",
            publisher="Medifind",
            url="https://www.medifind.com/drugs/534578670",
        ),
        ReferenceSpec(
            "Lyvispah (baclofen) oral granules: description and mechanism of action",
            publisher="MDtoDate",
            url="https://mdtodate.com/lyvispah/",
        ),
        ReferenceSpec(
            "FDA approves Fleqsuvy for treatment of spasticity related to multiple sclerosis",
            publisher="Pharmacy Times",
            url=(
                "https://pharmacytimes.com/view/"
                "fda-approves-fleqsuvy-for-treatment-of-spasticity-related-to-multiple-sclerosis"
            ),
        ),
        ReferenceSpec(
            "Lioresal Intrathecal: side effects",
            publisher="RxList",
            url="http://www.rxlist.com/lioresal-intrathecal-side-effects-drug-center.htm",
        ),
        ReferenceSpec(
            "Baclofen: MPR monograph (oral; Kemstro)",
            publisher="MPR (mirror at butalbitalapap.org)",
            url="http://butalbitalapap.org/index-3281.html",
        ),
        ReferenceSpec(
            "Gablofen: MPR monograph (intrathecal)",
            publisher="MPR (mirror at butalbitalapap.org)",
            url="http://butalbitalapap.org/index-3327.html",
        ),
        ReferenceSpec(
            "Baclofen: adverse reactions (older tablet label)",
            publisher="GlobalRPh (mirror of label text)",
            url="https://globalrph.com/rx-list/baclofen-drug",
        ),
        ReferenceSpec(
            "Baclofen 10 mg oral tablet: renal impairment and overdosage (older label)",
            publisher="DrugInteractionChecker.com (mirror of label text)",
            url="http://www.druginteractionchecker.com/baclofen-10-mg-oral-tablet/",
        ),
        ReferenceSpec(
            "Baclofen for muscle spasm",
            publisher="Medicines for Children (UK)",
            url="https://www.medicinesforchildren.org.uk/medicines/baclofen-for-muscle-spasm/",
        ),
        ReferenceSpec(
            "Baclofen: patient information leaflet (UK)",
            publisher="Docslib",
            url="https://docslib.org/doc/4063359/baclofen-10mg-tablets",
        ),
        ReferenceSpec(
            "Baclofen (NHS text)",
            publisher="HealthUnlocked (mirror of NHS text)",
            url="https://healthunlocked.com/tag/baclofen?page=1",
        ),
        ReferenceSpec(
            "Use of baclofen in pregnancy",
            publisher="UK Teratology Information Service (medicinesinpregnancy.org)",
            url="https://www.medicinesinpregnancy.org/Medicine--pregnancy/Baclofen/",
        ),
        ReferenceSpec(
            "Ozobax (baclofen) new drug approval",
            publisher="PharmaShots",
            url="https://pharmashots.com/press-releases/ozobax-baclofen-new-drug-approval",
        ),
    ),
)
