from django.urls import path

from mehman.demo import views

app_name = "demo"

urlpatterns = [
    path("synthetic/", views.synthetic, name="synthetic"),
    path("synthetic/<uuid:task>/download/", views.synthetic_download, name="synthetic_download"),
]
