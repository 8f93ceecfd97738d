from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from ...models.error import Error
from ...models.factory import Factory
from ...models.factory_create import FactoryCreate
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: FactoryCreate,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/factory",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | Factory:
    if response.status_code == 200:
        response_200 = Factory.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = Factory.from_dict(response.json())

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
) -> Response[Error | Factory]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: FactoryCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | Factory]:
    """Create a factory

     Creates a factory owned by the token's company and returns it (201).
    New factories have `status: deploying`. With `plan: {name}` the answer's `plan` carries `put_url`.

    Args:
        idempotency_key (str | Unset):
        body (FactoryCreate): `data`, `encrypt` and `file_key` (which pyqalx sends) are accepted
            and ignored; plans
            are never encrypted.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Factory]
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
    body: FactoryCreate,
    idempotency_key: str | Unset = UNSET,
) -> Error | Factory | None:
    """Create a factory

     Creates a factory owned by the token's company and returns it (201).
    New factories have `status: deploying`. With `plan: {name}` the answer's `plan` carries `put_url`.

    Args:
        idempotency_key (str | Unset):
        body (FactoryCreate): `data`, `encrypt` and `file_key` (which pyqalx sends) are accepted
            and ignored; plans
            are never encrypted.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Factory
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: FactoryCreate,
    idempotency_key: str | Unset = UNSET,
) -> Response[Error | Factory]:
    """Create a factory

     Creates a factory owned by the token's company and returns it (201).
    New factories have `status: deploying`. With `plan: {name}` the answer's `plan` carries `put_url`.

    Args:
        idempotency_key (str | Unset):
        body (FactoryCreate): `data`, `encrypt` and `file_key` (which pyqalx sends) are accepted
            and ignored; plans
            are never encrypted.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Factory]
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
    body: FactoryCreate,
    idempotency_key: str | Unset = UNSET,
) -> Error | Factory | None:
    """Create a factory

     Creates a factory owned by the token's company and returns it (201).
    New factories have `status: deploying`. With `plan: {name}` the answer's `plan` carries `put_url`.

    Args:
        idempotency_key (str | Unset):
        body (FactoryCreate): `data`, `encrypt` and `file_key` (which pyqalx sends) are accepted
            and ignored; plans
            are never encrypted.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Factory
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
