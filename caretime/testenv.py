"""Test-run defaults, set before Django reads its settings (loaded by pytest as `-p caretime.testenv`).

The suite runs with the same settings module as production; only these environment
defaults differ, and anything already set in the environment (DATABASE_URL in CI) wins.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("WORKER_REPORT_KEY", "test-only-worker-report-key-0123456789abcdefghijkl")
# A Fernet key for the authenticator secrets: b"test-only-mfa-key-0123456789ab01" in URL-safe base64.
os.environ.setdefault("MFA_ENCRYPTION_KEY", "dGVzdC1vbmx5LW1mYS1rZXktMDEyMzQ1Njc4OWFiMDE=")
os.environ.setdefault("HTTPS", "false")  # the live server speaks plain HTTP on 127.0.0.1
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("STATIC_MANIFEST", "false")  # tests serve static files without collectstatic
os.environ.setdefault("WORKPLACE_NOISE_SEED", "caretime-tests")  # published workplace figures repeat exactly
os.environ.setdefault("CLAIM_CODE_SENDER", "outbox")  # claim codes kept in memory for the tests to read
os.environ.setdefault("KEPT_PARTS_CHECKED", "true")  # every kept part of a page compared with a fresh one
