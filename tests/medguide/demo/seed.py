"""What the seed lists, which the demo follows: its four guides, in the order it shows them on
the Baclofen page, and the title and summary of the guide it is built around."""

GUIDES = [
    "baclofen-for-chronic-abdominal-pain",
    "exercise-tips-for-fluoxetine-users",
    "footwear-advice-for-muscle-stiffness",
    "how-smoking-affects-heart-failure",
]
SEED_TITLE = "Baclofen for Chronic Abdominal Pain: Benefits, Risks & Practical Guide"
SEED_SUMMARY = (
    "Explore how Baclofen can relieve chronic abdominal pain, its dosing, safety, evidence, and "
    "how it compares to other GI therapies."
)
