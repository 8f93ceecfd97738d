from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote
from uuid import UUID

from ...models.error import Error
from ...models.job_failure import JobFailure
from ...types import Response


def _get_kwargs(
    guid: UUID,
    *,
    body: JobFailure,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/queue/{guid}/failures".format(
            guid=quote(str(guid), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
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
) -> Response[Any | Error]:
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
    body: JobFailure,
) -> Response[Any | Error]:
    """Record that a job failed on one of the queue's messages

     Our extension: a bot worker whose job fails releases the message for another attempt
    and reports the failure here, so that when the broker's redrive moves the message to
    the dead-letter companion, the listing (`list_dead_letters`) says why. SQS cannot carry
    data on a released message, so the failure is recorded beside it, keyed by its message
    id (SQS keeps the id when it moves a message to the dead letters); this works whichever
    broker the server uses, built-in or Amazon SQS.

    The server keeps, per company, queue and message id, the newest failure and how many
    were recorded (earlier ones are in the workers' logs). A record lasts 14 days from its
    newest failure (SQS's longest message retention, what both brokers keep messages for);
    it goes when its dead letter is replayed (the replayed message starts again, as its
    receive count does) and when the queue is archived or deleted. The message id is not
    checked against the broker (Amazon SQS cannot look one up). Clients must treat 404 and
    405 as "this server does not record failures" (the hosted service does not).

    Args:
        guid (UUID):
        body (JobFailure): One failed attempt at the job a queue message carries, as a worker saw
            it. Only
            `message_id` and `error` are required; the rest say where and who.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
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
    body: JobFailure,
) -> Any | Error | None:
    """Record that a job failed on one of the queue's messages

     Our extension: a bot worker whose job fails releases the message for another attempt
    and reports the failure here, so that when the broker's redrive moves the message to
    the dead-letter companion, the listing (`list_dead_letters`) says why. SQS cannot carry
    data on a released message, so the failure is recorded beside it, keyed by its message
    id (SQS keeps the id when it moves a message to the dead letters); this works whichever
    broker the server uses, built-in or Amazon SQS.

    The server keeps, per company, queue and message id, the newest failure and how many
    were recorded (earlier ones are in the workers' logs). A record lasts 14 days from its
    newest failure (SQS's longest message retention, what both brokers keep messages for);
    it goes when its dead letter is replayed (the replayed message starts again, as its
    receive count does) and when the queue is archived or deleted. The message id is not
    checked against the broker (Amazon SQS cannot look one up). Clients must treat 404 and
    405 as "this server does not record failures" (the hosted service does not).

    Args:
        guid (UUID):
        body (JobFailure): One failed attempt at the job a queue message carries, as a worker saw
            it. Only
            `message_id` and `error` are required; the rest say where and who.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
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
    body: JobFailure,
) -> Response[Any | Error]:
    """Record that a job failed on one of the queue's messages

     Our extension: a bot worker whose job fails releases the message for another attempt
    and reports the failure here, so that when the broker's redrive moves the message to
    the dead-letter companion, the listing (`list_dead_letters`) says why. SQS cannot carry
    data on a released message, so the failure is recorded beside it, keyed by its message
    id (SQS keeps the id when it moves a message to the dead letters); this works whichever
    broker the server uses, built-in or Amazon SQS.

    The server keeps, per company, queue and message id, the newest failure and how many
    were recorded (earlier ones are in the workers' logs). A record lasts 14 days from its
    newest failure (SQS's longest message retention, what both brokers keep messages for);
    it goes when its dead letter is replayed (the replayed message starts again, as its
    receive count does) and when the queue is archived or deleted. The message id is not
    checked against the broker (Amazon SQS cannot look one up). Clients must treat 404 and
    405 as "this server does not record failures" (the hosted service does not).

    Args:
        guid (UUID):
        body (JobFailure): One failed attempt at the job a queue message carries, as a worker saw
            it. Only
            `message_id` and `error` are required; the rest say where and who.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error]
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
    body: JobFailure,
) -> Any | Error | None:
    """Record that a job failed on one of the queue's messages

     Our extension: a bot worker whose job fails releases the message for another attempt
    and reports the failure here, so that when the broker's redrive moves the message to
    the dead-letter companion, the listing (`list_dead_letters`) says why. SQS cannot carry
    data on a released message, so the failure is recorded beside it, keyed by its message
    id (SQS keeps the id when it moves a message to the dead letters); this works whichever
    broker the server uses, built-in or Amazon SQS.

    The server keeps, per company, queue and message id, the newest failure and how many
    were recorded (earlier ones are in the workers' logs). A record lasts 14 days from its
    newest failure (SQS's longest message retention, what both brokers keep messages for);
    it goes when its dead letter is replayed (the replayed message starts again, as its
    receive count does) and when the queue is archived or deleted. The message id is not
    checked against the broker (Amazon SQS cannot look one up). Clients must treat 404 and
    405 as "this server does not record failures" (the hosted service does not).

    Args:
        guid (UUID):
        body (JobFailure): One failed attempt at the job a queue message carries, as a worker saw
            it. Only
            `message_id` and `error` are required; the rest say where and who.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error
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
