/**
 * Failure messages and stack traces can quote personal data (a Twilio error echoing an email, say):
 * with encodeCommonAttributes they travel as an encoded payload, which the encryption codec
 * (src/temporal/codec.ts) then encrypts. Loaded by path (DataConverter's failureConverterPath) because
 * workflow code, bundled apart, needs the same converter.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
