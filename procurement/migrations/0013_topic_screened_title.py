"""Each topic remembers the title last screened for personal data (issue 14): a compile
screens only the titles that differ. Existing rows start empty, so the next compile
screens every title once (as before) and records it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('procurement', '0012_needs_list_ranks_at_publish'),
    ]

    operations = [
        migrations.AddField(
            model_name='topic',
            name='screened_title',
            field=models.CharField(blank=True, editable=False, max_length=120, verbose_name='title as last screened'),
        ),
    ]
