from django import forms
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _


class NoteActionForm(ActionForm):
    """The action bar with a note: the reason a return, rejection or cancellation needs."""

    note = forms.CharField(label=_("Note or reason"), required=False, max_length=500)
