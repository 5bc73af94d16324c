"""The announcement's URLs, all under the inspection they belong to."""

from django.urls import path

from zhenggai.publication.views import announcement, downloads, steps

app_name = "publication"

VERSION = "inspections/<int:pk>/announcement/versions/<int:version>"

urlpatterns = [
    path("inspections/<int:pk>/announcement/", announcement.announcement, name="announcement"),
    path(
        "inspections/<int:pk>/announcement/generate/",
        announcement.generate,
        name="announcement-generate",
    ),
    path(f"{VERSION}/save/", announcement.save, name="announcement-save"),
    path(f"{VERSION}/override/", steps.override, name="announcement-override"),
    path(f"{VERSION}/masks/", steps.masks, name="announcement-masks"),
    path(f"{VERSION}/visibility/", steps.visibility, name="announcement-visibility"),
    path(f"{VERSION}/checklist/", steps.checklist, name="announcement-checklist"),
    path(f"{VERSION}/submit/", steps.submit, name="announcement-submit"),
    path(f"{VERSION}/return/", steps.return_, name="announcement-return"),
    path(f"{VERSION}/approve/", steps.approve, name="announcement-approve"),
    path(f"{VERSION}/publish/", steps.publish, name="announcement-publish"),
    path(f"{VERSION}/correct/", steps.correct, name="announcement-correct"),
    path(
        f"{VERSION}/download/<str:edition>.<str:fmt>",
        downloads.download,
        name="announcement-download",
    ),
]
