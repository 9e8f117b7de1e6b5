from django.urls import path

from credit import views

app_name = "credit"

urlpatterns = [
    path("credit/organizations/<int:pk>/", views.organization_credit, name="organization"),
    path("credit/lists/", views.public_lists, name="lists"),
    path("credit/lists/download.<str:fmt>", views.download_lists, name="lists-download"),
    path("credit/honours/", views.honour_roll, name="honours"),
    path("credit/voice/", views.voice, name="voice"),
    path("credit/organizations/<int:pk>/appeal/", views.appeal, name="appeal"),
]
