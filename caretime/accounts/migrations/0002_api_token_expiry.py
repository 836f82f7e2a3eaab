"""Personal API tokens expire: every token made before this gets its expiry as if it had been
made with one (created + API_TOKEN_DAYS, 365 days unless configured), so a token older than
that stops working when this runs."""

from datetime import timedelta

from django.conf import settings
import caretime.accounts.models
from django.db import migrations, models
from django.db.models import ExpressionWrapper, F, Value


def expire_existing_tokens(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    lifetime = timedelta(days=settings.API_TOKEN_DAYS)
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=ExpressionWrapper(F("created_at") + Value(lifetime), output_field=models.DateTimeField())
    )


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_api_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.RunPython(expire_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(default=caretime.accounts.models.token_expiry, verbose_name="expires"),
        ),
    ]
