from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from ...models.error import Error
from ...models.queue_list import QueueList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    skip: int | Unset = 0,
    limit: int | Unset = 25,
    total: bool | Unset = UNSET,
    sort: list[str] | Unset = UNSET,
    query: str | Unset = UNSET,
    fields: list[str] | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["skip"] = skip

    params["limit"] = limit

    params["total"] = total

    json_sort: list[str] | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort

    params["sort"] = json_sort

    params["query"] = query

    json_fields: list[str] | Unset = UNSET
    if not isinstance(fields, Unset):
        json_fields = fields

    params["fields"] = json_fields

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/queue",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | QueueList:
    if response.status_code == 200:
        response_200 = QueueList.from_dict(response.json())

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
) -> Response[Error | QueueList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    skip: int | Unset = 0,
    limit: int | Unset = 25,
    total: bool | Unset = UNSET,
    sort: list[str] | Unset = UNSET,
    query: str | Unset = UNSET,
    fields: list[str] | Unset = UNSET,
) -> Response[Error | QueueList]:
    """List queues

     A page of the queues visible to the token that match `query`, in `sort` order.
    Archived queues are left out unless `query` names `info.archived`.

    Args:
        skip (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 25.
        total (bool | Unset):
        sort (list[str] | Unset):
        query (str | Unset):
        fields (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | QueueList]
    """

    kwargs = _get_kwargs(
        skip=skip,
        limit=limit,
        total=total,
        sort=sort,
        query=query,
        fields=fields,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    skip: int | Unset = 0,
    limit: int | Unset = 25,
    total: bool | Unset = UNSET,
    sort: list[str] | Unset = UNSET,
    query: str | Unset = UNSET,
    fields: list[str] | Unset = UNSET,
) -> Error | QueueList | None:
    """List queues

     A page of the queues visible to the token that match `query`, in `sort` order.
    Archived queues are left out unless `query` names `info.archived`.

    Args:
        skip (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 25.
        total (bool | Unset):
        sort (list[str] | Unset):
        query (str | Unset):
        fields (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | QueueList
    """

    return sync_detailed(
        client=client,
        skip=skip,
        limit=limit,
        total=total,
        sort=sort,
        query=query,
        fields=fields,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    skip: int | Unset = 0,
    limit: int | Unset = 25,
    total: bool | Unset = UNSET,
    sort: list[str] | Unset = UNSET,
    query: str | Unset = UNSET,
    fields: list[str] | Unset = UNSET,
) -> Response[Error | QueueList]:
    """List queues

     A page of the queues visible to the token that match `query`, in `sort` order.
    Archived queues are left out unless `query` names `info.archived`.

    Args:
        skip (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 25.
        total (bool | Unset):
        sort (list[str] | Unset):
        query (str | Unset):
        fields (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | QueueList]
    """

    kwargs = _get_kwargs(
        skip=skip,
        limit=limit,
        total=total,
        sort=sort,
        query=query,
        fields=fields,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    skip: int | Unset = 0,
    limit: int | Unset = 25,
    total: bool | Unset = UNSET,
    sort: list[str] | Unset = UNSET,
    query: str | Unset = UNSET,
    fields: list[str] | Unset = UNSET,
) -> Error | QueueList | None:
    """List queues

     A page of the queues visible to the token that match `query`, in `sort` order.
    Archived queues are left out unless `query` names `info.archived`.

    Args:
        skip (int | Unset):  Default: 0.
        limit (int | Unset):  Default: 25.
        total (bool | Unset):
        sort (list[str] | Unset):
        query (str | Unset):
        fields (list[str] | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | QueueList
    """

    return (
        await asyncio_detailed(
            client=client,
            skip=skip,
            limit=limit,
            total=total,
            sort=sort,
            query=query,
            fields=fields,
        )
    ).parsed


if TYPE_CHECKING:
    import httpx

    from ...client import AuthenticatedClient, Client
