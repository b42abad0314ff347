"""Meetings API routes."""

urlpatterns: list = []
