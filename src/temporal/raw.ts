/**
 * Reading Temporal's raw API answers (src/api/routes/onboardings.ts lists through the raw visibility
 * call to get its page token): timestamps and execution statuses as the SDK's own types show them.
 */
import proto from '@temporalio/proto';
import type Long from 'long';

// @temporalio/proto is CommonJS: its namespaces come through the default export under ESM.
const { WorkflowExecutionStatus } = proto.temporal.api.enums.v1;

export function timestampToDate(
  timestamp: { seconds?: Long | number | null; nanos?: number | null } | null | undefined,
): Date {
  const seconds = Number(timestamp?.seconds ?? 0);
  return new Date(seconds * 1000 + Math.floor((timestamp?.nanos ?? 0) / 1e6));
}

/** `RUNNING`, `COMPLETED`…: the name the SDK's WorkflowExecutionInfo.status carries. */
export function executionStatusName(status: number | null | undefined): string {
  const name = WorkflowExecutionStatus[status ?? 0] ?? 'WORKFLOW_EXECUTION_STATUS_UNSPECIFIED';
  return name.replace(/^WORKFLOW_EXECUTION_STATUS_/, '');
}
