/**
 * gRPC's status codes, as the Temporal server answers its clients (grpc-js's own enum, so that a code
 * is read by name), and the code of an error thrown by either client: the TypeScript client's
 * `Connection` puts it on the error, the SDK's `NativeConnection` and some wrappers on its cause.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';

export { GrpcStatus };

export function grpcCode(error: unknown): number | undefined {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  const found = typeof code === 'number' ? code : cause?.code;
  return typeof found === 'number' ? found : undefined;
}
