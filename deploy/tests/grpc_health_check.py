#!/usr/bin/python3
"""Asks a gRPC server's standard health service (grpc.health.v1.Health/Check) for a status.

    grpc_health_check.py HOST:PORT [SERVICE]

Prints the status (SERVING, NOT_SERVING, ...) and exits 0 only for SERVING; 1 for any other
status or an RPC error (printed with its code). The messages are built by hand so that no
generated code is needed: HealthCheckRequest is field 1 (service, a string), and
HealthCheckResponse is field 1 (status, an enum). Uses Debian's python3-grpcio (hence
/usr/bin/python3, not whatever python3 is first on PATH).
"""
import sys

import grpc

STATUS_NAMES = {0: "UNKNOWN", 1: "SERVING", 2: "NOT_SERVING", 3: "SERVICE_UNKNOWN"}


def encode_request(service: str) -> bytes:
    name = service.encode()
    if not name:
        return b""
    assert len(name) < 128, "service names this long need a multi-byte length"
    return b"\x0a" + bytes([len(name)]) + name


def decode_status(response: bytes) -> int:
    if not response:
        return 0  # proto3: the default value is not sent
    if response[0] != 0x08 or len(response) < 2:
        raise ValueError(f"unexpected HealthCheckResponse bytes {response!r}")
    return response[1]


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    target, service = sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else ""
    with grpc.insecure_channel(target) as channel:
        check = channel.unary_unary(
            "/grpc.health.v1.Health/Check",
            request_serializer=encode_request,
            response_deserializer=decode_status,
        )
        try:
            status = check(service, timeout=10)
        except grpc.RpcError as error:
            print(f"{error.code().name}: {error.details()}")
            return 1
    print(STATUS_NAMES.get(status, str(status)))
    return 0 if status == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
