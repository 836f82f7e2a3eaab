from django.urls import path

from caretime.clinicside import views

urlpatterns = [
    path("clinics/<int:clinic_id>/claim/", views.claim_clinic, name="claim-clinic"),
    path("clinics/<int:clinic_id>/claim/code/", views.enter_code, name="claim-code"),
    path("clinics/<int:clinic_id>/correction/", views.report_wrong_listing, name="report-wrong-listing"),
    path("clinics/<int:clinic_id>/listing-is-right/", views.listing_is_right, name="listing-is-right"),
]
