from django.urls import path

from caretime.workplace import employers, views

urlpatterns = [
    path("clinics/<int:clinic_id>/<str:discipline>/workplace-report/", views.worker_report, name="worker-report"),
    path("employers/", employers.employer_search, name="employers"),
]
