"""Public drug URLs: /drugs/, /drug-classes/, /conditions/."""

from django.urls import path

from drugs import views
from drugs.feeds import DrugChangesFeed

app_name = "drugs"

urlpatterns = [
    path("drugs/", views.DrugListView.as_view(), name="list"),
    path("drugs.json", views.drug_index_json, name="list-json"),
    path("drugs/<slug:slug>.json", views.drug_json, name="detail-json"),
    path("drugs/<slug:slug>/", views.DrugDetailView.as_view(), name="detail"),
    path("drugs/<slug:slug>/changes/", views.DrugChangeListView.as_view(), name="changes"),
    path("drugs/<slug:slug>/changes/feed/", DrugChangesFeed(), name="changes-feed"),
    path(
        "drugs/<slug:slug>/interactions/",
        views.DrugInteractionListView.as_view(),
        name="drug-interactions",
    ),
    path(
        "drugs/<slug:slug>/interactions.json",
        views.drug_interactions_json,
        name="drug-interactions-json",
    ),
    path("drugs/<slug:slug>/feedback/", views.section_feedback, name="feedback"),
    path("drugs/<slug:slug>/diary/", views.diary, name="diary"),
    path("drug-classes/<slug:slug>/", views.DrugClassDetailView.as_view(), name="class-detail"),
    path("conditions/", views.ConditionListView.as_view(), name="condition-list"),
    path("conditions/<slug:slug>/", views.ConditionDetailView.as_view(), name="condition-detail"),
    path("interactions/", views.interaction_checker, name="interactions"),
]
