from django.urls import path

from privacy import views

app_name = "privacy"

# Mounted under /account/, next to the account settings page that links to them.
urlpatterns = [
    path("data/", views.personal_data_download, name="data_download"),
    path("erase/", views.account_erase, name="erase"),
    path("erased/", views.account_erased, name="erased"),
]
