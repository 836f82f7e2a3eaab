"""The clinic directory: organisations, their practice locations (clinics), what they
offer, which insurance they take, and who works there."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from caretime.core.disciplines import DISCIPLINE_LABELS, Discipline
from caretime.core.geo import BoundingBox, Point
from caretime.core.npi import npi_problem


def validate_npi(value: str) -> None:
    problem = npi_problem(value)
    if problem:
        raise ValidationError(problem)


class DisciplineChoices(models.TextChoices):
    PHYSICAL_THERAPY = Discipline.PHYSICAL_THERAPY.value, DISCIPLINE_LABELS[Discipline.PHYSICAL_THERAPY]
    OCCUPATIONAL_THERAPY = (
        Discipline.OCCUPATIONAL_THERAPY.value,
        DISCIPLINE_LABELS[Discipline.OCCUPATIONAL_THERAPY],
    )
    SPEECH_LANGUAGE_PATHOLOGY = (
        Discipline.SPEECH_LANGUAGE_PATHOLOGY.value,
        DISCIPLINE_LABELS[Discipline.SPEECH_LANGUAGE_PATHOLOGY],
    )


class Organization(models.Model):
    """A legal entity that runs one or more clinics (an NPPES type 2 provider)."""

    npi = models.CharField("NPI", max_length=10, unique=True, null=True, blank=True, validators=[validate_npi])
    legal_name = models.CharField(max_length=300)
    doing_business_as = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo region.")
    medicare_group_pac_id = models.CharField(
        "Medicare group PAC ID",
        max_length=10,
        blank=True,
        db_index=True,
        help_text="The group practice this organisation bills Medicare as (Doctors and Clinicians file).",
    )
    last_imported_at = models.DateTimeField(null=True, blank=True, help_text="When a public file last listed it.")
    public_id = models.UUIDField(
        null=True,
        unique=True,
        editable=False,
        help_text="Its id in open data (caretime.core.public_ids), kept so that a request naming it is a lookup.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.doing_business_as or self.legal_name


class InsurancePlan(models.Model):
    """A payer or plan a clinic accepts. Curated entries are the common US payers; other
    entries come from clinics or imports and are shown as written."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    is_curated = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_curated", "name"]

    def __str__(self) -> str:
        return self.name


def in_box(box: BoundingBox, via: str = "") -> models.Q:
    """Clinics inside a latitude/longitude box, through the coordinates index. ``via`` is the
    path to the clinic from another model, e.g. ``"clinic__"``: the one way every search,
    evidence source and ranking narrows rows to a box."""
    return models.Q(
        **{
            f"{via}latitude__gte": box.min_latitude,
            f"{via}latitude__lte": box.max_latitude,
            f"{via}longitude__gte": box.min_longitude,
            f"{via}longitude__lte": box.max_longitude,
        }
    )


class ClinicQuerySet(models.QuerySet["Clinic"]):
    def active(self) -> ClinicQuerySet:
        return self.filter(is_active=True)

    def in_box(self, box: BoundingBox) -> ClinicQuerySet:
        return self.filter(in_box(box))

    # EXISTS rather than a join: the planner then walks the clinics (for a radius search,
    # the few inside the latitude/longitude box) and probes one index per clinic.
    def offering(self, discipline: str) -> ClinicQuerySet:
        return self.filter(
            models.Exists(ClinicService.objects.filter(clinic=models.OuterRef("pk"), discipline=discipline))
        )

    def accepting(self, insurance_slug: str) -> ClinicQuerySet:
        plans = Clinic.insurance_plans.through.objects.filter(
            clinic=models.OuterRef("pk"), insuranceplan__slug=insurance_slug
        )
        return self.filter(models.Exists(plans))


class ClinicSource(models.TextChoices):
    """Where a clinic row came from; imports only ever touch rows of their own source."""

    NPPES = "nppes", _("NPPES practice location")
    NPPES_SECONDARY = "nppes-secondary", _("NPPES secondary practice location")
    DOCTORS_CLINICIANS = "doctors-clinicians", _("Medicare Doctors and Clinicians group address")


class Clinic(models.Model):
    """One practice location: the place a patient goes to. Reports, reviews and verdicts
    attach here, because care time is decided by how a location books its therapists."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="clinics")
    name = models.CharField(max_length=300)
    address_line1 = models.CharField(max_length=200)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2)
    zip_code = models.CharField("ZIP code", max_length=5)
    latitude = models.FloatField()
    longitude = models.FloatField()
    phone = models.CharField(max_length=20, blank=True)
    insurance_plans = models.ManyToManyField(InsurancePlan, blank=True, related_name="clinics")
    is_active = models.BooleanField(default=True)
    is_demo = models.BooleanField(default=False, db_index=True, help_text="Invented for the demo region.")
    source = models.CharField(max_length=20, choices=ClinicSource.choices, blank=True)
    source_key = models.CharField(
        max_length=120,
        unique=True,
        null=True,
        blank=True,
        help_text="The same location in the next file gets the same key, so re-imports update in place.",
    )
    last_imported_at = models.DateTimeField(null=True, blank=True, help_text="When a public file last listed it.")
    public_id = models.UUIDField(
        null=True,
        unique=True,
        editable=False,
        help_text="Its id in open data (caretime.core.public_ids), kept so that a request naming it is a lookup.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClinicQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="clinic_lat_lon")]

    def __str__(self) -> str:
        return f"{self.name} ({self.city}, {self.state})"

    @property
    def point(self) -> Point:
        return Point(self.latitude, self.longitude)

    @property
    def disciplines(self) -> list[str]:
        """Discipline codes in a stable order; uses prefetched services when present."""
        codes = {service.discipline for service in self.services.all()}
        return [choice.value for choice in DisciplineChoices if choice.value in codes]

    def offers(self, discipline: str) -> bool:
        """Whether the clinic takes reports and pages about this therapy: one it is listed for,
        or any therapy when the directory lists none for it (we then know too little to refuse)."""
        disciplines = self.disciplines
        return not disciplines or discipline in disciplines

    @property
    def discipline_labels(self) -> list[str]:
        # The labels are English, marked in caretime.core.disciplines; shown translated.
        return [gettext(DisciplineChoices(code).label) for code in self.disciplines]

    @property
    def formatted_phone(self) -> str:
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        if len(digits) == 10:
            return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
        return self.phone


class ClinicService(models.Model):
    """A discipline a clinic offers."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="services")
    discipline = models.CharField(max_length=3, choices=DisciplineChoices.choices)
    public_id = models.UUIDField(
        null=True,
        unique=True,
        editable=False,
        help_text="Its id in open data (caretime.core.public_ids), kept so that a request naming it is a lookup.",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["clinic", "discipline"], name="one_service_per_discipline")]
        indexes = [models.Index(fields=["discipline", "clinic"], name="service_discipline_clinic")]

    def __str__(self) -> str:
        return f"{self.clinic_id}: {self.get_discipline_display()}"


class Clinician(models.Model):
    """An individual therapist or assistant (NPPES type 1). Kept so that their names can be
    kept out of published reviews; clinicians are never rated."""

    npi = models.CharField("NPI", max_length=10, unique=True, null=True, blank=True, validators=[validate_npi])
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    credential = models.CharField(max_length=50, blank=True)
    discipline = models.CharField(max_length=3, choices=DisciplineChoices.choices)
    clinics = models.ManyToManyField(Clinic, blank=True, related_name="clinicians")
    is_demo = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    last_imported_at = models.DateTimeField(null=True, blank=True, help_text="When a public file last listed them.")

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}{', ' + self.credential if self.credential else ''}"
