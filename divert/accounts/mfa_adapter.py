"""TOTP secrets are stored encrypted: a copy of the database alone does not let anyone mint sign-in codes."""

import base64

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.functional import cached_property


def _fernet(material: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"divert", info=b"divert.mfa.secrets").derive(
        material.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


class MFAAdapter(DefaultMFAAdapter):
    @cached_property
    def _box(self) -> Fernet:
        # A dedicated key survives a rotation of the secret key; without one, the secret key is the material.
        return _fernet(settings.DIVERT_MFA_KEY or settings.SECRET_KEY)

    def encrypt(self, text: str) -> str:
        return self._box.encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return self._box.decrypt(encrypted_text.encode()).decode()
