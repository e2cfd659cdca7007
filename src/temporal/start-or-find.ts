/**
 * A workflow start that answers whether it made the run, from the Temporal server alone. With
 * `workflowIdConflictPolicy: 'USE_EXISTING'` the server answers a start at an ID that runs with that
 * run, and says so (`StartWorkflowExecutionResponse.started`); the SDK's `workflow.start` drops that
 * flag, so this sends the request the SDK builds (the same payloads, codec, memo, search attributes and
 * user metadata) and keeps it. No workflow task is on its path: a worker need not run at all.
 */
import {
  WorkflowExecutionAlreadyStartedError,
  isGrpcServiceError,
  type Client,
  type WorkflowOptions,
} from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { compileWorkflowOptions } from './sdk-internals.js';

/** gRPC's ALREADY_EXISTS: the reuse policy refused a new run at a closed run's ID. */
const ALREADY_EXISTS = 6;

type StartRequest = temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest;

/** The protected parts of the SDK's WorkflowClient this start uses (its own request, its own errors). */
interface WorkflowClientInternals {
  createStartWorkflowRequest(input: {
    options: ReturnType<typeof compileWorkflowOptions>;
    headers: Record<string, never>;
    workflowType: string;
  }): Promise<StartRequest>;
  rethrowGrpcError(err: unknown, fallbackMessage: string, execution?: { workflowId: string }): never;
}

export interface StartedOrFound {
  /** The run this start made, or the one already running at its ID. */
  runId: string;
  /** True when this start made the run. */
  started: boolean;
}

/**
 * Starts `workflowType` at `options.workflowId`, or finds the run there (`USE_EXISTING`). A closed run
 * the reuse policy keeps is WorkflowExecutionAlreadyStartedError, as `workflow.start` throws it.
 */
export async function startOrFind(
  client: Client,
  workflowType: string,
  options: WorkflowOptions & { args: readonly unknown[] },
): Promise<StartedOrFound> {
  const workflows = client.workflow as unknown as WorkflowClientInternals;
  const request = await workflows.createStartWorkflowRequest({
    options: compileWorkflowOptions({ ...options, workflowIdConflictPolicy: 'USE_EXISTING' }),
    headers: {},
    workflowType,
  });
  try {
    const response = await client.workflowService.startWorkflowExecution(request);
    return { runId: response.runId, started: response.started };
  } catch (error) {
    if (isGrpcServiceError(error) && (error.code as number) === ALREADY_EXISTS) {
      throw new WorkflowExecutionAlreadyStartedError(
        'Workflow execution already started',
        options.workflowId,
        workflowType,
      );
    }
    return workflows.rethrowGrpcError.call(client.workflow, error, 'Failed to start Workflow', {
      workflowId: options.workflowId,
    });
  }
}
