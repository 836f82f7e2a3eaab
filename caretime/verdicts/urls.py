from django.urls import path

from caretime.verdicts import clinic_side, report_pages, review_pages, views

urlpatterns = [
    path("clinics/", views.clinic_search, name="clinic-search"),
    path("clinics/<int:clinic_id>/", views.clinic_detail, name="clinic-detail"),
    path("clinics/<int:clinic_id>/<str:discipline>/ask/", report_pages.ask_before_booking, name="ask-before-booking"),
    path("clinics/<int:clinic_id>/<str:discipline>/verdict/", views.clinic_verdict, name="clinic-verdict"),
    path("clinics/<int:clinic_id>/<str:discipline>/letters/", views.clinic_letters, name="clinic-letters"),
    path("clinics/<int:clinic_id>/<str:discipline>/visit-timer/", report_pages.visit_timer, name="visit-timer"),
    path("clinics/<int:clinic_id>/<str:discipline>/visit-report/", report_pages.visit_report, name="visit-report"),
    path("account/reports/", report_pages.my_reports, name="my-reports"),
    path("account/reports/<str:kind>/<int:report_id>/delete/", report_pages.delete_my_report, name="delete-my-report"),
    path("clinics/<int:clinic_id>/<str:discipline>/review/", review_pages.write_review, name="write-review"),
    path("reviews/<int:review_id>/edit/", review_pages.edit_review_page, name="edit-review"),
    path("reviews/<int:review_id>/delete/", review_pages.delete_review_page, name="delete-review"),
    path("clinics/<int:clinic_id>/manage/", clinic_side.manage_clinic, name="clinic-manage"),
    path("reviews/<int:review_id>/answer/", clinic_side.answer_review_page, name="answer-review"),
    path("compare/", views.compare, name="compare"),
    path("your-bar/", views.set_bar, name="set-bar"),
]
