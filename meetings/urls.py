"""Meetings web routes."""

app_name = "meetings"

urlpatterns: list = []
