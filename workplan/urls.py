from django.contrib import admin
from django.urls import path

admin.site.site_header = "CBD-CMS Joint Work Plan"
admin.site.site_title = "Joint Work Plan admin"
admin.site.index_title = "Edit the plan"

urlpatterns = [
    path("admin/", admin.site.urls),
]
