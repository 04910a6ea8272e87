from django.conf import settings


def naskah_site(request):
    return {
        "NAMA_PEMERINTAH": settings.NASKAH["NAMA_PEMERINTAH"],
        "NAMA_DAERAH": settings.NASKAH["NAMA_DAERAH"],
        "OIDC_ENABLED": getattr(settings, "NASKAH_OIDC_ENABLED", False),
    }
