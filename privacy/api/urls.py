from django.urls import path

from privacy.api import views

urlpatterns = [
    path("me/data/", views.PersonalDataView.as_view(), name="api_me_data"),
    path("me/erase/", views.AccountEraseView.as_view(), name="api_me_erase"),
]
