app_name = "masuk"
urlpatterns: list = []
