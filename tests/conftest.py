import pytest
from django.utils import translation

from surveys.seed import load_seed


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _japanese():
    """Start each test in Japanese: an English request leaves the thread English."""
    with translation.override("ja"):
        yield


@pytest.fixture
def seed_plan(db):
    """Kodaira's 3rd plan with its published FY2017 year-end results."""
    return load_seed()
