"""Goals API routes."""

urlpatterns: list = []
