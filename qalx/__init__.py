"""qalx: the typed Python SDK for the qalx engineering-data API.

The public names are those in `__all__`; everything else lives in private modules. Code
written for pyqalx runs once its imports follow `PYQALX_MODULES` (most need only `pyqalx` →
`qalx`). Heavy dependencies (httpx, the generated client's models, boto3, jsonschema,
cryptography) load on first use, so `import qalx` stays fast.
"""

__version__ = "0.1.0"

from qalx.adapters import (
    QalxAdapter,
    QalxBlueprint,
    QalxBot,
    QalxFactory,
    QalxGroup,
    QalxItem,
    QalxNotification,
    QalxQueue,
    QalxSet,
    QalxWorker,
)
from qalx.config import BotConfig, Config, UserConfig
from qalx.entities import (
    AggregationResult,
    Blueprint,
    Factory,
    Group,
    Item,
    ItemAddManyEntity,
    Notification,
    QalxEntity,
    QalxListEntity,
    Queue,
    QueueMessage,
    QueueResponse,
    Set,
    Worker,
)
from qalx.errors import (
    QalxAPIResponseError,
    QalxConfigError,
    QalxEntityNotFound,
    QalxError,
    QalxFileError,
    QalxMultipleEntityReturned,
)
from qalx.session import QalxSession

PYQALX_MODULES: dict[str, str] = {
    "pyqalx": "qalx",
    "pyqalx.core": "qalx",
    "pyqalx.core.session": "qalx.session",
    "pyqalx.core.entities": "qalx.entities",
    "pyqalx.core.entities.entity": "qalx.entities",
    "pyqalx.core.entities.item": "qalx.entities",
    "pyqalx.core.entities.set": "qalx.entities",
    "pyqalx.core.entities.group": "qalx.entities",
    "pyqalx.core.entities.blueprint": "qalx.entities",
    "pyqalx.core.entities.queue": "qalx.entities",
    "pyqalx.core.entities.bot": "qalx.entities",
    "pyqalx.core.entities.worker": "qalx.entities",
    "pyqalx.core.entities.factory": "qalx.entities",
    "pyqalx.core.entities.notification": "qalx.entities",
    "pyqalx.core.adapters": "qalx.adapters",
    "pyqalx.core.adapters.adapter": "qalx.adapters",
    "pyqalx.core.adapters.item": "qalx.adapters",
    "pyqalx.core.adapters.set": "qalx.adapters",
    "pyqalx.core.adapters.group": "qalx.adapters",
    "pyqalx.core.adapters.blueprint": "qalx.adapters",
    "pyqalx.core.adapters.queue": "qalx.adapters",
    "pyqalx.core.adapters.bot": "qalx.adapters",
    "pyqalx.core.adapters.worker": "qalx.adapters",
    "pyqalx.core.adapters.factory": "qalx.adapters",
    "pyqalx.core.adapters.notification": "qalx.adapters",
    "pyqalx.core.errors": "qalx.errors",
    "pyqalx.core.signals": "qalx.signals",
    "pyqalx.core.log": "qalx.logging",
    "pyqalx.core.tags": "qalx.tags",
    "pyqalx.core.encryption": "qalx.files",
    "pyqalx.config": "qalx.config",
    "pyqalx.config.configs": "qalx.config",
    "pyqalx.transport": "qalx.transport",
}
"""Where each pyqalx module's public names live in qalx (the bot runtime and factories join
with their issues)."""

__all__ = [
    "PYQALX_MODULES",
    "AggregationResult",
    "Blueprint",
    "BotConfig",
    "Config",
    "Factory",
    "Group",
    "Item",
    "ItemAddManyEntity",
    "Notification",
    "QalxAPIResponseError",
    "QalxAdapter",
    "QalxBlueprint",
    "QalxBot",
    "QalxConfigError",
    "QalxEntity",
    "QalxEntityNotFound",
    "QalxError",
    "QalxFactory",
    "QalxFileError",
    "QalxGroup",
    "QalxItem",
    "QalxListEntity",
    "QalxMultipleEntityReturned",
    "QalxNotification",
    "QalxQueue",
    "QalxSession",
    "QalxSet",
    "QalxWorker",
    "Queue",
    "QueueMessage",
    "QueueResponse",
    "Set",
    "UserConfig",
    "Worker",
    "__version__",
]
