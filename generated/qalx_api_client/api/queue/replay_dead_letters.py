from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from uuid import UUID

from ...models.error import Error
from ...models.replay import Replay
from ...models.replay_result import ReplayResult
from ...types import Response


def _get_kwargs(
    guid: UUID,
    *,
    body: Replay,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/queue/{guid}/replay".format(
            guid=quote(str(guid), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ReplayResult:
    if response.status_code == 200:
        response_200 = ReplayResult.from_dict(response.json())

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
) -> Response[Error | ReplayResult]:
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
    body: Replay,
) -> Response[Error | ReplayResult]:
    """Move dead letters back to their queue

     Our extension: after fixing what made jobs fail, operators send their dead letters
    back to be processed again (`qalx queue replay`), chosen by id or all at once. Replayed
    messages start again with a receive count of 0.

    Args:
        guid (UUID):
        body (Replay): Which dead letters to move back to the queue; give `message_ids` or `all`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ReplayResult]
    """

    kwargs = _get_kwargs(
        guid=guid,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    guid: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: Replay,
) -> Error | ReplayResult | None:
    """Move dead letters back to their queue

     Our extension: after fixing what made jobs fail, operators send their dead letters
    back to be processed again (`qalx queue replay`), chosen by id or all at once. Replayed
    messages start again with a receive count of 0.

    Args:
        guid (UUID):
        body (Replay): Which dead letters to move back to the queue; give `message_ids` or `all`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ReplayResult
    """

    return sync_detailed(
        guid=guid,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    guid: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: Replay,
) -> Response[Error | ReplayResult]:
    """Move dead letters back to their queue

     Our extension: after fixing what made jobs fail, operators send their dead letters
    back to be processed again (`qalx queue replay`), chosen by id or all at once. Replayed
    messages start again with a receive count of 0.

    Args:
        guid (UUID):
        body (Replay): Which dead letters to move back to the queue; give `message_ids` or `all`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ReplayResult]
    """

    kwargs = _get_kwargs(
        guid=guid,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    guid: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: Replay,
) -> Error | ReplayResult | None:
    """Move dead letters back to their queue

     Our extension: after fixing what made jobs fail, operators send their dead letters
    back to be processed again (`qalx queue replay`), chosen by id or all at once. Replayed
    messages start again with a receive count of 0.

    Args:
        guid (UUID):
        body (Replay): Which dead letters to move back to the queue; give `message_ids` or `all`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ReplayResult
    """

    return (
        await asyncio_detailed(
            guid=guid,
            client=client,
            body=body,
        )
    ).parsed


if TYPE_CHECKING:
    import httpx

    from ...client import AuthenticatedClient, Client
