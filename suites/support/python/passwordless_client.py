"""Calls PasswordlessService with Python's grpcio (the C core), as Scalekit's Python SDK does.

A gRPC stack independent of the mock's (connect-es) and of the Node SDK's, so
the tests prove the wire format rather than two copies of one library agreeing.

Usage: python3 passwordless_client.py GENERATED_DIR < plan.json

GENERATED_DIR holds what `protoc --python_out` wrote for
scalekit/v1/auth/passwordless.proto, scalekit/v1/errdetails/errdetails.proto
and google/rpc/status.proto. The plan:

    {
      "target": "127.0.0.1:4000",         # host:port
      "ca": "/tmp/ca.pem",                 # optional: TLS trusting this CA; plaintext (h2c) without it
      "server_name": "localhost",          # optional: the name the certificate must carry
      "steps": [
        {
          "method": "SendPasswordlessEmail",
          "request": {"email": "a@example.com"},      # proto JSON of the request message
          "metadata": [["authorization", "Bearer ..."], ["authorization", "Bearer ..."]],
          "gzip": true                         # optional: compress the request message
        },
        {"token": {"url": "https://localhost:4000/oauth/token", "client_id": "...", "client_secret": "..."}}
      ]
    }

A "token" step fetches an access token with a form POST over HTTPS, verifying
the certificate against the plan's CA, as the SDK does with `requests`.

Prints one JSON object: {"results": [...]}, one result per step, either
{"ok": true, "response": {...}} or {"ok": false, "code": "INVALID_ARGUMENT",
"details": ..., "trailing_metadata": [[key, value]...], "status": ...} where
"status" is `grpc-status-details-bin` decoded as google.rpc.Status, each
scalekit.v1.errdetails.ErrorInfo in it unpacked (null when the trailer is absent).
"""

import base64
import json
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request

import grpc
from google.protobuf import json_format

SERVICE = "scalekit.v1.auth.passwordless.PasswordlessService"
ERROR_INFO = "type.googleapis.com/scalekit.v1.errdetails.ErrorInfo"
STATUS_TRAILER = "grpc-status-details-bin"
# The SDK's own deadline is 10 s; a hung call must fail the test, not stall it.
DEADLINE_SECONDS = 10


def to_json(message):
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def open_channel(plan):
    target = plan["target"]
    if not plan.get("ca"):
        return grpc.insecure_channel(target)
    with open(plan["ca"], "rb") as file:
        credentials = grpc.ssl_channel_credentials(root_certificates=file.read())
    options = [("grpc.ssl_target_name_override", plan["server_name"])] if plan.get("server_name") else []
    return grpc.secure_channel(target, credentials, options=options)


def decode_status(trailer, status_pb2, errdetails_pb2):
    """The trailer as google.rpc.Status, with ErrorInfo details unpacked and other details left as type URLs."""
    status = status_pb2.Status.FromString(trailer)
    details = []
    for detail in status.details:
        if detail.type_url == ERROR_INFO:
            info = errdetails_pb2.ErrorInfo()
            detail.Unpack(info)
            details.append({"type_url": detail.type_url, "error_info": to_json(info)})
        else:
            details.append({"type_url": detail.type_url})
    return {"code": status.code, "message": status.message, "details": details}


def metadata_value(key, value):
    # Binary entries (`-bin`) arrive as bytes; JSON gets them in base64.
    return base64.b64encode(value).decode("ascii") if key.endswith("-bin") else value


def fetch_token(plan, token):
    context = ssl.create_default_context(cafile=plan.get("ca"))
    form = {"grant_type": "client_credentials", "client_id": token["client_id"], "client_secret": token["client_secret"]}
    request = urllib.request.Request(token["url"], data=urllib.parse.urlencode(form).encode("ascii"), method="POST")
    try:
        with urllib.request.urlopen(request, context=context, timeout=DEADLINE_SECONDS) as answer:
            return {"ok": True, "response": json.load(answer)}
    except urllib.error.HTTPError as error:
        return {"ok": False, "code": f"HTTP {error.code}", "details": error.read().decode("utf-8", "replace")}


def call(channel, modules, step):
    passwordless_pb2, errdetails_pb2, status_pb2 = modules
    method = passwordless_pb2.DESCRIPTOR.services_by_name["PasswordlessService"].methods_by_name[step["method"]]
    request_class = getattr(passwordless_pb2, method.input_type.name)
    response_class = getattr(passwordless_pb2, method.output_type.name)
    stub = channel.unary_unary(
        f"/{SERVICE}/{method.name}",
        request_serializer=request_class.SerializeToString,
        response_deserializer=response_class.FromString,
    )
    request = json_format.ParseDict(step.get("request", {}), request_class())
    # A list of pairs, not a dict: a key may repeat (the Python SDK sends two `authorization` entries).
    metadata = [(key, value) for key, value in step.get("metadata", [])]
    try:
        compression = grpc.Compression.Gzip if step.get("gzip") else None
        response = stub(request, metadata=metadata, timeout=DEADLINE_SECONDS, compression=compression)
    except grpc.RpcError as error:
        trailing = list(error.trailing_metadata() or [])
        trailer = next((value for key, value in trailing if key == STATUS_TRAILER), None)
        return {
            "ok": False,
            "code": error.code().name,
            "details": error.details(),
            "trailing_metadata": [[key, metadata_value(key, value)] for key, value in trailing],
            "status": None if trailer is None else decode_status(trailer, status_pb2, errdetails_pb2),
        }
    return {"ok": True, "response": to_json(response)}


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: passwordless_client.py GENERATED_DIR < plan.json")
    sys.path.insert(0, sys.argv[1])
    from google.rpc import status_pb2
    from scalekit.v1.auth import passwordless_pb2
    from scalekit.v1.errdetails import errdetails_pb2

    plan = json.load(sys.stdin)
    modules = (passwordless_pb2, errdetails_pb2, status_pb2)
    with open_channel(plan) as channel:
        results = [fetch_token(plan, step["token"]) if "token" in step else call(channel, modules, step) for step in plan["steps"]]
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
