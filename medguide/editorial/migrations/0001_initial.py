"""The editorial app takes over the reviewer profiles and the workflow's audit trail from the
project app (medguide 0003), tables and all: only Django's record of which app owns them
changes (medguide 0004 lets go of them)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ["reviewerprofile", "workflowevent"]


def move_content_types(apps, schema_editor):
    """Admin log entries, permissions and the roles that hold them point at content types: move
    the types to this app rather than leave them behind with the project."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="medguide", model__in=MODELS).update(app_label="editorial")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="editorial", model__in=MODELS).update(app_label="medguide")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("medguide", "0003_reviewers_and_audit_trail"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReviewerProfile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('display_name', models.CharField(help_text='As readers see it: "Jane Smith".', max_length=120)),
                        ('qualification', models.CharField(help_text='Professional qualification, e.g. "PharmD" or "MD, FACP".', max_length=120)),
                        ('registration', models.CharField(blank=True, help_text='Professional registration, e.g. "NPI 1234567890" or "GPhC 2012345".', max_length=120)),
                        ('bio', models.TextField(blank=True, verbose_name='short bio')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='reviewer_profile', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'medguide_reviewerprofile',
                        'ordering': ['display_name'],
                    },
                ),
                migrations.CreateModel(
                    name='WorkflowEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_id', models.PositiveBigIntegerField()),
                        ('actor_name', models.CharField(help_text='Kept if the account goes.', max_length=200)),
                        ('at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('action', models.CharField(max_length=40)),
                        ('from_status', models.CharField(blank=True, max_length=20)),
                        ('to_status', models.CharField(blank=True, max_length=20)),
                        ('comment', models.TextField(blank=True)),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
                    ],
                    options={
                        'db_table': 'medguide_workflowevent',
                        'ordering': ['-at', '-pk'],
                        'indexes': [models.Index(fields=['content_type', 'object_id', '-at'], name='workflow_event_item')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
