from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from ...models.error import Error
from ...models.index import Index
from ...models.index_declare import IndexDeclare
from ...types import Response


def _get_kwargs(
    *,
    body: IndexDeclare,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/index",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | Index:
    if response.status_code == 201:
        response_201 = Index.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Error.from_dict(response.json())

        return response_415

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
) -> Response[Error | Index]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: IndexDeclare,
) -> Response[Error | Index]:
    """Declare an index on a document path

     Our extension, not in the hosted API: has the database index one path of one entity
    type's documents (`data.x`, `metadata.data.x`, `info.created.on`, ...) for the
    caller's company, so filters (equalities, `$in`, ranges, `$or` of them) and sorts
    (when the filter bounds the path to numbers) on it read an index instead of every
    entity. Answers once the index is built; PostgreSQL builds it without blocking writes
    (`CONCURRENTLY`). Declaring an existing index again changes nothing. User tokens only.

    Args:
        body (IndexDeclare):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Index]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: IndexDeclare,
) -> Error | Index | None:
    """Declare an index on a document path

     Our extension, not in the hosted API: has the database index one path of one entity
    type's documents (`data.x`, `metadata.data.x`, `info.created.on`, ...) for the
    caller's company, so filters (equalities, `$in`, ranges, `$or` of them) and sorts
    (when the filter bounds the path to numbers) on it read an index instead of every
    entity. Answers once the index is built; PostgreSQL builds it without blocking writes
    (`CONCURRENTLY`). Declaring an existing index again changes nothing. User tokens only.

    Args:
        body (IndexDeclare):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Index
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: IndexDeclare,
) -> Response[Error | Index]:
    """Declare an index on a document path

     Our extension, not in the hosted API: has the database index one path of one entity
    type's documents (`data.x`, `metadata.data.x`, `info.created.on`, ...) for the
    caller's company, so filters (equalities, `$in`, ranges, `$or` of them) and sorts
    (when the filter bounds the path to numbers) on it read an index instead of every
    entity. Answers once the index is built; PostgreSQL builds it without blocking writes
    (`CONCURRENTLY`). Declaring an existing index again changes nothing. User tokens only.

    Args:
        body (IndexDeclare):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Index]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: IndexDeclare,
) -> Error | Index | None:
    """Declare an index on a document path

     Our extension, not in the hosted API: has the database index one path of one entity
    type's documents (`data.x`, `metadata.data.x`, `info.created.on`, ...) for the
    caller's company, so filters (equalities, `$in`, ranges, `$or` of them) and sorts
    (when the filter bounds the path to numbers) on it read an index instead of every
    entity. Answers once the index is built; PostgreSQL builds it without blocking writes
    (`CONCURRENTLY`). Declaring an existing index again changes nothing. User tokens only.

    Args:
        body (IndexDeclare):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Index
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed


if TYPE_CHECKING:
    import httpx

    from ...client import AuthenticatedClient, Client
