from django.apps import AppConfig
from django.db.models.signals import post_save


class ReviewsConfig(AppConfig):
    name = "caretime.reviews"
    label = "reviews"
    verbose_name = "Reviews"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caretime.accounts.audit import review_decided
        from caretime.directory.demo import demo_clinics_removing
        from caretime.directory.rosters import rosters_changed
        from caretime.reviews.demo import forget_demo_clinics
        from caretime.reviews.models import ReviewDecision
        from caretime.reviews.services import rescreen_changed_rosters

        # Every moderator's decision on a review goes to the admin log too.
        post_save.connect(review_decided, sender=ReviewDecision, dispatch_uid="caretime.reviews.audit")
        demo_clinics_removing.connect(forget_demo_clinics, dispatch_uid="caretime.reviews.demo")
        # A clinician added to a roster, or renamed, is screened out of the clinic's stored reviews.
        rosters_changed.connect(rescreen_changed_rosters, dispatch_uid="caretime.reviews.rescreen")
