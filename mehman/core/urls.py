from django.urls import path

from mehman.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("settlements/<str:code>/", views.settlement_detail, name="settlement"),
    path("settlements/<str:code>/edit/", views.settlement_edit, name="settlement_edit"),
    path("tasks/<uuid:task>/", views.task_progress, name="task"),
    path("healthz", views.healthz, name="healthz"),
]
