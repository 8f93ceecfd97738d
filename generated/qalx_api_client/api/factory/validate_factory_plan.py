from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from ...models.error import Error
from ...models.factory_validate import FactoryValidate
from ...models.factory_validate_result import FactoryValidateResult
from ...types import Response


def _get_kwargs(
    *,
    body: FactoryValidate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/factory/validate",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | FactoryValidateResult:
    if response.status_code == 200:
        response_200 = FactoryValidateResult.from_dict(response.json())

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
) -> Response[Error | FactoryValidateResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: FactoryValidate,
) -> Response[Error | FactoryValidateResult]:
    """Check a factory plan

     Checks a plan against `#/components/schemas/FactoryPlan` and the rules its
    description lists. Only success or failure matters to clients; on failure `detail`
    names the first problem and `errors` lists every one, each with its `field`, the path
    of the offending key in the plan (`factory.bots.solver.source`).

    Args:
        body (FactoryValidate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | FactoryValidateResult]
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
    body: FactoryValidate,
) -> Error | FactoryValidateResult | None:
    """Check a factory plan

     Checks a plan against `#/components/schemas/FactoryPlan` and the rules its
    description lists. Only success or failure matters to clients; on failure `detail`
    names the first problem and `errors` lists every one, each with its `field`, the path
    of the offending key in the plan (`factory.bots.solver.source`).

    Args:
        body (FactoryValidate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | FactoryValidateResult
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: FactoryValidate,
) -> Response[Error | FactoryValidateResult]:
    """Check a factory plan

     Checks a plan against `#/components/schemas/FactoryPlan` and the rules its
    description lists. Only success or failure matters to clients; on failure `detail`
    names the first problem and `errors` lists every one, each with its `field`, the path
    of the offending key in the plan (`factory.bots.solver.source`).

    Args:
        body (FactoryValidate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | FactoryValidateResult]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: FactoryValidate,
) -> Error | FactoryValidateResult | None:
    """Check a factory plan

     Checks a plan against `#/components/schemas/FactoryPlan` and the rules its
    description lists. Only success or failure matters to clients; on failure `detail`
    names the first problem and `errors` lists every one, each with its `field`, the path
    of the offending key in the plan (`factory.bots.solver.source`).

    Args:
        body (FactoryValidate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | FactoryValidateResult
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
