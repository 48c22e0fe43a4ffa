"""Signals the shared pieces send, so other apps can react without core
depending on them."""

from django.dispatch import Signal

# Sent after an import stored rows and committed (status succeeded or partial),
# with `batch` (the ImportBatch). The indicators app refreshes its cube on it.
import_stored = Signal()
