"""Companies, users and tokens: who a request is, and which company's data it may touch."""

from .principal import Principal
from .tokens import Authenticator, AuthError

__all__ = ["AuthError", "Authenticator", "Principal"]
