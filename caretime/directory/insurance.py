"""The curated list of common US payers offered in search filters.

Clinics and imports can add other plans; those are shown as written but not offered as
filter choices, so the filter stays short and readable.
"""

CURATED_PLANS: tuple[tuple[str, str], ...] = (
    ("medicare", "Medicare"),
    ("medicaid", "Medicaid"),
    ("medicare-advantage", "Medicare Advantage (any plan)"),
    ("aetna", "Aetna"),
    ("anthem", "Anthem Blue Cross Blue Shield"),
    ("blue-cross-blue-shield", "Blue Cross Blue Shield (other)"),
    ("cigna", "Cigna"),
    ("humana", "Humana"),
    ("kaiser-permanente", "Kaiser Permanente"),
    ("unitedhealthcare", "UnitedHealthcare"),
    ("tricare", "TRICARE"),
    ("molina", "Molina Healthcare"),
    ("ambetter", "Ambetter"),
    ("oscar", "Oscar Health"),
    ("workers-compensation", "Workers' compensation"),
    ("self-pay", "Self-pay (no insurance)"),
)
