"""Drug classes, conditions and substances the demo monographs point to.

Class examples are the ones the FDA labels name (tizanidine, gabapentin, fluoxetine, diazepam,
dantrolene and cyclobenzaprine labels). Parents come before their children.
"""

from medguide.demo.specs import ClassSpec, ConditionSpec, SubstanceSpec

CLASSES = (
    ClassSpec(
        name="CNS depressants",
        slug="cns-depressants",
        description=(
            "Medicines that slow down the brain and nervous system, such as opioids, "
            "benzodiazepines, sedatives and tranquilizers. Taken together, their drowsy, "
            "sedating effects add up; alcohol does the same."
        ),
    ),
    ClassSpec(
        name="Opioids",
        slug="opioids",
        parent="cns-depressants",
        description=(
            "Strong pain medicines such as morphine, hydrocodone, oxycodone and buprenorphine. "
            "Combined with other sedating medicines they can slow or stop breathing."
        ),
    ),
    ClassSpec(
        name="Benzodiazepines",
        slug="benzodiazepines",
        parent="cns-depressants",
        description=(
            "Calming medicines such as diazepam and alprazolam. They act at GABA-A sites in "
            "the brain and can lead to dependence when taken for a long time."
        ),
    ),
    ClassSpec(
        name="Skeletal muscle relaxants",
        slug="skeletal-muscle-relaxants",
        description="Medicines that ease muscle stiffness (spasticity) or painful muscle spasm.",
    ),
    ClassSpec(
        name="Alpha-2 adrenergic agonists",
        slug="alpha-2-adrenergic-agonists",
        description=(
            "Medicines that act on alpha-2 adrenergic receptors. They can lower blood pressure, "
            "and two of them taken together lower it further."
        ),
    ),
    ClassSpec(
        name="Antiepileptic drugs",
        slug="antiepileptic-drugs",
        description=(
            "Medicines that prevent seizures (anticonvulsants). As a group they slightly raise "
            "the risk of suicidal thoughts and behavior, whatever they are taken for."
        ),
    ),
    ClassSpec(
        name="Antidepressants",
        slug="antidepressants",
        description="Medicines used to treat depression and related conditions.",
    ),
    ClassSpec(
        name="Selective serotonin reuptake inhibitors (SSRIs)",
        slug="ssris",
        parent="antidepressants",
        description=(
            "Antidepressants such as fluoxetine that interfere with the reuptake of serotonin, "
            "a chemical messenger in the brain."
        ),
    ),
    ClassSpec(
        name="Tricyclic antidepressants (TCAs)",
        slug="tricyclic-antidepressants",
        parent="antidepressants",
        description="Older antidepressants such as amitriptyline, imipramine and desipramine.",
    ),
    ClassSpec(
        name="Monoamine oxidase inhibitors (MAOIs)",
        slug="maois",
        description=(
            "Medicines that block the enzyme monoamine oxidase. Some treat depression and other "
            "psychiatric disorders; the antibiotic linezolid and intravenous methylene blue act "
            "the same way."
        ),
    ),
    ClassSpec(
        name="Strong CYP1A2 inhibitors",
        slug="strong-cyp1a2-inhibitors",
        description=(
            "Medicines that strongly block CYP1A2, a liver enzyme that breaks down some drugs, "
            "for example fluvoxamine and ciprofloxacin."
        ),
    ),
    ClassSpec(
        name="Moderate or weak CYP1A2 inhibitors",
        slug="moderate-or-weak-cyp1a2-inhibitors",
        description=(
            "Medicines that partly block the liver enzyme CYP1A2, for example zileuton, "
            "amiodarone, mexiletine, propafenone, verapamil, cimetidine, famotidine, oral "
            "contraceptives, acyclovir and ticlopidine."
        ),
    ),
    ClassSpec(
        name="Antihypertensives",
        slug="antihypertensives",
        description="Medicines that lower high blood pressure.",
    ),
    ClassSpec(
        name="Calcium channel blockers",
        slug="calcium-channel-blockers",
        description="A group of heart medicines that includes verapamil.",
    ),
    ClassSpec(
        name="Estrogens",
        slug="estrogens",
        description="Hormone medicines that contain estrogen.",
    ),
    ClassSpec(
        name="Antacids",
        slug="antacids",
        description=(
            "Indigestion remedies, for example Maalox (aluminum hydroxide and magnesium hydroxide)."
        ),
    ),
    ClassSpec(
        name="Medicines that affect blood clotting",
        slug="medicines-that-affect-blood-clotting",
        description=("Pain relievers called NSAIDs, aspirin, and blood thinners such as warfarin."),
    ),
)

