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
from qalx.bot import Bot, QalxJob
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
from qalx.migrate import PYQALX_MODULES, rewrite_pyqalx_imports
from qalx.session import QalxSession

__all__ = [
    "PYQALX_MODULES",
    "AggregationResult",
    "Blueprint",
    "Bot",
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
    "QalxJob",
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
    "rewrite_pyqalx_imports",
]
