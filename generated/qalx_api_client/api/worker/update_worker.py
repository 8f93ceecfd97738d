from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from uuid import UUID

from ...models.error import Error
from ...models.worker import Worker
from ...models.worker_update import WorkerUpdate
from ...types import Response


def _get_kwargs(
    bot_guid: UUID,
    worker_guid: UUID,
    *,
    body: WorkerUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/bot/{bot_guid}/worker/{worker_guid}".format(
            bot_guid=quote(str(bot_guid), safe=""),
            worker_guid=quote(str(worker_guid), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | Worker:
    if response.status_code == 200:
        response_200 = Worker.from_dict(response.json())

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
) -> Response[Error | Worker]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    bot_guid: UUID,
    worker_guid: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: WorkerUpdate,
) -> Response[Error | Worker]:
    """Update a worker's state, status or signal

     `state` and `status` replace; `signal` keys merge into the stored signal.

    Args:
        bot_guid (UUID):
        worker_guid (UUID):
        body (WorkerUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Worker]
    """

    kwargs = _get_kwargs(
        bot_guid=bot_guid,
        worker_guid=worker_guid,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    bot_guid: UUID,
    worker_guid: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: WorkerUpdate,
) -> Error | Worker | None:
    """Update a worker's state, status or signal

     `state` and `status` replace; `signal` keys merge into the stored signal.

    Args:
        bot_guid (UUID):
        worker_guid (UUID):
        body (WorkerUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Worker
    """

    return sync_detailed(
        bot_guid=bot_guid,
        worker_guid=worker_guid,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    bot_guid: UUID,
    worker_guid: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: WorkerUpdate,
) -> Response[Error | Worker]:
    """Update a worker's state, status or signal

     `state` and `status` replace; `signal` keys merge into the stored signal.

    Args:
        bot_guid (UUID):
        worker_guid (UUID):
        body (WorkerUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Worker]
    """

    kwargs = _get_kwargs(
        bot_guid=bot_guid,
        worker_guid=worker_guid,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    bot_guid: UUID,
    worker_guid: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: WorkerUpdate,
) -> Error | Worker | None:
    """Update a worker's state, status or signal

     `state` and `status` replace; `signal` keys merge into the stored signal.

    Args:
        bot_guid (UUID):
        worker_guid (UUID):
        body (WorkerUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Worker
    """

    return (
        await asyncio_detailed(
            bot_guid=bot_guid,
            worker_guid=worker_guid,
            client=client,
            body=body,
        )
    ).parsed


if TYPE_CHECKING:
    import httpx

    from ...client import AuthenticatedClient, Client
