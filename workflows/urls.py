from django.urls import path

from workflows import views

app_name = "workflows"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.route_detail, name="route_detail"),
    path("<int:pk>/aksi/", views.route_act, name="route_act"),
    path("<int:pk>/komentar/", views.route_comment, name="route_comment"),
    path("<int:pk>/tarik/", views.route_withdraw, name="route_withdraw"),
    path("<int:pk>/alihkan/", views.step_reassign, name="step_reassign"),
    path("notifikasi/", views.notifikasi_list, name="notifikasi_list"),
    path("notifikasi/<int:pk>/buka/", views.notifikasi_open, name="notifikasi_open"),
    path("notifikasi/dibaca/", views.notifikasi_read, name="notifikasi_read"),
]
