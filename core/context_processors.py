from django.conf import settings


def naskah_site(request):
    return {
        "NAMA_PEMERINTAH": settings.NASKAH_NAMA_PEMERINTAH,
        "NAMA_DAERAH": settings.NASKAH_NAMA_DAERAH,
        "OIDC_ENABLED": settings.NASKAH_OIDC_ENABLED,
    }
