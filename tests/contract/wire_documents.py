"""JSON documents as they travel on the wire, written from wire-contract §2-§5 (not from our spec).

Each constant is what pyqalx 0.19.2 sends, or what it needs back, for one entity type or
special endpoint. The contract tests check that the spec describes every one of them and that
the generated models carry them without loss.
"""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]

USER_GUID: JSON = {"$uuid": "0c1d2e3f405162738495a6b7c8d9eaf0"}
BOT_GUID: JSON = {"$uuid": "b0b0b0b0c1c1d2d2e3e3f4f4a5a5b6b6"}
ITEM_GUIDS = [
    {"$uuid": "11111111222233334444555555555555"},
    {"$uuid": "aaaaaaaabbbbccccddddeeeeeeeeeeee"},
]
SET_GUID: JSON = {"$uuid": "5e75e75e75e745e7a5e75e75e75e75e7"}


def when(ms: int, zone: str | None = "UTC", offset: float | None = None) -> JSON:
    """A bson-extra datetime: `$zone` and `$offset` always present (pyqalx KeyErrors otherwise)."""
    return {
        "$date": ms,
        "$zone": zone,
        "$offset": None if offset is None else {"total_seconds": offset},
    }


def info(by_bot: bool = False, **extra: Any) -> JSON:
    actor = {"guid": BOT_GUID if by_bot else USER_GUID, "email": "eng@example.com"}
    actor["entity"] = "bot" if by_bot else "user"
    return {
        "created": {"on": when(1764060000000), "by": actor},
        "modified": {"on": when(1764060123456), "by": actor},
        **extra,
    }


TAGS = [{"name": "project_name", "value": "beams"}]

# ---- Responses (what the server returns; §3) ----------------------------------------------

ITEM: JSON = {
    "guid": ITEM_GUIDS[0],
    "info": info(),
    "data": {
        "height": 5,
        "width": 5.5,
        "time_run": when(1764000000000, zone=None),
        "local": when(1764000000000, zone="Europe/London", offset=3600.0),
        "part": {"$uuid": "99999999888877776666555555555555"},
        "blob": {"$binary": "AAEC", "$type": "00"},
        "nested": {"list": [1, "two", None, {"deep": True}]},
    },
    "meta": {"shape": "square", "_class": "beams.shape"},
    "tags": TAGS,
    "file": {},  # always present, {} with no file
}
ITEM_WITH_FILE: JSON = {
    **ITEM,
    "guid": ITEM_GUIDS[1],
    "file": {
        "name": "316_datasheet.pdf",
        "url": "https://files.example.com/get/316_datasheet.pdf?sig=abc",
        "put_url": "https://files.example.com/put/316_datasheet.pdf?sig=def",
        "keyfile": "qalx.key",
    },
}
ITEM_AS_FILE: JSON = {
    **ITEM,
    "data": {},
    "file": {
        "name": "item_data_6f1c0f7a-6a55-4e49-9f3b-0d3c4b8a2e11.bson",
        "url": "https://files.example.com/get/item_data.bson?sig=abc",
        "as_file": True,
        "keyfile": None,
    },
}
SET: JSON = {
    "guid": SET_GUID,
    "info": info(),
    "items": {"item1": ITEM_GUIDS[0], "item2": ITEM_GUIDS[1]},
    "meta": {"_class": "thing.things"},
    "tags": [],
}
GROUP: JSON = {
    "guid": {"$uuid": "6a0a0a0a0a0a4a0a8a0a0a0a0a0a0a0a"},
    "info": info(),
    "sets": {"batch_1": SET_GUID},
    "meta": {},
    "tags": [],
}
BLUEPRINT: JSON = {
    "guid": {"$uuid": "b1b1b1b1b1b14b1b8b1b1b1b1b1b1b1b"},
    "info": info(),
    "name": "DimsBlueprint",
    "entity_type": "item",
    "schema": {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "entity_type": "item",
        "properties": {
            "data": {
                "type": "object",
                "properties": {"width": {"type": "number", "minimum": 1}},
                "required": ["width"],
            }
        },
    },
    "meta": {},
    "tags": [],
}
QUEUE_CREDENTIALS: JSON = {
    "ACCESS_KEY_ID": "ASIAQALXEXAMPLE",
    "SECRET_ACCESS_KEY": "c2VjcmV0",
    "SESSION_TOKEN": "FwoGZXIvYXdzEXAMPLE",
    "EXPIRATION": when(1764067200000),  # aware: pyqalx compares it with an aware now
}
QUEUE: JSON = {
    "guid": {"$uuid": "a0a0a0a0b1b14c2c8d3d4e4e5f5f6a6a"},
    "info": info(
        queue_url="https://sqs.eu-west-2.amazonaws.com/123456789012/q-beams.fifo",
        credentials=QUEUE_CREDENTIALS,
    ),
    "name": "beams-queue",
    "parameters": {"VisibilityTimeout": 30},
    "meta": {},
    "tags": [],
}
WORKER: JSON = {
    "guid": {"$uuid": "0e0e0e0e1f1f4a2a8b3b4c4c5d5d6e6e"},
    "info": info(by_bot=True),
    "signal": {},
    "state": "idle",
    "status": {"message": "warm exit signal found"},
}
WORKER_SIGNALLED: JSON = {
    **WORKER,
    "signal": {"terminate": True, "requeue_job": False, "cold": True},
    "state": "terminated",
}
BOT_CONFIG: JSON = {
    "TOKEN": None,
    "Q_MSGBATCHSIZE": 1,
    "MSG_BLACKOUTSECONDS": 30,
    "MSG_WAITTIMESECONDS": 20,
    "Q_WAITTIMESECONDS": 20,
    "Q_WAITTIMEMAXSPREADING": 12,
    "KILL_AFTER": None,
    "SAVE_INTERMITTENT": False,
    "SKIP_FINAL_SAVE": False,
    "queue_name": "beams-queue",
    "REGION": "eu-west-2",
}
BOT_HOST: JSON = {"node": "workstation-7", "platform": "Linux-6.1-x86_64", "ip": None}
BOT: JSON = {
    "guid": BOT_GUID,
    "info": info(credentials={"token": "b0t-t0ken-0123456789abcdef"}),
    "name": "beam-bot",
    "config": BOT_CONFIG,
    "host": BOT_HOST,
    "workers": [WORKER, WORKER_SIGNALLED],
    "state": "active",
    "status": {"message": "running"},
    "meta": {},
    "tags": [],
}
FACTORY: JSON = {
    "guid": {"$uuid": "fac70000fac74000a000fac70000fac7"},
    "info": info(),
    "name": "beam-factory",
    "stage": "dev",
    "plan": {"name": "plan.yaml", "url": "https://files.example.com/get/plan.yaml?sig=1"},
    "status": "deploying",
    "stacks": {"remote_sector": "arn:aws:cloudformation:eu-west-2:1:stack/qalx/abc"},
    "bots": [{"code": ITEM_GUIDS[0], "bot": BOT_GUID}],
    "meta": {"pyqalx": {"build_path": "builds_6f1c0f7a"}},
    "tags": [],
}
NOTIFICATION: JSON = {
    "guid": {"$uuid": "00000000000040008000000000000001"},
    "info": info(),
    "subject": "Batch done",
    "message": "All 12 beams checked.",
    "to": ["eng@example.com"],
    "cc": [],
    "bcc": [],
    "meta": {},
    "tags": [],
}

