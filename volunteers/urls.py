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
    path("volunteers/projects/", views.project_library, name="projects"),
    path("volunteers/fund/", views.fund, name="fund"),
    path("volunteers/courses/", views.courses, name="courses"),
    path("volunteers/training/report/", views.training_report, name="training-report"),
]
