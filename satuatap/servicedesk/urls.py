from satuatap.servicedesk.appointments import urls as appointment_urls
from satuatap.servicedesk.catalogue import urls as catalogue_urls
from satuatap.servicedesk.figures import urls as figure_urls
from satuatap.servicedesk.queue import urls as queue_urls
from satuatap.servicedesk.requests import urls as request_urls

app_name = "servicedesk"
urlpatterns = [
    *catalogue_urls.urlpatterns,
    *queue_urls.urlpatterns,
    *appointment_urls.urlpatterns,
    *request_urls.urlpatterns,
    *figure_urls.urlpatterns,
]
