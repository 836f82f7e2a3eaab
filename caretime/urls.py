from django.contrib import admin
from django.urls import include, path

from caretime.api.api import api
from caretime.billing import views as billing_views
from caretime.directory import views as directory_views
from caretime.web import views as web_views

urlpatterns = [
    path("", directory_views.home, name="home"),
    path("about/", web_views.about, name="about"),
    path("data/states/", billing_views.state_picture_page, name="billing-states"),
    path("", include("caretime.verdicts.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "caretime.web.views.page_not_found"
