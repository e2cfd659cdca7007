/**
 * What encryption costs per onboarding (npm run bench:codec): the same batch of onboardings, run to
 * completion through the API on the dev server and the sandbox, once with the service's AES-256-GCM
 * codec and once with plain payloads. Prints, per onboarding:
 *
 * - codec time: the synchronous encrypt/decrypt work on the main thread (where the codec runs, in the
 *   worker and the API alike), with the number of payloads it handled;
 * - payload bytes in and out of the codec, and each run's history size on the server;
 * - process CPU (API + worker + sandbox in this process; the Temporal server is apart).
 *
 * A warm-up batch runs first. BENCH_ONBOARDINGS sets the batch size (default 20). Asserts nothing: machines are shared and noisy.
 */
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { EncryptionCodec, failureConverterPath, parsePayloadKeys } from '../src/temporal/codec.js';
import { onboardingRequest } from '../test/support/customers.js';
import { startStack } from '../test/support/stack.js';
import { devServerEnvironment, TEST_PAYLOAD_ENCRYPTION_KEYS } from '../test/support/temporal.js';

const onboardings = Number(process.env.BENCH_ONBOARDINGS ?? 20);

interface Meter {
  calls: number;
  payloads: number;
  nanos: bigint;
  bytesIn: number;
  bytesOut: number;
}

const size = (payloads: Payload[]) =>
  payloads.reduce(
    (total, p) =>
      total +
      (p.data?.length ?? 0) +
      Object.entries(p.metadata ?? {}).reduce((m, [k, v]) => m + k.length + (v?.length ?? 0), 0),
    0,
  );

/** Times the codec's synchronous work: encode/decode do all their crypto before their promise settles. */
class MeteredCodec implements PayloadCodec {
  readonly encoded: Meter = { calls: 0, payloads: 0, nanos: 0n, bytesIn: 0, bytesOut: 0 };
  readonly decoded: Meter = { calls: 0, payloads: 0, nanos: 0n, bytesIn: 0, bytesOut: 0 };
  constructor(private readonly inner: PayloadCodec) {}
  encode(payloads: Payload[]) {
    return this.measure(this.encoded, payloads, (p) => this.inner.encode(p));
  }
  decode(payloads: Payload[]) {
    return this.measure(this.decoded, payloads, (p) => this.inner.decode(p));
  }
  private async measure(meter: Meter, payloads: Payload[], run: (p: Payload[]) => Promise<Payload[]>) {
    const started = process.hrtime.bigint();
    const pending = run(payloads);
    meter.nanos += process.hrtime.bigint() - started;
    const out = await pending;
    meter.calls += 1;
    meter.payloads += payloads.length;
    meter.bytesIn += size(payloads);
    meter.bytesOut += size(out);
    return out;
  }
}

const env = await devServerEnvironment();

async function batch(mode: 'encrypted' | 'plain', count = onboardings, label: string = mode) {
  const codec = new MeteredCodec(new EncryptionCodec(parsePayloadKeys(TEST_PAYLOAD_ENCRYPTION_KEYS)));
  const dataConverter: DataConverter =
    mode === 'encrypted' ? { payloadCodecs: [codec], failureConverterPath } : {};
  const stack = await startStack({
    temporal: env,
    dataConverter,
    sandbox: { vetting: 'auto', profileReviewMs: 300, trustProductReviewMs: 300, phoneNumbers: count },
  });
  const cpu = process.cpuUsage();
  const started = performance.now();
  const ids = await Promise.all(
    stack.info.phoneNumbers.slice(0, count).map(async (number, i) => {
      const reply = await stack.api.inject({
        method: 'POST',
        url: '/v1/onboardings',
        payload: onboardingRequest(`codec-bench-${label}-${i}`, [number.phoneNumber]),
      });
      if (reply.statusCode !== 202) throw new Error(`POST answered ${reply.statusCode}: ${reply.body}`);
      return reply.json<{ id: string }>().id;
    }),
  );
  await Promise.all(ids.map((id) => stack.waitFor(id, (view) => view.status === 'completed', 300_000)));
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  let historyBytes = 0;
  for (const id of ids) historyBytes += (await env.client.workflow.getHandle(id).describe()).historySize ?? 0;
  await stack.close();
  return { mode, codec, wallMs, cpuMs: (used.user + used.system) / 1000, historyBytes };
}

// A small batch first, so neither measured batch pays for warming up the process and the server.
await batch('encrypted', 5, 'warm-up');
const plain = await batch('plain');
const encrypted = await batch('encrypted');
await env.teardown();

const per = (value: number) => (value / onboardings).toFixed(1);
const { encoded, decoded } = encrypted.codec;
const codecMs = Number(encoded.nanos + decoded.nanos) / 1e6;
const rows = [
  ['onboardings per batch', String(onboardings), String(onboardings)],
  ['codec time per onboarding (ms)', '-', (codecMs / onboardings).toFixed(2)],
  [
    '  encode: payloads / ms',
    '-',
    `${per(encoded.payloads)} / ${(Number(encoded.nanos) / 1e6 / onboardings).toFixed(2)}`,
  ],
  [
    '  decode: payloads / ms',
    '-',
    `${per(decoded.payloads)} / ${(Number(decoded.nanos) / 1e6 / onboardings).toFixed(2)}`,
  ],
  [
    'payload bytes encoded per onboarding (in → out)',
    '-',
    `${per(encoded.bytesIn)} → ${per(encoded.bytesOut)}`,
  ],
  ['history bytes per onboarding (server)', per(plain.historyBytes), per(encrypted.historyBytes)],
  ['process CPU per onboarding (ms)', per(plain.cpuMs), per(encrypted.cpuMs)],
  ['batch wall time (s)', (plain.wallMs / 1000).toFixed(1), (encrypted.wallMs / 1000).toFixed(1)],
];
const widths = [0, 1, 2].map((c) =>
  Math.max(...rows.map((r) => r[c]!.length), ['', 'plain', 'encrypted'][c]!.length),
);
const line = (cells: string[]) =>
  cells.map((cell, c) => (c ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ');
process.stdout.write(`${line(['', 'plain', 'encrypted'])}\n${rows.map(line).join('\n')}\n`);
