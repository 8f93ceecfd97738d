from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from ...models.error import Error
from ...models.notification import Notification
from ...models.notification_create import NotificationCreate
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: NotificationCreate,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/notification",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | Notification:
    if response.status_code == 200:
        response_200 = Notification.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = Notification.from_dict(response.json())

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

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())

        return response_422

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
) -> Response[Error | Notification]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: NotificationCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | Notification]:
    """Create a notification

     Creates a notification owned by the token's company and returns it (201) at once; the
    e-mail is sent afterwards, in the background, and `info.delivery` says how that went.
    Recipients must be e-mail addresses (see `NotificationCreate`); a bad one is a 400
    naming the field (`body.to.1`). `bcc` recipients get the e-mail but no header names
    them. A message containing HTML tags is sent as HTML with a plain-text alternative;
    any other message as plain text.

    Args:
        idempotency_key (str | Unset):
        body (NotificationCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Notification]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: NotificationCreate,
    idempotency_key: str | Unset = UNSET,
) -> Error | Notification | None:
    """Create a notification

     Creates a notification owned by the token's company and returns it (201) at once; the
    e-mail is sent afterwards, in the background, and `info.delivery` says how that went.
    Recipients must be e-mail addresses (see `NotificationCreate`); a bad one is a 400
    naming the field (`body.to.1`). `bcc` recipients get the e-mail but no header names
    them. A message containing HTML tags is sent as HTML with a plain-text alternative;
    any other message as plain text.

    Args:
        idempotency_key (str | Unset):
        body (NotificationCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Notification
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: NotificationCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | Notification]:
    """Create a notification

     Creates a notification owned by the token's company and returns it (201) at once; the
    e-mail is sent afterwards, in the background, and `info.delivery` says how that went.
    Recipients must be e-mail addresses (see `NotificationCreate`); a bad one is a 400
    naming the field (`body.to.1`). `bcc` recipients get the e-mail but no header names
    them. A message containing HTML tags is sent as HTML with a plain-text alternative;
    any other message as plain text.

    Args:
        idempotency_key (str | Unset):
        body (NotificationCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Notification]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: NotificationCreate,
    idempotency_key: str | Unset = UNSET,
) -> Error | Notification | None:
    """Create a notification

     Creates a notification owned by the token's company and returns it (201) at once; the
    e-mail is sent afterwards, in the background, and `info.delivery` says how that went.
    Recipients must be e-mail addresses (see `NotificationCreate`); a bad one is a 400
    naming the field (`body.to.1`). `bcc` recipients get the e-mail but no header names
    them. A message containing HTML tags is sent as HTML with a plain-text alternative;
    any other message as plain text.

    Args:
        idempotency_key (str | Unset):
        body (NotificationCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Notification
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed


if TYPE_CHECKING:
    import httpx

    from ...client import AuthenticatedClient, Client
