"""Site search takes over its models from the project app (medguide 0001), tables and all:
only Django's record of which app owns them changes (medguide 0004 lets go of them)."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

MODELS = ["searchdocument", "searchname", "searchlog"]


def move_content_types(apps, schema_editor):
    """Admin log entries, permissions and the roles that hold them point at content types: move
    the types to this app rather than leave them behind with the project."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="medguide", model__in=MODELS).update(app_label="search")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="search", model__in=MODELS).update(app_label="medguide")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("medguide", "0003_reviewers_and_audit_trail"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SearchDocument',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('drug', 'Medicines'), ('article', 'Guides')], max_length=20)),
                        ('object_id', models.PositiveIntegerField()),
                        ('title', models.CharField(max_length=300)),
                        ('subtitle', models.CharField(blank=True, max_length=300)),
                        ('url', models.CharField(max_length=300)),
                        ('names', models.TextField(blank=True)),
                        ('keywords', models.TextField(blank=True)),
                        ('summary', models.TextField(blank=True)),
                        ('body', models.TextField(blank=True)),
                        ('vector', django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                        ('indexed_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'db_table': 'medguide_searchdocument',
                        'constraints': [models.UniqueConstraint(fields=('kind', 'object_id'), name='search_document_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='SearchLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField(db_index=True)),
                        ('query', models.CharField(max_length=200)),
                        ('results', models.PositiveIntegerField()),
                        ('searches', models.PositiveIntegerField(default=1)),
                    ],
                    options={
                        'verbose_name': 'search query',
                        'verbose_name_plural': 'search queries',
                        'db_table': 'medguide_searchlog',
                        'ordering': ['-day', '-searches'],
                        'constraints': [models.UniqueConstraint(fields=('day', 'query'), name='search_log_unique_day_query')],
                    },
                ),
                migrations.CreateModel(
                    name='SearchName',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=300)),
                        ('key', models.CharField(db_index=True, max_length=300)),
                        ('is_primary', models.BooleanField(default=False)),
                        ('document', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='search.searchdocument')),
                    ],
                    options={
                        'db_table': 'medguide_searchname',
                        'ordering': ['-is_primary', 'name'],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
