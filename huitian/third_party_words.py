"""Words that third-party templates and libraries show but whose own catalogues lack in
Chinese. Named here so that `makemessages` keeps them in the kernel catalogue."""

from django.utils.translation import gettext_noop

WORDS = [
    gettext_noop("Changes"),  # django-simple-history's history table heading
    gettext_noop("JSON parse error - %s"),  # Django REST framework's parser
]
