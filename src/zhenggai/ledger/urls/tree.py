from django.urls import path

from zhenggai.ledger.views import tree

urlpatterns = [
    path("inspections/", tree.inspection_list, name="inspection-list"),
    path("inspections/<int:pk>/", tree.inspection_detail, name="inspection-detail"),
    path("aspects/<int:pk>/", tree.aspect_detail, name="aspect-detail"),
    path("problems/<int:pk>/", tree.problem_detail, name="problem-detail"),
    path("findings/<int:pk>/", tree.finding_detail, name="finding-detail"),
]