# Every response document, by the spec schema that must describe it.
RESPONSES: list[tuple[str, JSON]] = [
    ("Item", ITEM),
    ("Item", ITEM_WITH_FILE),
    ("Item", ITEM_AS_FILE),
    ("Set", SET),
    ("Group", GROUP),
    ("Blueprint", BLUEPRINT),
    ("Queue", QUEUE),
    ("Bot", BOT),
    ("Worker", WORKER),
    ("Worker", WORKER_SIGNALLED),
    ("Factory", FACTORY),
    ("Notification", NOTIFICATION),
]

# ---- Request bodies (what pyqalx sends; §2-§6) --------------------------------------------

REQUESTS: list[tuple[str, JSON]] = [
    ("ItemCreate", {"data": {}, "meta": {}, "encrypt": True, "tags": []}),
    (
        "ItemCreate",
        {
            "data": {"rho": 8000, "E": 193e9},
            "meta": {"library": "materials"},
            "encrypt": True,
            "tags": TAGS,
            "file": {"name": "316_datasheet.pdf", "keyfile": "qalx.key"},
        },
    ),
    (
        "ItemCreate",
        {
            "data": {},
            "meta": {},
            "encrypt": False,
            "tags": [],
            "file": {"name": "item_data_1.bson", "as_file": True},
        },
    ),
    # save: the whole entity minus info, guid and status, including the read-back file.
    (
        "ItemUpdate",
        {
            "data": ITEM["data"],
            "meta": ITEM["meta"],
            "tags": TAGS,
            "file": ITEM_WITH_FILE["file"],
            "encrypt": True,
        },
    ),
    ("ItemUpdate", {"data": {"height": 6}, "meta": {}, "tags": [], "file": {}}),
    (
        "ItemBulkCreate",
        {
            "items": [
                {"data": {"i": 0}, "meta": {}, "encrypt": True, "tags": TAGS},
                {
                    "data": {"i": 1},
                    "meta": {},
                    "encrypt": True,
                    "tags": TAGS,
                    "file": {"name": "a.txt"},
                },
            ],
            "tags": TAGS,
            # the junk top-level keys pyqalx always adds (§2.3)
            "data": {},
            "source": None,
            "file_name": "",
            "encrypt": True,
            "as_file": False,
            "blueprint_name": None,
            "meta": None,
        },
    ),
    # set refs as hyphenated strings (unpacked save) and as $uuid (still packed)
    (
        "SetWrite",
        {
            "items": {
                "item1": "11111111-2222-3333-4444-555555555555",
                "item2": ITEM_GUIDS[1],
            },
            "meta": {"_class": "thing.things"},
            "tags": [],
        },
    ),
    ("GroupWrite", {"sets": {"batch_1": "5e75e75e-75e7-45e7-a5e7-5e75e75e75e7"}, "meta": {}}),
    (
        "BlueprintCreate",
        {
            "name": "DimsBlueprint",
            "schema": BLUEPRINT["schema"],
            "entity_type": "item",
            "meta": {},
            "tags": [],
        },
    ),
    (
        "QueueCreate",
        {"name": "beams-queue", "meta": {}, "tags": [], "parameters": {"VisibilityTimeout": 30}},
    ),
    (
        "BotCreate",
        {"name": "beam-bot", "config": BOT_CONFIG, "host": BOT_HOST, "meta": {}, "tags": []},
    ),
    ("BotUpdate", {"state": "active"}),
    ("BotUpdate", {"status": {"message": "KILL_AFTER reached"}}),
    (
        "BotUpdate",  # full save, including the embedded workers (ignored by the server)
        {k: v for k, v in BOT.items() if k not in ("guid", "info", "status")},
    ),
    ("ReplaceWorkers", {"workers": 4}),
    ("WorkerUpdate", {"state": "stopped"}),
    ("WorkerUpdate", {"signal": {"stop": True}}),
    ("WorkerUpdate", {"signal": {"terminate": True, "warm": True}}),
    ("WorkerUpdate", {"status": {"message": "cold exit signal found"}}),
    (
        "FactoryCreate",
        {
            "name": "beam-factory",
            "stage": "dev",
            "meta": {"pyqalx": {"build_path": "builds_6f1c0f7a"}},
            "plan": {"name": "plan.yaml"},
            "tags": [],
            "data": {},
            "encrypt": False,
            "file_key": "plan",
        },
    ),
    (
        "FactoryUpdate",  # Factory save keeps `status`
        {
            "name": "beam-factory",
            "stage": "dev",
            "plan": FACTORY["plan"],
            "status": "deployed",
            "stacks": FACTORY["stacks"],
            "bots": [{"code": "11111111-2222-3333-4444-555555555555", "bot": BOT_GUID}],
            "meta": FACTORY["meta"],
            "tags": [],
        },
    ),
    (
        "NotificationCreate",
        {
            "subject": "Batch done",
            "message": "All 12 beams checked.",
            "to": ["eng@example.com"],
            "cc": [],
            "bcc": [],
            "meta": {},
            "tags": [],
        },
    ),
    # aggregate: the pipeline is Extended JSON text inside a JSON string (double-encoded)
    (
        "AggregateRequest",
        {"aggregate": '[{"$match": {"data.height": {"$gt": 3}}}, {"$count": "n"}]'},
    ),
    ("TagsValidate", {"tags": [{"name": "project_name", "value": "beams"}]}),
    ("FactoryValidate", {"plan": '{"factory": {"name": "beam-factory", "stages": {}}}'}),
]

