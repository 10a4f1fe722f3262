/** gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html) and the errors the live client raises. */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

const codeNames = new Map<number, string>(Object.entries(GrpcCode).map(([name, code]) => [code, name]));

export function grpcCodeName(code: number): string {
  return codeNames.get(code) ?? `code ${code}`;
}

/** The server answered the call with a non-OK grpc-status (in trailers or a trailers-only response). */
export class GrpcStatusError extends Error {
  override readonly name = "GrpcStatusError";
  constructor(
    readonly rpc: string,
    readonly code: number,
    readonly grpcMessage: string,
  ) {
    super(`${rpc} failed: ${grpcCodeName(code)}${grpcMessage ? ` (${grpcMessage})` : ""}`);
  }
}

/**
 * The peer does not speak console gRPC: wrong content-type, an HTTP error status, or bytes that are not
 * gRPC frames. Retrying will not help, so the live client gives up at once (exit 2).
 */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
}

/** The connection could not be made, or dropped (refused, reset, closed, timed out). Worth retrying. */
export class ConnectionError extends Error {
  override readonly name = "ConnectionError";
  constructor(
    message: string,
    readonly timedOut = false,
  ) {
    super(message);
  }
}

/** Decodes the percent-encoding gRPC uses in grpc-message. */
export function decodeGrpcMessage(raw: string | string[] | undefined): string {
  const value = Array.isArray(raw) ? raw.join(",") : (raw ?? "");
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
