from django.urls import path

from volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("volunteers/", views.activity_list, name="activities"),
    path("volunteers/register/", views.register, name="register"),
    path("volunteers/activities/<int:pk>/", views.activity_detail, name="activity"),
    path("volunteers/activities/<int:pk>/roster/", views.roster, name="roster"),
    path("volunteers/activities/<int:pk>/copy/", views.copy, name="copy"),
    path("volunteers/me/hours/", views.my_hours, name="my-hours"),
    path("volunteers/me/certificate/", views.certificate, name="certificate"),
]