# ---- Envelopes and special answers --------------------------------------------------------

ENVELOPES: list[tuple[str, JSON]] = [
    (
        "ItemList",
        {
            "data": [ITEM, ITEM_WITH_FILE],
            "query": {
                "count": 2,
                "total": 7,
                "skip": 0,
                "limit": 2,
                "next": "item?skip=2&limit=2&query=%7B%22data.height%22%3A+5%7D",
                "previous": None,
            },
        },
    ),
    ("SetList", {"data": [SET], "query": {"count": 1, "next": None}}),
    ("GroupList", {"data": [GROUP], "query": {"count": 1, "next": None}}),
    ("BlueprintList", {"data": [BLUEPRINT], "query": {"count": 1, "next": None}}),
    ("QueueList", {"data": [QUEUE], "query": {"count": 1, "next": None}}),
    ("BotList", {"data": [BOT], "query": {"count": 1, "next": None}}),
    ("WorkerList", {"data": [WORKER, WORKER_SIGNALLED], "query": {"count": 2, "next": None}}),
    ("FactoryList", {"data": [FACTORY], "query": {"count": 1, "next": None}}),
    ("NotificationList", {"data": [NOTIFICATION], "query": {"count": 1, "next": None}}),
    ("ItemList", {"data": [], "query": {"count": 0, "next": None, "total": 0}}),
    (
        "ItemBulkResult",
        {
            "items": [ITEM, ITEM_WITH_FILE],
            "errors": {"1": {"detail": "data: 'x' is not of type 'object'", "code": "invalid"}},
            "items_created": 2,
            "items_errored": 1,
        },
    ),
    ("AggregateResult", {"data": [{"_id": None, "n": 3}, {"_id": "square", "n": 1}]}),
    ("Error", {"detail": "item 3e0f... not found", "code": "not_found"}),
    (
        "Error",
        {
            "detail": "2 problems in the request body",
            "code": "invalid",
            "errors": [
                {"field": "tags.0.name", "detail": "'Name' is not lowercase"},
                {"field": "", "detail": "'items' is a required property"},
            ],
        },
    ),
]
