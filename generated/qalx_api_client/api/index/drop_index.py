from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote

from ...models.entity_type import EntityType
from ...models.error import Error
from ...types import Response


def _get_kwargs(
    entity_type: EntityType,
    path: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/index/{entity_type}/{path}".format(
            entity_type=quote(str(entity_type), safe=""),
            path=quote(str(path), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Error:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if 500 <= response.status_code <= 599:
        response_5xx = Error.from_dict(response.json())

        return response_5xx

    response_default = Error.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    entity_type: EntityType,
    path: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | Error]:
    """Drop a declared index

     Our extension: the company no longer declares the index; the database's index goes
    with the last company that declared it. User tokens only.

    Args:
        entity_type (EntityType): An entity type, as its paths name it.
        path (str): A dotted document path, as queries write it (`data.x`, `metadata.data.x`):
            field names
            only, each not empty, not starting with `$`, not all digits (an array position, which
            the index's key never reaches; its arrays' elements are found anyway), and without
            `.`, `"`, `\\` or control characters.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        entity_type=entity_type,
        path=path,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    entity_type: EntityType,
    path: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | Error | None:
    """Drop a declared index

     Our extension: the company no longer declares the index; the database's index goes
    with the last company that declared it. User tokens only.

    Args:
        entity_type (EntityType): An entity type, as its paths name it.
        path (str): A dotted document path, as queries write it (`data.x`, `metadata.data.x`):
            field names
            only, each not empty, not starting with `$`, not all digits (an array position, which
            the index's key never reaches; its arrays' elements are found anyway), and without
            `.`, `"`, `\\` or control characters.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return sync_detailed(
        entity_type=entity_type,
        path=path,
        client=client,
    ).parsed


async def asyncio_detailed(
    entity_type: EntityType,
    path: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | Error]:
    """Drop a declared index

     Our extension: the company no longer declares the index; the database's index goes
    with the last company that declared it. User tokens only.

    Args:
        entity_type (EntityType): An entity type, as its paths name it.
        path (str): A dotted document path, as queries write it (`data.x`, `metadata.data.x`):
            field names
            only, each not empty, not starting with `$`, not all digits (an array position, which
            the index's key never reaches; its arrays' elements are found anyway), and without
            `.`, `"`, `\\` or control characters.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
    """

    kwargs = _get_kwargs(
        entity_type=entity_type,
        path=path,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    entity_type: EntityType,
    path: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | Error | None:
    """Drop a declared index

     Our extension: the company no longer declares the index; the database's index goes
    with the last company that declared it. User tokens only.

    Args:
        entity_type (EntityType): An entity type, as its paths name it.
        path (str): A dotted document path, as queries write it (`data.x`, `metadata.data.x`):
            field names
            only, each not empty, not starting with `$`, not all digits (an array position, which
            the index's key never reaches; its arrays' elements are found anyway), and without
            `.`, `"`, `\\` or control characters.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
    """

    return (
        await asyncio_detailed(
            entity_type=entity_type,
            path=path,
            client=client,
        )
    ).parsed


if TYPE_CHECKING:
    import httpx

    from ...client import AuthenticatedClient, Client
