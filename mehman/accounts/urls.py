from django.urls import path

from mehman.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout, name="logout"),
    path("preferences/", views.preferences, name="preferences"),
    path("password/", views.change_password, name="password"),
    path("language/", views.set_language, name="set_language"),
    path("staff/", views.staff_list, name="staff"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<str:username>/", views.staff_detail, name="staff_detail"),
]
