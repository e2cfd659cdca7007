/**
 * Voice Integrity and CNAM mistakes are a 400 naming the field and the rule, before anything reaches
 * Temporal (let alone Twilio, whose reviewers take days to refuse a display name): on a start, on a
 * correction, and on POST /v1/onboardings/:id/products. The answers are the schema errors' own shape,
 * so a client reads both the same way. The API's Temporal client reaches nothing but a counter: each
 * refusal leaves it at 0.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  addedProductFailures,
  correctionProductFailures,
  requestProductFailures,
} from '../../src/api/product-rules.js';
import type { OnboardingRequest } from '../../src/contract/types.js';
import { startStack, useStack } from '../support/stack.js';
import { onboardingRequest } from '../support/customers.js';

interface ErrorAnswer {
  error: { code: string; message: string; fields?: { field: string; rule: string }[] };
}

const VOICE_INTEGRITY = {
  useCase: 'Appointment Reminders',
  employeeCount: 12,
  averageBusinessDayCallVolume: 300,
};
/** A start for Acme Dental Group LLC (EIN, in the US) with `extra`, which may be what the schema refuses. */
const start = (extra: Record<string, unknown>): OnboardingRequest => ({
  ...onboardingRequest('acme-dental', ['+14155550100']),
  ...extra,
});

describe('Voice Integrity and CNAM pre-checks in the API', () => {
  const offline = useStack({ temporal: 'offline', sandbox: false });

  /** Sends the body; expects a 400 invalid_request whose fields include `field` with a rule like `rule`. */
  async function refused(method: 'POST' | 'PATCH', url: string, body: unknown, field: string, rule: RegExp) {
    const response = await offline.api.inject({ method, url, payload: body as object });
    assert.equal(response.statusCode, 400, response.body);
    const { error } = response.json<ErrorAnswer>();
    assert.equal(error.code, 'invalid_request');
    const named = error.fields?.filter((f) => f.field === field) ?? [];
    assert.ok(
      named.some((f) => rule.test(f.rule)),
      `${field} ${rule} in ${JSON.stringify(error.fields)}`,
    );
    assert.ok(error.message.includes(field), error.message);
    assert.equal(offline.temporalCalls(), 0, 'nothing reached Temporal');
    return error;
  }

  const cnam = (displayName: string) => start({ cnam: { displayName } });

  test('a display name longer than 15 characters', async () => {
    await refused('POST', '/v1/onboardings', cnam('Acme Dental Group'), 'cnam.displayName', /15 characters/);
  });

  test('a display name that does not start with a letter', async () => {
    await refused('POST', '/v1/onboardings', cnam('1 Acme Dental'), 'cnam.displayName', /must match pattern/);
  });

  test('a display name with characters Twilio does not take', async () => {
    await refused(
      'POST',
      '/v1/onboardings',
      cnam('Acme & Dental!'),
      'cnam.displayName',
      /must match pattern/,
    );
  });

  test('a display name with prohibited content (11008)', async () => {
    const error = await refused(
      'POST',
      '/v1/onboardings',
      cnam('Acme Police'),
      'cnam.displayName',
      /must not contain prohibited content \("police"/,
    );
    assert.match(error.message, /^cnam\.displayName must not contain prohibited content/);
  });

  test('a generic display name (11008)', async () => {
    await refused(
      'POST',
      '/v1/onboardings',
      cnam('Sales'),
      'cnam.displayName',
      /must name the business, not be generic/,
    );
  });

  test('a display name that does not resemble the business name (11007)', async () => {
    await refused(
      'POST',
      '/v1/onboardings',
      cnam('Globex'),
      'cnam.displayName',
      /must resemble the business name/,
    );
  });

  test("a useCase that is not one of Twilio's exact values", async () => {
    await refused(
      'POST',
      '/v1/onboardings',
      start({ voiceIntegrity: { ...VOICE_INTEGRITY, useCase: 'appointment reminders' } }),
      'voiceIntegrity.useCase',
      /must be one of: Appointment Reminders, Customer Support/,
    );
  });

  test('Voice Integrity without its employee count', async () => {
    const { employeeCount: _, ...withoutCount } = VOICE_INTEGRITY;
    await refused(
      'POST',
      '/v1/onboardings',
      start({ voiceIntegrity: withoutCount }),
      'voiceIntegrity.employeeCount',
      /^is required$/,
    );
  });

  test('a correction: the display name against the corrected business name, or its own rules alone', async () => {
    const url = '/v1/onboardings/onboarding-acme-dental';
    await refused(
      'PATCH',
      url,
      { business: { name: 'Acme Dental Group LLC' }, cnam: { displayName: 'Globex' } },
      'cnam.displayName',
      /must resemble the business name/,
    );
    await refused('PATCH', url, { cnam: { displayName: 'FBI Dental' } }, 'cnam.displayName', /"fbi"/);
    await refused('PATCH', url, { cnam: { displayName: 'Unknown' } }, 'cnam.displayName', /generic/);
  });

  test('POST /v1/onboardings/:id/products: the same rules, and a body that asks for something', async () => {
    const url = '/v1/onboardings/onboarding-acme-dental/products';
    await refused('POST', url, { cnam: { displayName: 'Medicare Help' } }, 'cnam.displayName', /"medicare"/);
    await refused('POST', url, { cnam: { displayName: 'Acme_Dental' } }, 'cnam.displayName', /pattern/);
    await refused(
      'POST',
      url,
      { voiceIntegrity: { ...VOICE_INTEGRITY, useCase: 'Robocalls' } },
      'voiceIntegrity.useCase',
      /must be one of/,
    );
    await refused('POST', url, {}, 'body', /must NOT have fewer than 1 properties/);
  });
});

test('a display name that passes the rules goes on to Temporal (so the count above means something)', async () => {
  const offline = await startStack({ temporal: 'offline', sandbox: false });
  try {
    const response = await offline.api.inject({
      method: 'POST',
      url: '/v1/onboardings',
      payload: start({ cnam: { displayName: 'Acme Dental' } }),
    });
    assert.equal(response.statusCode, 500, response.body);
    assert.equal(offline.temporalCalls(), 1);
  } finally {
    await offline.close();
  }
});

describe('which rules each route can check', () => {
  const request = start({ cnam: { displayName: 'ADG' }, voiceIntegrity: VOICE_INTEGRITY });

  test("a start checks everything against the request's business: its initials resemble it", () => {
    assert.deepEqual(requestProductFailures(request), []);
    const other = start({ cnam: { displayName: 'Globex Dental' } });
    assert.deepEqual(requestProductFailures(other), []);
  });

  test('a correction or an added product without the business name leaves the resemblance to the workflow', () => {
    assert.deepEqual(correctionProductFailures({ cnam: { displayName: 'Globex' } }), []);
    assert.deepEqual(addedProductFailures({ cnam: { displayName: 'Globex' } }), []);
    assert.deepEqual(
      addedProductFailures({ cnam: { displayName: 'Police Dept' } }).map((f) => f.code),
      [11008],
    );
    assert.deepEqual(
      correctionProductFailures({ business: { name: 'Globex Corp' }, cnam: { displayName: 'Globex' } }),
      [],
    );
  });
});
