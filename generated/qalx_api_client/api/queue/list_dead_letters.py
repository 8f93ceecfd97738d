from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from uuid import UUID

from ...models.dead_letter_list import DeadLetterList
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    guid: UUID,
    *,
    limit: int | Unset = 25,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/queue/{guid}/dead-letters".format(
            guid=quote(str(guid), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeadLetterList | Error:
    if response.status_code == 200:
        response_200 = DeadLetterList.from_dict(response.json())

        return response_200

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
) -> Response[DeadLetterList | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    guid: UUID,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 25,
) -> Response[DeadLetterList | Error]:
    """Messages that were received too often without being deleted

     Our extension: every queue has a dead-letter companion (redrive after
    `parameters.maxReceiveCount` receives, default 5); operators inspect it here
    (`qalx queue dead-letters`), oldest first. Reading leaves them in place.

    Args:
        guid (UUID):
        limit (int | Unset):  Default: 25.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeadLetterList | Error]
    """

    kwargs = _get_kwargs(
        guid=guid,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    guid: UUID,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 25,
) -> DeadLetterList | Error | None:
    """Messages that were received too often without being deleted

     Our extension: every queue has a dead-letter companion (redrive after
    `parameters.maxReceiveCount` receives, default 5); operators inspect it here
    (`qalx queue dead-letters`), oldest first. Reading leaves them in place.

    Args:
        guid (UUID):
        limit (int | Unset):  Default: 25.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeadLetterList | Error
    """

    return sync_detailed(
        guid=guid,
        client=client,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    guid: UUID,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 25,
) -> Response[DeadLetterList | Error]:
    """Messages that were received too often without being deleted

     Our extension: every queue has a dead-letter companion (redrive after
    `parameters.maxReceiveCount` receives, default 5); operators inspect it here
    (`qalx queue dead-letters`), oldest first. Reading leaves them in place.

    Args:
        guid (UUID):
        limit (int | Unset):  Default: 25.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeadLetterList | Error]
    """

    kwargs = _get_kwargs(
        guid=guid,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    guid: UUID,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 25,
) -> DeadLetterList | Error | None:
    """Messages that were received too often without being deleted

     Our extension: every queue has a dead-letter companion (redrive after
    `parameters.maxReceiveCount` receives, default 5); operators inspect it here
    (`qalx queue dead-letters`), oldest first. Reading leaves them in place.

    Args:
        guid (UUID):
        limit (int | Unset):  Default: 25.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeadLetterList | Error
    """

    return (
        await asyncio_detailed(
            guid=guid,
            client=client,
            limit=limit,
        )
    ).parsed


if TYPE_CHECKING:
    import httpx

    from ...client import AuthenticatedClient, Client
