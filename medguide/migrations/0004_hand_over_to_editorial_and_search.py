"""The project app lets go of the models that editorial and search now own (their 0001
migrations take them over, tables unchanged): Django's state only, no table is touched."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("medguide", "0003_reviewers_and_audit_trail"),
        ("editorial", "0001_initial"),
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='reviewerprofile',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='searchname',
                    name='document',
                ),
                migrations.DeleteModel(
                    name='SearchLog',
                ),
                migrations.RemoveField(
                    model_name='workflowevent',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='workflowevent',
                    name='content_type',
                ),
                migrations.DeleteModel(
                    name='ReviewerProfile',
                ),
                migrations.DeleteModel(
                    name='SearchDocument',
                ),
                migrations.DeleteModel(
                    name='SearchName',
                ),
                migrations.DeleteModel(
                    name='WorkflowEvent',
                ),
            ],
        ),
    ]
