/**
 * Reading Temporal's raw API answers (src/api/onboardings-client.ts lists through the raw
 * visibility call to get its page token): execution statuses by the names the SDK's
 * WorkflowExecutionInfo uses.
 */
import proto from '@temporalio/proto';

// @temporalio/proto is CommonJS: its namespaces come through the default export under ESM.
const { WorkflowExecutionStatus } = proto.temporal.api.enums.v1;

/** `RUNNING`, `COMPLETED`…: the name the SDK's WorkflowExecutionInfo.status carries. */
export function executionStatusName(status: number | null | undefined): string {
  const name = WorkflowExecutionStatus[status ?? 0] ?? 'WORKFLOW_EXECUTION_STATUS_UNSPECIFIED';
  return name.replace(/^WORKFLOW_EXECUTION_STATUS_/, '');
}
