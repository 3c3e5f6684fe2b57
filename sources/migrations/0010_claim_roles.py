"""Claims are documented by every role that documents incidents, and reviewed by the roles that
review incidents: the same groups hold the matching permissions."""

from django.db import migrations

from core.migration_grants import grant_permissions

DOCUMENT = ["add_claim", "change_claim", "view_claim", "view_claimincidenttype"]
REVIEW = [*DOCUMENT, "review_claim", "publish_claim"]


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0009_claims"),
        ("incidents", "0006_roles"),
    ]

    operations = [
        grant_permissions("Analyst", "sources", DOCUMENT),
        grant_permissions("Witness officer", "sources", DOCUMENT),
        grant_permissions("Reviewer", "sources", REVIEW),
        grant_permissions("Administrator", "sources", REVIEW),
    ]
