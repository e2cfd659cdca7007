/**
 * A broken schema rule in words: the API's 400s (src/api/plugins/errors.ts) and the CLI's report of a
 * CSV row (src/cli/customers-csv.ts) say it the same way, from the same Ajv error.
 */
export interface ValidationDetail {
  keyword: string;
  params?: unknown;
  message?: string | undefined;
}

export function validationRule(detail: ValidationDetail): string {
  const params = detail.params as { allowedValues?: unknown[] } | undefined;
  if (detail.keyword === 'required') return 'is required';
  if (detail.keyword === 'additionalProperties') return 'is not a field this accepts';
  if (detail.keyword === 'enum' && params?.allowedValues)
    return `must be one of: ${params.allowedValues.join(', ')}`;
  return detail.message ?? 'is invalid';
}
