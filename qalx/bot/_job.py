"""`QalxJob`: what a step function is given — the entity of the message being worked on, the
bot's session, the worker's log, and the controls of the job and its worker."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from qalx.entities import Item, QalxEntity, Queue, QueueMessage, Set
from qalx.errors import QalxAPIResponseError, QalxError

if TYPE_CHECKING:
    from qalx.adapters import QalxAdapter
    from qalx.session import QalxSession

    from ._worker import WorkerProcess

CLASS_INIT = "class init"
"""The step name a job has before any step ran (pyqalx's)."""


class QalxJob:
    """A job to process: one message of the bot's queue and the entity it names."""

    def __init__(self, worker_process: WorkerProcess) -> None:
        self._worker = worker_process
        self._entity: QalxEntity | None = None
        self.entity_adapter: QalxAdapter[Any] | None = None
        self.message: QueueMessage | None = None
        self.context: dict[str, Any] = {}
        self.do_workflow = True
        self._current_step = CLASS_INIT
        self._step_results: dict[str, bool] = {}

    # -- what the job is about -------------------------------------------------------------
    @property
    def entity(self) -> Any:
        """The entity the job's message names (an Item, Set or Group, or a registered
        subclass). Read before one is loaded (in `begin`, `onwait`), it is an AttributeError."""
        if self._entity is None:
            raise AttributeError(
                f"no entity is loaded in step {self._current_step!r}: entities load after preload"
            )
        return self._entity

    @entity.setter
    def entity(self, value: QalxEntity | None) -> None:
        self._entity = value

    @property
    def e(self) -> Any:
        """Short for `entity`."""
        return self.entity

    @property
    def session(self) -> QalxSession:
        """The bot's session (authenticated as the bot)."""
        return self._worker.session

    @property
    def s(self) -> QalxSession:
        """Short for `session`."""
        return self.session

    @property
    def log(self) -> logging.Logger:
        """The worker's logger."""
        return self._worker.log

    @property
    def queue(self) -> Queue:
        """The bot's queue (read from the API, so its credentials are fresh)."""
        return self.session.queue.get_by_name(self._worker.queue_name)

    # -- controls ----------------------------------------------------------------------------
    def stop_processing(self) -> None:
        """Stop this worker after the current job: it waits for a resume signal."""
        self.session.worker.stop(self._worker.entity, bot_entity=self._worker.bot_entity)

    def resume_processing(self) -> None:
        """Resume this worker."""
        self.session.worker.resume(self._worker.entity, bot_entity=self._worker.bot_entity)

    def terminate(self, warm: bool = True, requeue_job: bool = False) -> None:
        """Terminate this worker: warm after this job, or cold after this step (`requeue_job`
        then puts this job's message back on the queue)."""
        self.session.worker.terminate(
            self._worker.entity, self._worker.bot_entity, warm=warm, requeue_job=requeue_job
        )

    def publish_status(self, status: str) -> None:
        """Set the worker's status message."""
        self.session.worker.update_status(self._worker.entity, self._worker.bot_entity, status)

    def add_step_result(self, success: bool = True) -> None:
        """Record whether the current step succeeded; False ends the job after this step
        (its message is deleted: it is not retried)."""
        self._step_results[self._current_step] = bool(success)

    @property
    def last_step_result(self) -> bool | None:
        """The most recently first-recorded step result, or None if none was recorded."""
        if not self._step_results:
            return None
        return list(self._step_results.values())[-1]

    # -- the entity ----------------------------------------------------------------------------
    def get_entity(self, entity_type: str, entity_guid: Any) -> QalxEntity | None:
        """The entity from the API (sets unpacked, groups not), or None if the API has no
        such entity (the error is logged)."""
        adapter = self._adapter(entity_type)
        try:
            entity: QalxEntity = adapter.get(entity_guid)
        except QalxAPIResponseError as exc:
            self.log.error(
                "cannot load %s %s: %s",
                entity_type,
                entity_guid,
                exc,
                extra={"entity_type": entity_type, "entity_guid": str(entity_guid)},
            )
            return None
        self.entity_adapter = adapter
        return entity

    def _adapter(self, entity_type: str) -> QalxAdapter[Any]:
        if entity_type not in ("item", "set", "group"):
            raise QalxError(f"a job's entity is an item, set or group, not {entity_type!r}")
        adapter: QalxAdapter[Any] = getattr(self.session, entity_type)
        return adapter

    def add_item_data(
        self, item_key: str, data: Mapping[str, Any], meta: Mapping[str, Any] | None = None
    ) -> Item:
        """Add an item holding `data` under `item_key` of this job's set, save the set, and
        return the item."""
        entity = self.entity
        if not isinstance(entity, Set):
            raise TypeError(
                f"add_item_data needs the job's entity to be a set, not {type(entity).__name__}"
            )
        item = self.session.item.add(data=data, meta=meta)
        entity["items"][item_key] = item
        self.entity = self.session.set.save(entity)
        return item

    def save_entity(self) -> QalxEntity:
        """Write the job's entity back to the API and return the saved entity."""
        adapter = self.entity_adapter or self._adapter(self.entity.entity_type)
        self.entity = adapter.save(self.entity)
        return self.entity

    def reload_entity(self) -> QalxEntity:
        """Read the job's entity again from the API."""
        adapter = self.entity_adapter or self._adapter(self.entity.entity_type)
        self.entity = adapter.reload(self.entity)
        return self.entity

    def delete_message(self) -> None:
        """Delete the job's message now (a long job's way past the 12-hour in-flight limit);
        later deletes do nothing."""
        if self.message is not None:
            self._worker.queue.delete_message(self.message)