CONDITIONS = (
    ConditionSpec(
        name="Spasticity",
        slug="spasticity",
        summary=(
            "Muscles tighten and contract on their own, causing stiffness and spasms. It comes "
            "from damage to the brain or spinal cord, for example in multiple sclerosis, spinal "
            "cord injury, stroke or cerebral palsy."
        ),
    ),
    ConditionSpec(
        name="Multiple sclerosis",
        slug="multiple-sclerosis",
        summary=(
            "A disease of the brain and spinal cord. Many people with it have spasticity, with "
            "painful spasms and stiff muscles."
        ),
    ),
    ConditionSpec(
        name="Spinal cord injuries and diseases",
        slug="spinal-cord-injuries-and-diseases",
        summary="Damage to or disease of the spinal cord, which can cause spasticity.",
    ),
    ConditionSpec(
        name="Trigeminal neuralgia",
        slug="trigeminal-neuralgia",
        summary="A chronic nerve pain syndrome.",
    ),
    ConditionSpec(
        name="Muscle spasm",
        slug="muscle-spasm",
        summary=(
            "Painful tightening of muscles, for example after an injury or with inflamed muscles "
            "or joints."
        ),
    ),
    ConditionSpec(
        name="Malignant hyperthermia",
        slug="malignant-hyperthermia",
        summary=(
            "A dangerous reaction that anesthesia can trigger during surgery in people who are "
            "susceptible to it."
        ),
    ),
    ConditionSpec(
        name="Anxiety disorders",
        slug="anxiety-disorders",
        summary=(
            "Anxiety that is lasting and troublesome. Tension from the stress of everyday life "
            "usually does not need medicine."
        ),
    ),
    ConditionSpec(
        name="Alcohol withdrawal",
        slug="alcohol-withdrawal",
        summary=(
            "Symptoms that can follow stopping alcohol: agitation, shaking, and in severe cases "
            "confusion (delirium tremens) and hallucinations."
        ),
    ),
    ConditionSpec(
        name="Epilepsy",
        slug="epilepsy",
        summary="A condition that causes repeated seizures (convulsions).",
    ),
    ConditionSpec(
        name="Postherpetic neuralgia",
        slug="postherpetic-neuralgia",
        summary="Nerve pain that lasts after shingles has healed.",
    ),
    ConditionSpec(
        name="Major depressive disorder",
        slug="major-depressive-disorder",
        summary="Depression: low mood and loss of interest that last and affect daily life.",
    ),
    ConditionSpec(
        name="Obsessive-compulsive disorder (OCD)",
        slug="obsessive-compulsive-disorder",
        summary=(
            "Unwanted thoughts that keep coming back (obsessions) and urges to repeat actions "
            "(compulsions)."
        ),
    ),
    ConditionSpec(
        name="Bulimia nervosa",
        slug="bulimia-nervosa",
        summary="An eating disorder with bouts of binge eating followed by vomiting.",
    ),
    ConditionSpec(
        name="Panic disorder",
        slug="panic-disorder",
        summary=(
            "Repeated panic attacks, with or without fear of places that feel hard to escape "
            "(agoraphobia)."
        ),
    ),
    ConditionSpec(
        name="Bipolar I depression",
        slug="bipolar-i-depression",
        summary="The low (depressive) episodes of bipolar I disorder.",
    ),
)

SUBSTANCES = (SubstanceSpec(name="Alcohol", slug="alcohol"),)
