"""Registry pages, one module per topic; each module exports its ``urlpatterns``."""
