"""What procurement holds about a person, for the kernel's account erasure (huitian.signup).

A resident's needs stay (their community, category, dates, state and rating make the
figures) but no longer point at the person: no submitter, no contact name or phone.
"""

from procurement.models import Need


def erase_user(user) -> int:
    """Detach and anonymize the user's needs; how many."""
    return Need.objects.filter(submitter=user).update(
        submitter=None, contact_name="", contact_phone="", anonymous=True
    )
