/**
 * src/temporal/grpc-status.ts: the code of an error from either Temporal client, wherever it carries
 * it, and nothing for an error that is not gRPC's (a Node error's code is a string).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GrpcStatus, grpcCode } from '../../src/temporal/grpc-status.js';

test('the codes are gRPC’s own numbers', () => {
  assert.equal(GrpcStatus.NOT_FOUND, 5);
  assert.equal(GrpcStatus.UNIMPLEMENTED, 12);
  assert.equal(GrpcStatus.UNAVAILABLE, 14);
});

test('grpcCode reads the code on the error, or else on its cause', () => {
  assert.equal(grpcCode(Object.assign(new Error('no'), { code: GrpcStatus.NOT_FOUND })), 5);
  assert.equal(grpcCode(new Error('wrapped', { cause: { code: GrpcStatus.UNIMPLEMENTED } })), 12);
  // The error's own code wins over its cause's.
  assert.equal(grpcCode(Object.assign(new Error('both', { cause: { code: 12 } }), { code: 14 })), 14);
});

test('grpcCode finds nothing in an error that is not gRPC’s', () => {
  assert.equal(grpcCode(Object.assign(new Error('port'), { code: 'EADDRINUSE' })), undefined);
  assert.equal(grpcCode(new Error('plain')), undefined);
  assert.equal(grpcCode(undefined), undefined);
  assert.equal(grpcCode(null), undefined);
  assert.equal(grpcCode('a string'), undefined);
});
