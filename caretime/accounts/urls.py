from django.urls import path

from caretime.accounts import views

urlpatterns = [
    path("", views.account_home, name="account-home"),
    path("tokens/", views.create_token, name="account-token-create"),
    path("tokens/<int:token_id>/revoke/", views.revoke_token, name="account-token-revoke"),
]
