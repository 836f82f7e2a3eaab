from django.db import migrations


def encrypt(apps, schema_editor):
    # Authenticator secrets stored in clear before MFA_ENCRYPTION_KEY existed are encrypted with
    # it (caretime.web.mfa_secrets); those already encrypted are re-encrypted with its first key.
    from caretime.web.mfa_secrets import encrypt_stored

    encrypt_stored(apps.get_model("mfa", "Authenticator"))


def decrypt(apps, schema_editor):
    from caretime.web.mfa_secrets import decrypt_stored

    decrypt_stored(apps.get_model("mfa", "Authenticator"))


class Migration(migrations.Migration):
    dependencies = [("web", "0001_cache_table"), ("mfa", "0003_authenticator_type_uniq")]
    operations = [migrations.RunPython(encrypt, decrypt)]
