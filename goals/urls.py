"""Goals web routes."""

app_name = "goals"

urlpatterns: list = []
