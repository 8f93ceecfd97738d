"""The real pyqalx 0.19.2 client, unmodified, against our server (SQLite and PostgreSQL); and
the same scripts on our SDK with only their imports rewritten by `qalx.rewrite_pyqalx_imports`.

Every test runs one script from `scripts/` and asserts on what it printed, whichever library
ran it: the assertions are pyqalx's behaviour, which qalx keeps.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from tests.compat.conftest import Pyqalx


@pytest.fixture(params=["pyqalx", "qalx"])
def client(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


def test_item_lifecycle(pyqalx: Pyqalx) -> None:
    out = pyqalx.run("items.py")

    added = out["added"]
    assert added["guid_type"] == "UUID"
    assert added["data"] == {"height": 5, "width": 4}
    assert added["meta"] == {"shape": "rectangle"}
    assert added["file"] == {}
    assert added["has_encrypt"] is False
    assert added["created_on_type"] == "datetime"

    assert out["get"] == {
        "same_guid": True,
        "data": {"height": 5, "width": 4},
        "meta": {"shape": "rectangle"},
    }
    assert out["find"] == {"guids": out["expected_guids"], "count": 2}
    assert out["find_one"] == {"same_guid": True, "data": {"height": 5, "width": 4}}
    assert out["save"] == {
        "saved_data": {"height": 10, "width": 4},
        "reloaded_data": {"height": 10, "width": 4},
        "meta": {"shape": "tall"},
    }
    assert out["resave"] == {
        "data": {"height": 10, "width": 7},
        "returned": {"height": 10, "width": 7},
    }
    archive = out["archive"]
    assert archive["same_guid"] is True
    assert archive["archived_flag"] is True
    other_guid = next(g for g in out["expected_guids"] if g not in archive["find_archived_guids"])
    assert archive["find_guids_after"] == [other_guid]
    assert len(archive["find_archived_guids"]) == 1
    assert out["get_after_delete"] == "404"


def test_nan_and_infinity_in_data(pyqalx: Pyqalx) -> None:
    out = pyqalx.run("nonfinite.py")

    written = {"stress": "nan", "limit": "inf", "low": "-inf"}
    assert out["added"] == written
    assert out["got"] == written
    assert out["found_nan"] == [True]
    assert out["found_above"] == [True]
    assert out["saved"] == {**written, "stress": "1.0"}


def test_add_many(pyqalx: Pyqalx) -> None:
    out = pyqalx.run("add_many.py")

    assert out["items_created"] == 5
    assert out["items_errored"] == 0
    assert out["errors"] == {}
    assert out["created_n"] == [0, 1, 2, 3, 4]
    assert out["guid_types"] == ["UUID"]
    assert out["file_name"] == "bulk.bin"
    assert out["file_bytes"] == "bulk file \x00\x01\x02"
    assert out["found_n"] == [0, 1, 2, 3, 4]
    assert out["found_guids_match"] is True


def test_sets_and_groups(pyqalx: Pyqalx) -> None:
    out = pyqalx.run("sets_groups.py")
    expected = out["expected"]

    assert out["add_items"] == ["first", "second"]
    assert out["set_get"] == {
        "first": {"type": "Item", "data": {"k": 1}, "guid": expected["first"]},
        "second": {"type": "Item", "data": {"k": 2}, "guid": expected["second"]},
    }
    assert out["set_meta"] == {"_class": "thing.things"}
    assert out["set_packed"] == {
        "first": ["UUID", expected["first"]],
        "second": ["UUID", expected["second"]],
    }
    assert out["set_find_one"] == {"first": {"k": 1}, "second": {"k": 2}}
    assert out["set_find"] == [{"first": "UUID", "second": "UUID"}]
    assert out["set_after_save"] == {"first": 1, "second": 2, "third": 3}
    assert out["set_meta_after_save"] == {"_class": "thing.things", "edited": True}

    group_expected = out["group_expected"]
    assert out["group_get"] == {
        "a": ["UUID", group_expected["a"]],
        "b": ["UUID", group_expected["b"]],
    }
    assert out["group_get_unpacked"] == {
        "a": {"first": 1, "second": 2, "third": 3},
        "b": {"only": 3},
    }
    assert out["group_find_one"] == group_expected
    assert out["group_find_one_unpacked"] == {"a": ["first", "second", "third"], "b": ["only"]}


def test_blueprints(pyqalx: Pyqalx) -> None:
    out = pyqalx.run("blueprints.py")
    sent = out["sent_schema"]

    assert sent["entity_type"] == "item"
    assert sent["properties"]["data"]["required"] == ["width", "height"]
    assert out["add"] == {"name": "DimsBlueprint", "entity_type": "item", "schema": sent}
    assert out["get_by_name"] == {"same_guid": True, "schema": sent, "meta": {"owner": "compat"}}
    assert out["get"] == {"name": "DimsBlueprint", "schema": sent}
    assert out["valid_item"] == {"width": 5, "height": 10}
    assert out["invalid_item"] == "ValidationError: 0.5 is less than the minimum of 1"
    assert out["material_item"] == {"rho": 8000}
    assert out["duplicate_name"] == "rejected: 409"


def test_get_or_create(pyqalx: Pyqalx) -> None:
    out = pyqalx.run("get_or_create.py")

    assert out["queue_name"] == "compat-jobs"
    assert out["queue_meta"] == {"purpose": "compat"}
    assert out["queue_same"] == [True, True]
    assert out["queue_count"] == 1
    assert out["queue_parameters"] == {"VisibilityTimeout": 30}
    assert out["blueprint_name"] == "AnyItem"
    assert out["blueprint_same"] is True
    assert out["blueprint_count"] == 1


def test_aggregate(pyqalx: Pyqalx) -> None:
    out = pyqalx.run("aggregate.py")

    assert out["rows"] == [
        {"_id": "blue", "total": 5, "count": 1},
        {"_id": "green", "total": 7, "count": 1},
        {"_id": "red", "total": 5, "count": 2},
    ]
    assert out["row_types"] == ["Item"]
    assert out["counted"] == [{"dots": 5}]


def test_files(pyqalx: Pyqalx, tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    out = pyqalx.run("files.py", str(scratch))

    assert out["path_add"]["name"] == "316_datasheet.pdf"
    assert "put_url" not in out["path_add"]["keys"]  # pyqalx drops it after the upload
    assert "url" in out["path_add"]["keys"]
    assert out["path_add"]["data"] == {"rho": 8000, "E": 193e9}
    assert out["stream_add"] == {"name": "report.docx"}
    assert out["read_file_equal"] is True
    assert out["save_to_disk"] == {"name": "316_datasheet.pdf", "equal": True}
    assert out["save_to_disk_renamed"] == {"name": "copy.pdf", "equal": True}
    assert out["stream_read"] == "report body\n"
    assert out["save_keeps_file"] == {
        "name": "report.docx",
        "bytes": "report body\n",
        "data": {"pages": 3},
    }
    assert out["save_replaces_file"] == {"name": "v2.txt", "bytes": "second version"}
    assert out["file_removed"] == {}
    assert sorted(p.name for p in (scratch / "down").iterdir()) == ["316_datasheet.pdf", "copy.pdf"]


def test_data_as_file(pyqalx: Pyqalx) -> None:
    out = pyqalx.run("as_file.py")

    assert out == {
        "add_data": "heavy",
        "file_as_file": True,
        "file_name_prefix": "item_data_",
        "get_data": {"big": list(range(50)), "label": "heavy"},
        "after_save": "heavier",
    }


def test_encrypted_file(pyqalx: Pyqalx, tmp_path: Path) -> None:
    keyfile = tmp_path / "qalx.key"
    keyfile.write_bytes(base64.urlsafe_b64encode(os.urandom(32)))  # a Fernet key
    out = pyqalx.run("encrypted_files.py", env=pyqalx.env({"QALX_USER_KEYFILE": str(keyfile)}))

    assert out == {
        "keyfile": "qalx.key",
        "expected_keyfile": "qalx.key",
        "stored_is_fernet": True,
        "stored_differs": True,
        "decrypted_equal": True,
        "clear_keyfile": None,
        "clear_stored_equal": True,
        "clear_read_equal": True,
    }


def test_project_tags(pyqalx: Pyqalx) -> None:
    out = pyqalx.run("tags.py")
    apollo = [{"name": "project_name", "value": "apollo"}]

    assert out["tags"] == {"apollo": apollo, "plain": [], "set": apollo}
    assert out["find"] == {
        "apollo": ["apollo"],
        "gemini": ["gemini"],
        "plain": ["apollo", "gemini", "plain"],
    }
    assert out["find_query"] == ["apollo"]
    assert out["find_query_and"] == ["apollo"]
    assert out["find_untagged"] == ["apollo", "gemini", "plain"]
    assert out["find_one"] == "apollo"
    assert out["find_one_other"] == "not found"
    assert out["get_other"] == "gemini"
    assert out["sets"] == {"apollo": 1, "gemini": 0}
    assert out["after_save"] == {"apollo": ["apollo", "plain"], "tags": apollo}


def test_find_sort_and_query(pyqalx: Pyqalx) -> None:
    out = pyqalx.run("find_sort_query.py")

    assert out["sort_asc"] == ["b", "c", "a", "e", "d"]
    assert out["sort_desc"] == ["d", "e", "a", "c", "b"]
    assert out["sort_nested"] == ["d", "e", "a", "c", "b"]
    assert out["sort_list"] == ["e", "a", "c", "d", "b"]
    assert out["sort_meta_nested"] == ["e", "d", "c", "b", "a"]
    assert out["sort_created"] == ["a", "b", "c", "d", "e"]
    assert out["sort_created_desc"] == ["e", "d", "c", "b", "a"]
    assert out["query_gt"] == ["a", "e", "d"]
    assert out["query_nested"] == ["c"]
    assert out["query_meta"] == ["b", "d"]
    assert out["query_meta_nested"] == ["e"]
    assert out["query_or"] == ["b", "a", "d"]
    assert out["query_in"] == ["e", "a"]
    assert out["query_and_meta"] == ["c", "a"]
    assert out["page"] == ["c", "a"]
    assert out["page_query"] == {"count": 2}
    assert out["page_next"] == "item?skip=3&limit=2&sort=data__n"
    assert out["limit_one"] == ["b"]


@pytest.mark.parametrize("client", ["pyqalx"])
def test_follow_next_page(pyqalx: Pyqalx) -> None:
    out = pyqalx.run("follow_next.py")
    assert out["page_next"] == "item?skip=3&limit=2&sort=data__n"
    assert out["next_page"] == ["e", "d"]
    assert out["next_page_next"] is None  # the last page says so


def test_errors(pyqalx: Pyqalx) -> None:
    out = pyqalx.run("errors.py")

    assert out["get_missing"] == ["QalxAPIResponseError", "404"]
    assert out["find_one_none"] == ["QalxEntityNotFound", "item not found."]
    assert out["find_one_many"] == ["QalxMultipleEntityReturned"]
    assert out["get_by_name_none"] == ["QalxEntityNotFound", "blueprint not found."]
    assert out["bad_query"] == ["QalxAPIResponseError", "400"]
    assert out["bad_token"] == ["QalxAPIResponseError", "401"]


def test_types_round_trip(pyqalx: Pyqalx) -> None:
    out = pyqalx.run("types_roundtrip.py")

    assert out["report"] == {
        "int": {"equal": True, "type": "int"},
        "big": {"equal": True, "type": "int"},
        "float": {"equal": True, "type": "float"},
        "neg": {"equal": True, "type": "float"},
        "text": {"equal": True, "type": "str"},
        "none": {"equal": True, "type": "NoneType"},
        "flag": {"equal": True, "type": "bool"},
        "list": {"equal": True, "type": "list"},
        "nested": {"equal": True, "type": "QalxAddict"},
        "uuid": {"equal": True, "type": "UUID"},
        "when_naive": {"equal": True, "type": "datetime"},
        "when_utc": {"equal": True, "type": "datetime"},
        "blob": {"equal": True, "type": "bytes"},
    }
    assert out["find_by_uuid"] == 1
    assert out["find_by_date"] == 1
    assert out["got_when_utc_tz"] == "UTC"


def test_profile_file_config(pyqalx: Pyqalx) -> None:
    """No QALX_USER_* variables at all: BASE_URL and TOKEN come from `~/.qalx` profiles."""
    profile = f"BASE_URL={pyqalx.live.base_url}\nTOKEN={pyqalx.token}\n"
    (pyqalx.home / ".qalx").write_text(f"[default]\n{profile}\n[second]\n{profile}")
    env = {k: v for k, v in pyqalx.env().items() if not k.startswith("QALX_")}
    out = pyqalx.run("ini_profile.py", env=env)

    assert out == {"seen_by_second": "default"}


def test_companies_are_isolated(pyqalx: Pyqalx, other_pyqalx: Pyqalx) -> None:
    mine = pyqalx.run("isolation.py", "add")
    theirs = other_pyqalx.run("isolation.py", "look", mine["guid"])
    assert theirs == {"found": [], "get": "404"}
    assert pyqalx.run("isolation.py", "look", mine["guid"]) == {
        "found": [mine["guid"]],
        "get": "ok",
    }
