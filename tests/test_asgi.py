"""The ASGI entry point sets the garbage collector up for a process holding many sockets."""

import gc

from django.conf import settings


def test_loading_the_application_freezes_it_and_widens_the_young_generation():
    import mentorship.asgi  # noqa: F401 - importing it is what is tested

    # Django, the URLconf and the views are out of the collector's view...
    assert gc.get_freeze_count() > 50_000
    # ...and young collections run every SERVER_GC_THRESHOLDS[0] allocations, not every 700.
    assert gc.get_threshold() == tuple(settings.SERVER_GC_THRESHOLDS)
    assert settings.SERVER_GC_THRESHOLDS[0] > 700
