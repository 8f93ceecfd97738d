"""SQS errors as the AWS JSON 1.0 protocol carries them, so botocore raises the right exception.

The body's `__type` names the modelled exception (`com.amazonaws.sqs#QueueDoesNotExist`); the
`x-amzn-query-error` header carries the code of SQS's older query protocol
(`AWS.SimpleQueueService.NonExistentQueue;Sender`). botocore reports the header's code as
`Error.Code` and picks the exception class from `__type`, exactly as against Amazon SQS.
"""

from __future__ import annotations

import orjson
from starlette.responses import Response

CONTENT_TYPE = "application/x-amz-json-1.0"
SQS_NAMESPACE = "com.amazonaws.sqs#"
CORAL_NAMESPACE = "com.amazon.coral.service#"

NOT_AVAILABLE_FOR_VISIBILITY = (
    "Message does not exist or is not available for visibility timeout change."
)


class SqsError(Exception):
    """One SQS error: the modelled type, the query-protocol code, HTTP status and message."""

    def __init__(
        self,
        type_name: str,
        message: str,
        *,
        query_code: str | None = None,
        status: int = 400,
        namespace: str = SQS_NAMESPACE,
        sender_fault: bool = True,
    ) -> None:
        super().__init__(message)
        self.type_name = type_name
        self.message = message
        self.query_code = query_code or type_name
        self.status = status
        self.namespace = namespace
        self.sender_fault = sender_fault

    def response(self, request_id: str) -> Response:
        body = {"__type": self.namespace + self.type_name, "message": self.message}
        fault = "Sender" if self.sender_fault else "Receiver"
        return Response(
            orjson.dumps(body),
            status_code=self.status,
            media_type=CONTENT_TYPE,
            headers={
                "x-amzn-query-error": f"{self.query_code};{fault}",
                "x-amzn-RequestId": request_id,
            },
        )

    def entry(self, entry_id: str) -> dict[str, object]:
        """This error as one `Failed` entry of a batch answer."""
        return {
            "Id": entry_id,
            "SenderFault": self.sender_fault,
            "Code": self.query_code,
            "Message": self.message,
        }


# ---- request errors ---------------------------------------------------------------------


def queue_does_not_exist() -> SqsError:
    return SqsError(
        "QueueDoesNotExist",
        "The specified queue does not exist.",
        query_code="AWS.SimpleQueueService.NonExistentQueue",
    )


def invalid_parameter(message: str) -> SqsError:
    return SqsError("InvalidParameterValue", message)


def invalid_value(name: str, value: object, reason: str) -> SqsError:
    return invalid_parameter(f"Value {value} for parameter {name} is invalid. Reason: {reason}")


def missing_parameter(name: str) -> SqsError:
    return SqsError("MissingParameter", f"The request must contain the parameter {name}.")


def invalid_receipt_handle(handle: str) -> SqsError:
    return SqsError(
        "ReceiptHandleIsInvalid",
        f'The input receipt handle "{handle[:100]}" is not a valid receipt handle.',
    )


def not_available_for_visibility(handle: str) -> SqsError:
    """What pyqalx's heartbeat looks for to stop: a deleted, stale or unknown message."""
    return invalid_value("ReceiptHandle", handle[:100], NOT_AVAILABLE_FOR_VISIBILITY)


def invalid_attribute_name(name: str) -> SqsError:
    return SqsError("InvalidAttributeName", f"Unknown Attribute {name}.")


def unsupported_operation(operation: str) -> SqsError:
    return SqsError(
        "UnsupportedOperation",
        f"{operation} is not supported by the qalx built-in broker.",
        query_code="AWS.SimpleQueueService.UnsupportedOperation",
    )


def invalid_action(target: str) -> SqsError:
    return SqsError(
        "InvalidAction",
        f"The action {target or '(none)'} is not valid for this endpoint.",
        namespace=CORAL_NAMESPACE,
    )


def malformed_body(reason: str) -> SqsError:
    return SqsError("SerializationException", reason, namespace=CORAL_NAMESPACE)


# ---- batch errors -----------------------------------------------------------------------


def empty_batch(kind: str) -> SqsError:
    return SqsError(
        "EmptyBatchRequest",
        f"There should be at least one {kind}BatchRequestEntry in the request.",
        query_code="AWS.SimpleQueueService.EmptyBatchRequest",
    )


def too_many_entries(count: int) -> SqsError:
    return SqsError(
        "TooManyEntriesInBatchRequest",
        f"Maximum number of entries per request are 10. You have sent {count}.",
        query_code="AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
    )


def ids_not_distinct(entry_id: str) -> SqsError:
    return SqsError(
        "BatchEntryIdsNotDistinct",
        f"Id {entry_id} repeated.",
        query_code="AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
    )


def invalid_batch_entry_id() -> SqsError:
    return SqsError(
        "InvalidBatchEntryId",
        "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
        "It can be at most 80 letters long.",
        query_code="AWS.SimpleQueueService.InvalidBatchEntryId",
    )


def batch_too_long(size: int, limit: int) -> SqsError:
    return SqsError(
        "BatchRequestTooLong",
        f"Batch requests cannot be longer than {limit} bytes. You have sent {size} bytes.",
        query_code="AWS.SimpleQueueService.BatchRequestTooLong",
    )


# ---- authentication errors (403, as SQS answers them) -----------------------------------


def _auth(type_name: str, query_code: str, message: str) -> SqsError:
    return SqsError(
        type_name, message, query_code=query_code, status=403, namespace=CORAL_NAMESPACE
    )


def missing_authentication() -> SqsError:
    return _auth(
        "MissingAuthenticationTokenException",
        "MissingAuthenticationToken",
        "Request is missing Authentication Token",
    )


def incomplete_signature(reason: str) -> SqsError:
    return _auth("IncompleteSignatureException", "IncompleteSignature", reason)


def invalid_client_token() -> SqsError:
    return _auth(
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    )


def signature_does_not_match(reason: str | None = None) -> SqsError:
    return _auth(
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        reason
        or "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method.",
    )


def expired_token() -> SqsError:
    return _auth(
        "ExpiredTokenException",
        "ExpiredToken",
        "The security token included in the request is expired",
    )


def access_denied(what: str) -> SqsError:
    return _auth(
        "AccessDeniedException",
        "AccessDenied",
        f"Access to the resource {what} is denied.",
    )


def internal_failure() -> SqsError:
    """What SQS answers when it fails itself (botocore retries it)."""
    return SqsError(
        "InternalFailure",
        "The request processing has failed because of an unknown error.",
        status=500,
        namespace="",
        sender_fault=False,
    )
