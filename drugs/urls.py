"""Public drug URLs: /drugs/, /drug-classes/, /conditions/."""

from django.urls import path

from drugs import views

app_name = "drugs"

urlpatterns = [
    path("drugs/", views.DrugListView.as_view(), name="list"),
    path("drugs/<slug:slug>/", views.DrugDetailView.as_view(), name="detail"),
    path("drug-classes/<slug:slug>/", views.DrugClassDetailView.as_view(), name="class-detail"),
    path("conditions/", views.ConditionListView.as_view(), name="condition-list"),
    path("conditions/<slug:slug>/", views.ConditionDetailView.as_view(), name="condition-detail"),
]
