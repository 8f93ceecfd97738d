from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from ...models.create_item_qalx_bulk import CreateItemQalxBulk
from ...models.error import Error
from ...models.item import Item
from ...models.item_bulk_create import ItemBulkCreate
from ...models.item_bulk_result import ItemBulkResult
from ...models.item_create import ItemCreate
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: ItemBulkCreate | ItemCreate,
    idempotency_key: str | Unset = UNSET,
    qalx_bulk: CreateItemQalxBulk | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(qalx_bulk, Unset):
        headers["qalx-bulk"] = str(qalx_bulk)

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/item",
    }

    if isinstance(body, ItemBulkCreate):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | Item | ItemBulkResult:
    if response.status_code == 200:

        def _parse_response_200(data: object) -> Item | ItemBulkResult:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_200_type_0 = ItemBulkResult.from_dict(data)

                return response_200_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_200_type_1 = Item.from_dict(data)

            return response_200_type_1

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 201:

        def _parse_response_201(data: object) -> Item | ItemBulkResult:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_201_type_0 = ItemBulkResult.from_dict(data)

                return response_201_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_201_type_1 = Item.from_dict(data)

            return response_201_type_1

        response_201 = _parse_response_201(response.json())

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
) -> Response[Error | Item | ItemBulkResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ItemBulkCreate | ItemCreate,
    idempotency_key: str | Unset = UNSET,
    qalx_bulk: CreateItemQalxBulk | Unset = UNSET,
) -> Response[Error | Item | ItemBulkResult]:
    """Create an item, or many with `qalx-bulk: true`

     Creates one item (201, the item) or, with the header `qalx-bulk: true`, many (200, an
    `ItemBulkResult` that reports per-index errors; a partial failure is still 200).
    With `file: {name}`, the answer's `file` carries `put_url` and `url`. The two bodies
    are told apart by `items`, which a single item never has; a body with `items` but
    without the header is 400.

    Args:
        idempotency_key (str | Unset):
        qalx_bulk (CreateItemQalxBulk | Unset):
        body (ItemBulkCreate | ItemCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Item | ItemBulkResult]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
        qalx_bulk=qalx_bulk,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: ItemBulkCreate | ItemCreate,
    idempotency_key: str | Unset = UNSET,
    qalx_bulk: CreateItemQalxBulk | Unset = UNSET,
) -> Error | Item | ItemBulkResult | None:
    """Create an item, or many with `qalx-bulk: true`

     Creates one item (201, the item) or, with the header `qalx-bulk: true`, many (200, an
    `ItemBulkResult` that reports per-index errors; a partial failure is still 200).
    With `file: {name}`, the answer's `file` carries `put_url` and `url`. The two bodies
    are told apart by `items`, which a single item never has; a body with `items` but
    without the header is 400.

    Args:
        idempotency_key (str | Unset):
        qalx_bulk (CreateItemQalxBulk | Unset):
        body (ItemBulkCreate | ItemCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Item | ItemBulkResult
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        qalx_bulk=qalx_bulk,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ItemBulkCreate | ItemCreate,
    idempotency_key: str | Unset = UNSET,
    qalx_bulk: CreateItemQalxBulk | Unset = UNSET,
) -> Response[Error | Item | ItemBulkResult]:
    """Create an item, or many with `qalx-bulk: true`

     Creates one item (201, the item) or, with the header `qalx-bulk: true`, many (200, an
    `ItemBulkResult` that reports per-index errors; a partial failure is still 200).
    With `file: {name}`, the answer's `file` carries `put_url` and `url`. The two bodies
    are told apart by `items`, which a single item never has; a body with `items` but
    without the header is 400.

    Args:
        idempotency_key (str | Unset):
        qalx_bulk (CreateItemQalxBulk | Unset):
        body (ItemBulkCreate | ItemCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Item | ItemBulkResult]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
        qalx_bulk=qalx_bulk,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ItemBulkCreate | ItemCreate,
    idempotency_key: str | Unset = UNSET,
    qalx_bulk: CreateItemQalxBulk | Unset = UNSET,
) -> Error | Item | ItemBulkResult | None:
    """Create an item, or many with `qalx-bulk: true`

     Creates one item (201, the item) or, with the header `qalx-bulk: true`, many (200, an
    `ItemBulkResult` that reports per-index errors; a partial failure is still 200).
    With `file: {name}`, the answer's `file` carries `put_url` and `url`. The two bodies
    are told apart by `items`, which a single item never has; a body with `items` but
    without the header is 400.

    Args:
        idempotency_key (str | Unset):
        qalx_bulk (CreateItemQalxBulk | Unset):
        body (ItemBulkCreate | ItemCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Item | ItemBulkResult
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            qalx_bulk=qalx_bulk,
        )
    ).parsed


if TYPE_CHECKING:
    import httpx

    from ...client import AuthenticatedClient, Client
