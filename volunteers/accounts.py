"""What volunteers holds about a person, for the kernel's account erasure (huitian.signup).

The volunteer row stays so that team figures, activity attendance and verified hours
still add up, but nothing on it identifies the person any more: no name, phone, skills
or availability, no ID fragment, only the birth year (ages in the figures), and the ID
digest is replaced so the same person may register again under a new account.
"""

from volunteers.models import Volunteer


def erase_user(user) -> int:
    """Anonymize the user's volunteer registration; how many rows (0 or 1)."""
    erased = 0
    for volunteer in Volunteer.objects.filter(user=user):
        volunteer.real_name = volunteer.phone = volunteer.skills = volunteer.availability = ""
        volunteer.id_last4 = ""
        volunteer.id_number_digest = f"erased-{volunteer.pk}"
        volunteer.birth_date = volunteer.birth_date.replace(month=1, day=1)
        volunteer.save()
        erased += 1
    return erased
