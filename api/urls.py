from django.urls import path, re_path

from api.v1 import api
from api.views import not_found

urlpatterns = [
    path("v1/", api.urls),
    # Anything else under /api/ is a problem document too, not the HTML 404 page.
    re_path(r"^.*$", not_found),
]
