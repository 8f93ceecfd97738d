from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from uuid import UUID

from ...models.error import Error
from ...models.worker_signal import WorkerSignal
from ...types import UNSET, Response, Unset


def _get_kwargs(
    bot_guid: UUID,
    worker_guid: UUID,
    *,
    wait: float | Unset = 0.0,
    since: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["wait"] = wait

    params["since"] = since

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/bot/{bot_guid}/worker/{worker_guid}/signal".format(
            bot_guid=quote(str(bot_guid), safe=""),
            worker_guid=quote(str(worker_guid), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | WorkerSignal:
    if response.status_code == 200:
        response_200 = WorkerSignal.from_dict(response.json())

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
) -> Response[Error | WorkerSignal]:
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
    wait: float | Unset = 0.0,
    since: int | Unset = UNSET,
) -> Response[Error | WorkerSignal]:
    """Wait for a worker's signal to change (long polling)

     Our extension: lets an idle worker act on a stop, resume or terminate within a
    second or two while sending at most one request per `wait` (20 s), instead of
    pyqalx's GET `?fields=signal` every 20 to 240 s. Every change of a worker's signal
    bumps its `signal_version`. The answer comes at once when `since` is absent or is
    not the current version, as soon as the signal changes otherwise, and after `wait`
    seconds (with the unchanged signal) at the latest, or after a third of the server's
    `worker_lost_after` where that is shorter. A waiting request holds no server
    thread; a change made through this server process wakes it at once, one made
    through another process sharing the database within about half a second.

    Read with the bot's own token, it also records that the worker was seen
    (`last_seen`): a worker that uses this endpoint must call it again as soon as it is
    answered, including while it runs a job, or it reads as `state: "lost"` once it has not been
    seen for the server's `worker_lost_after` (60 s by default). Users of the bot's
    company may read it too (without marking the worker seen).

    Args:
        bot_guid (UUID):
        worker_guid (UUID):
        wait (float | Unset):  Default: 0.0.
        since (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | WorkerSignal]
    """

    kwargs = _get_kwargs(
        bot_guid=bot_guid,
        worker_guid=worker_guid,
        wait=wait,
        since=since,
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
    wait: float | Unset = 0.0,
    since: int | Unset = UNSET,
) -> Error | WorkerSignal | None:
    """Wait for a worker's signal to change (long polling)

     Our extension: lets an idle worker act on a stop, resume or terminate within a
    second or two while sending at most one request per `wait` (20 s), instead of
    pyqalx's GET `?fields=signal` every 20 to 240 s. Every change of a worker's signal
    bumps its `signal_version`. The answer comes at once when `since` is absent or is
    not the current version, as soon as the signal changes otherwise, and after `wait`
    seconds (with the unchanged signal) at the latest, or after a third of the server's
    `worker_lost_after` where that is shorter. A waiting request holds no server
    thread; a change made through this server process wakes it at once, one made
    through another process sharing the database within about half a second.

    Read with the bot's own token, it also records that the worker was seen
    (`last_seen`): a worker that uses this endpoint must call it again as soon as it is
    answered, including while it runs a job, or it reads as `state: "lost"` once it has not been
    seen for the server's `worker_lost_after` (60 s by default). Users of the bot's
    company may read it too (without marking the worker seen).

    Args:
        bot_guid (UUID):
        worker_guid (UUID):
        wait (float | Unset):  Default: 0.0.
        since (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | WorkerSignal
    """

    return sync_detailed(
        bot_guid=bot_guid,
        worker_guid=worker_guid,
        client=client,
        wait=wait,
        since=since,
    ).parsed


async def asyncio_detailed(
    bot_guid: UUID,
    worker_guid: UUID,
    *,
    client: AuthenticatedClient | Client,
    wait: float | Unset = 0.0,
    since: int | Unset = UNSET,
) -> Response[Error | WorkerSignal]:
    """Wait for a worker's signal to change (long polling)

     Our extension: lets an idle worker act on a stop, resume or terminate within a
    second or two while sending at most one request per `wait` (20 s), instead of
    pyqalx's GET `?fields=signal` every 20 to 240 s. Every change of a worker's signal
    bumps its `signal_version`. The answer comes at once when `since` is absent or is
    not the current version, as soon as the signal changes otherwise, and after `wait`
    seconds (with the unchanged signal) at the latest, or after a third of the server's
    `worker_lost_after` where that is shorter. A waiting request holds no server
    thread; a change made through this server process wakes it at once, one made
    through another process sharing the database within about half a second.

    Read with the bot's own token, it also records that the worker was seen
    (`last_seen`): a worker that uses this endpoint must call it again as soon as it is
    answered, including while it runs a job, or it reads as `state: "lost"` once it has not been
    seen for the server's `worker_lost_after` (60 s by default). Users of the bot's
    company may read it too (without marking the worker seen).

    Args:
        bot_guid (UUID):
        worker_guid (UUID):
        wait (float | Unset):  Default: 0.0.
        since (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | WorkerSignal]
    """

    kwargs = _get_kwargs(
        bot_guid=bot_guid,
        worker_guid=worker_guid,
        wait=wait,
        since=since,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    bot_guid: UUID,
    worker_guid: UUID,
    *,
    client: AuthenticatedClient | Client,
    wait: float | Unset = 0.0,
    since: int | Unset = UNSET,
) -> Error | WorkerSignal | None:
    """Wait for a worker's signal to change (long polling)

     Our extension: lets an idle worker act on a stop, resume or terminate within a
    second or two while sending at most one request per `wait` (20 s), instead of
    pyqalx's GET `?fields=signal` every 20 to 240 s. Every change of a worker's signal
    bumps its `signal_version`. The answer comes at once when `since` is absent or is
    not the current version, as soon as the signal changes otherwise, and after `wait`
    seconds (with the unchanged signal) at the latest, or after a third of the server's
    `worker_lost_after` where that is shorter. A waiting request holds no server
    thread; a change made through this server process wakes it at once, one made
    through another process sharing the database within about half a second.

    Read with the bot's own token, it also records that the worker was seen
    (`last_seen`): a worker that uses this endpoint must call it again as soon as it is
    answered, including while it runs a job, or it reads as `state: "lost"` once it has not been
    seen for the server's `worker_lost_after` (60 s by default). Users of the bot's
    company may read it too (without marking the worker seen).

    Args:
        bot_guid (UUID):
        worker_guid (UUID):
        wait (float | Unset):  Default: 0.0.
        since (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | WorkerSignal
    """

    return (
        await asyncio_detailed(
            bot_guid=bot_guid,
            worker_guid=worker_guid,
            client=client,
            wait=wait,
            since=since,
        )
    ).parsed


if TYPE_CHECKING:
    import httpx

    from ...client import AuthenticatedClient, Client
