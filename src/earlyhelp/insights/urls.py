from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("indicators/<slug:code>/", views.indicator, name="indicator"),
    path("indicators/<slug:code>/records/", views.records, name="records"),
    path("annex-a/", views.annex_a, name="annex_a"),
    path("board/", views.board, name="board"),
    path("board/report.pdf", views.board_pdf, name="board_pdf"),
]
