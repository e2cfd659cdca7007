/**
 * The payload codec on its own: what it writes hides the data, names its key, survives a key rotation,
 * and refuses (rather than passes through) anything it cannot authenticate — a payload it did not
 * encrypt included, unless it only shows payloads.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultPayloadConverter, type Payload, type SerializationContext } from '@temporalio/common';
import {
  ENCRYPTED_ENCODING,
  EncryptionCodec,
  KEY_ID_METADATA,
  PayloadDecryptionError,
  UnboundPayloadError,
  UnencryptedPayloadError,
  WORKFLOW_ID_METADATA,
  generatePayloadKey,
  parsePayloadKeys,
} from '../../src/temporal/codec.js';

const request = {
  business: { name: 'Acme Dental LLC', registrationNumber: '12-3456789' },
  representative: { email: 'dana@acmedental.com', phoneNumber: '+14155550123' },
};
const plain = (value: unknown) => defaultPayloadConverter.toPayload(value);
const text = (payload: Payload) => Buffer.from(payload.data ?? []).toString('latin1');
const metadata = (payload: Payload, key: string) => Buffer.from(payload.metadata?.[key] ?? []).toString();

describe('the AES-256-GCM payload codec', () => {
  const current = generatePayloadKey('2026-11');
  const retired = generatePayloadKey('2026-05');

  test('encodes to ciphertext that names its key and holds none of the input', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(`${current},${retired}`));
    const [encoded] = await codec.encode([plain(request)]);
    assert.equal(metadata(encoded!, 'encoding'), ENCRYPTED_ENCODING);
    assert.equal(metadata(encoded!, KEY_ID_METADATA), '2026-11');
    for (const secret of ['Acme Dental', '12-3456789', 'dana@acmedental.com', '+14155550123', 'json/plain']) {
      assert.ok(!text(encoded!).includes(secret), `ciphertext contains ${secret}`);
    }
    const [decoded] = await codec.decode([encoded!]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded!), request);
  });

  test('the same value encrypts differently each time (a fresh IV per payload)', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(current));
    const [a, b] = await codec.encode([plain(request), plain(request)]);
    assert.notDeepEqual(Buffer.from(a!.data!), Buffer.from(b!.data!));
  });

  test('after a rotation, payloads written with the old key still decode, new ones use the new key', async () => {
    const before = new EncryptionCodec(parsePayloadKeys(retired));
    const [old] = await before.encode([plain(request)]);
    const after = new EncryptionCodec(parsePayloadKeys(`${current},${retired}`));
    assert.deepEqual(defaultPayloadConverter.fromPayload((await after.decode([old!]))[0]!), request);
    const [fresh] = await after.encode([plain(request)]);
    assert.equal(metadata(fresh!, KEY_ID_METADATA), '2026-11');
  });

  test('a payload under a key no longer configured is an error naming the key ID', async () => {
    const [old] = await new EncryptionCodec(parsePayloadKeys(retired)).encode([plain(request)]);
    const codec = new EncryptionCodec(parsePayloadKeys(current));
    await assert.rejects(codec.decode([old!]), (error: Error) => {
      assert.ok(error instanceof PayloadDecryptionError);
      assert.match(error.message, /key "2026-05", which PAYLOAD_ENCRYPTION_KEYS does not hold/);
      return true;
    });
  });

  test('a tampered payload, or one under a replaced key with the same ID, does not authenticate', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(current));
    const [encoded] = await codec.encode([plain(request)]);
    const data = Buffer.from(encoded!.data!);
    data[20] = data[20]! ^ 1;
    await assert.rejects(codec.decode([{ ...encoded!, data }]), /does not authenticate/);
    const sameIdOtherKey = new EncryptionCodec(parsePayloadKeys(generatePayloadKey('2026-11')));
    await assert.rejects(sameIdOtherKey.decode([encoded!]), /does not authenticate/);
    await assert.rejects(codec.decode([{ ...encoded!, data: data.subarray(0, 10) }]), /is truncated/);
  });

  test('a payload it did not encrypt is refused, naming its encoding and never its content', async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(current));
    const [encrypted] = await codec.encode([plain(request)]);
    // One plain payload among encrypted ones fails the whole batch: a run decodes all or nothing.
    await assert.rejects(codec.decode([encrypted!, plain(request)]), (error: Error) => {
      assert.ok(error instanceof UnencryptedPayloadError && error instanceof PayloadDecryptionError);
      assert.match(error.message, /unencrypted \(encoding "json\/plain"\)/);
      assert.match(error.message, /PAYLOAD_ENCRYPTION_KEYS/);
      for (const secret of ['Acme Dental', '12-3456789', 'dana@acmedental.com', '+14155550123']) {
        assert.ok(!error.message.includes(secret), `the error quotes ${secret}`);
      }
      return true;
    });
    // What Temporal's own converters write for `undefined` and for bytes: just as foreign.
    await assert.rejects(codec.decode([plain(undefined)]), /encoding "binary\/null"/);
    await assert.rejects(codec.decode([{ data: Buffer.from('{}') }]), /unencrypted \(no encoding\)/);
    // The encoding is the sender's text: quoted only when it looks like one.
    const hostile = {
      metadata: { encoding: Buffer.from('json/plain" and dana@acmedental.com') },
      data: null,
    };
    await assert.rejects(codec.decode([hostile]), (error: Error) => {
      assert.ok(!error.message.includes('dana@'), error.message);
      assert.match(error.message, /an unrecognisable encoding/);
      return true;
    });
  });

  test("with plaintext: 'pass' (for showing payloads), one it did not encrypt comes back as it is", async () => {
    const codec = new EncryptionCodec(parsePayloadKeys(current), { plaintext: 'pass' });
    const old = plain(request);
    assert.deepEqual(await codec.decode([old]), [old]);
    // Passing plain ones through changes nothing for encrypted ones.
    const [old2] = await new EncryptionCodec(parsePayloadKeys(retired)).encode([plain(request)]);
    await assert.rejects(codec.decode([old2!]), /key "2026-05", which PAYLOAD_ENCRYPTION_KEYS does not hold/);
  });
});

describe('the codec seals each payload for its workflow (issue 26, finding 4)', () => {
  const keys = parsePayloadKeys(generatePayloadKey('2026-11'));
  const codec = new EncryptionCodec(keys);
  const of = (workflowId: string): SerializationContext => ({
    type: 'workflow',
    namespace: 'default',
    workflowId,
  });
  const activityOf = (workflowId: string): SerializationContext => ({
    type: 'activity',
    namespace: 'default',
    workflowId,
    activityId: '1',
    isLocal: false,
  });

  test("a workflow's payload decodes in that workflow and its activities, and names it beside the ciphertext", async () => {
    const [sealed] = await codec.encode([plain(request)], of('onboarding-acme'));
    assert.equal(metadata(sealed!, WORKFLOW_ID_METADATA), 'onboarding-acme');
    for (const context of [of('onboarding-acme'), activityOf('onboarding-acme'), undefined]) {
      assert.deepEqual(
        defaultPayloadConverter.fromPayload((await codec.decode([sealed!], context))[0]!),
        request,
      );
    }
  });

  test('moved into another workflow, it is refused there without quoting either workflow', async () => {
    const [sealed] = await codec.encode([plain(request)], of('onboarding-victim'));
    for (const context of [of('onboarding-intruder'), activityOf('onboarding-intruder')]) {
      await assert.rejects(codec.decode([sealed!], context), (error: Error) => {
        assert.ok(error instanceof UnboundPayloadError && error instanceof PayloadDecryptionError);
        assert.match(error.message, /sealed for another workflow than the one it arrived in/);
        assert.ok(!error.message.includes('victim') && !error.message.includes('intruder'), error.message);
        return true;
      });
    }
  });

  test('the workflow named beside the ciphertext is authenticated: rewriting or dropping it fails', async () => {
    const [sealed] = await codec.encode([plain(request)], of('onboarding-victim'));
    const relabelled = {
      ...sealed!,
      metadata: { ...sealed!.metadata, [WORKFLOW_ID_METADATA]: Buffer.from('onboarding-intruder') },
    };
    await assert.rejects(codec.decode([relabelled], of('onboarding-intruder')), /does not authenticate/);
    await assert.rejects(codec.decode([relabelled]), /does not authenticate/);
    const { [WORKFLOW_ID_METADATA]: _, ...unlabelled } = sealed!.metadata!;
    await assert.rejects(codec.decode([{ ...sealed!, metadata: unlabelled }]), /does not authenticate/);
  });

  test('ciphertext sealed for no workflow (what encode without a context makes) is refused by a workflow', async () => {
    const [loose] = await codec.encode([plain(request)]);
    assert.equal(metadata(loose!, WORKFLOW_ID_METADATA), '');
    await assert.rejects(codec.decode([loose!], of('onboarding-acme')), (error: Error) => {
      assert.ok(error instanceof UnboundPayloadError);
      assert.match(error.message, /sealed for no workflow/);
      return true;
    });
    // Shown to a person (no context), it reads.
    assert.deepEqual(defaultPayloadConverter.fromPayload((await codec.decode([loose!]))[0]!), request);
  });
});
