from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle


class AnonBurstThrottle(AnonRateThrottle):
    scope = "anon"


class WriteThrottle(SimpleRateThrottle):
    """Writes (POST, PUT, PATCH, DELETE) per user, or per address when anonymous."""

    scope = "write"

    def get_cache_key(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        ident = (
            f"user-{request.user.pk}" if request.user.is_authenticated else self.get_ident(request)
        )
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LoginThrottle(SimpleRateThrottle):
    """Token requests per address: slows password guessing before django-axes locks."""

    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
