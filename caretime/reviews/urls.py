from django.urls import path

from caretime.reviews import views

urlpatterns = [
    path("clinics/<int:clinic_id>/reviews/not-recommended/", views.not_recommended, name="not-recommended-reviews"),
    path("reviews/<int:review_id>/flag/", views.flag, name="flag-review"),
    path("about/review-policy/", views.policy, name="review-policy"),
]
