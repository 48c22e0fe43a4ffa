from django.conf import settings


def site(request):
    """What every page needs to know about the installation."""
    return {"COUNTRY": settings.COUNTRY, "SUPPRESSION_K": settings.SUPPRESSION_K}
