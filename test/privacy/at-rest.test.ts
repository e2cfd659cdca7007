/**
 * Personal data at rest: after a customer is onboarded on the dev server, Temporal's SQLite files (the
 * WAL included, in the journal mode `npm start` uses) hold none of the request's emails, names,
 * addresses or registration numbers; an operator with the API token still reads them through the
 * codec endpoint. A plain-text marker written to the same database first proves the scan finds what
 * is there.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Client } from '@temporalio/client';
import { onboardingIdFor } from '../../src/contract/ids.js';
import { payloadToJson as toJson } from '../../src/temporal/codec.js';
import { devServerEnvironment } from '../support/temporal.js';
import { onboardingRequest } from '../support/customers.js';
import { useStack } from '../support/stack.js';

const TOKEN = 'at-rest-test-token-0123456789';
/** The operator's: the codec takes its own token, not the ISV's. */
const CODEC_TOKEN = 'at-rest-test-codec-token-0123456789';

/** Values that occur nowhere else in the test or the sandbox, so a hit can only be this request's. */
function distinctiveRequest(phoneNumber: string) {
  const request = onboardingRequest('at-rest', [phoneNumber]);
  request.email = 'compliance.q7x@zephyrine-ortho.com';
  request.business.name = 'Zephyrine Orthodontics Quillfeather LLC';
  request.business.registrationNumber = '98-7651234';
  request.business.websiteUrl = 'https://www.zephyrine-ortho.com';
  request.address.customerName = 'Zephyrine Orthodontics Quillfeather LLC';
  request.address.street = '1427 Marigoldenrod Ave';
  const rep = request.authorizedRepresentatives[0]!;
  rep.firstName = 'Ottoline';
  rep.lastName = 'Vasquez-Brandtmoor';
  rep.email = 'ottoline.vb@zephyrine-ortho.com';
  return request;
}

describe('personal data at rest in Temporal', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'trusthub-at-rest-'));
  const stack = useStack({
    temporal: () =>
      devServerEnvironment({
        dbFilename: join(dir, 'temporal.db'),
        extraArgs: ['--sqlite-pragma', 'journal_mode=WAL'],
      }),
    apiToken: TOKEN,
    codecToken: CODEC_TOKEN,
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const databaseFiles = () =>
    ['temporal.db', 'temporal.db-wal', 'temporal.db-shm']
      .map((name) => join(dir, name))
      .filter((file) => existsSync(file));
  const found = (value: string) =>
    databaseFiles().filter((file) => readFileSync(file).includes(Buffer.from(value, 'utf8')));

  test('an onboarded customer leaves no personal data in the database files', async () => {
    // Control: a payload written without the codec is found, so a miss below means encrypted.
    const marker = `plain-marker-${randomUUID()}`;
    const plainClient = new Client({ connection: stack.env.connection, namespace: stack.env.namespace });
    const control = await plainClient.workflow.start('noSuchWorkflow', {
      taskQueue: 'nobody-polls-this',
      workflowId: `control-${marker}`,
      args: [{ note: marker }],
    });
    await control.terminate('control written');

    const request = distinctiveRequest(stack.info.phoneNumbers[0]!.phoneNumber);
    const started = await fetch(`${stack.apiUrl}/v1/onboardings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(request),
    });
    assert.equal(started.status, 202, await started.text());
    const id = onboardingIdFor('at-rest');
    let view = await stack.waitFor(id, (v) => v.step === 'waiting-for-customer-profile-vetting');
    await stack.admin('POST', `/__sandbox/bundles/${view.customerProfile!.sid}/decide`, {
      outcome: 'approve',
    });
    view = await stack.waitFor(id, (v) => v.step === 'waiting-for-trust-product-vetting');
    await stack.admin('POST', `/__sandbox/bundles/${view.trustProduct!.sid}/decide`, { outcome: 'approve' });
    view = await stack.waitFor(id, (v) => v.status === 'completed');

    assert.ok(
      databaseFiles().some((f) => f.endsWith('-wal')),
      'the database runs in WAL mode, as under npm start',
    );
    assert.ok(found(marker).length > 0, 'the scan finds a plain-text payload in the database files');
    assert.ok(found(id).length > 0, "the scan finds the onboarding's own ID");
    const personal = [
      request.email,
      request.business.name,
      request.business.registrationNumber,
      request.address.street,
      request.authorizedRepresentatives[0]!.firstName,
      request.authorizedRepresentatives[0]!.lastName,
      request.authorizedRepresentatives[0]!.email,
    ];
    const leaks = personal.flatMap((value) => found(value).map((file) => `${value} in ${file}`));
    assert.deepEqual(leaks, []);

    // An operator with the codec's token reads the stored input through the codec endpoint.
    const { history } = await stack.env.connection.workflowService.getWorkflowExecutionHistory({
      namespace: stack.env.namespace ?? 'default',
      execution: { workflowId: id },
    });
    const stored = history!.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    assert.ok(!JSON.stringify(stored.map(toJson)).includes(request.email));
    const decoded = await fetch(`${stack.apiUrl}/v1/codec/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CODEC_TOKEN}` },
      body: JSON.stringify({ payloads: stored.map(toJson) }),
    });
    assert.equal(decoded.status, 200);
    const [input] = ((await decoded.json()) as { payloads: { data: string }[] }).payloads;
    const plain = Buffer.from(input!.data, 'base64').toString();
    for (const value of personal) assert.ok(plain.includes(value), `the decoded input holds ${value}`);
  });
});
