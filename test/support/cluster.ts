/**
 * The cluster's Temporal side for the tests under test/cluster: a PostgreSQL of its own, compose's
 * schema job, the server with deploy/temporal/config.yaml on free ports, and compose's namespace job,
 * from the pieces of scripts/cluster.ts. The server can be stopped and started again on the same
 * database (cluster.test.ts restarts it under a running onboarding).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  freeServerPorts,
  LocalPostgres,
  runNamespaceJob,
  runSchemaJob,
  serverCommand,
  serverEnvironment,
  waitForServing,
  type ServerPorts,
  stopProcess,
} from '../../scripts/cluster.js';
import { freePort } from '../../scripts/toolchain.js';

/** Runs one phase of the start; cluster.test.ts passes one that records how long each took. */
export type Phase = <T>(name: string, work: () => Promise<T>) => Promise<T>;

const untimed: Phase = (_name, work) => work();

export class TestCluster {
  private server: ChildProcess | undefined;
  private serverOutput = '';

  private constructor(
    readonly pg: LocalPostgres,
    readonly ports: ServerPorts,
    readonly address: string,
  ) {}

  /**
   * PostgreSQL under `root`, the schema job, the server and the namespace job, in that order: at
   * compose's release, or at `version`'s (schema job and server; schema-upgrade.test.ts starts an old one).
   */
  static async start(
    root: string,
    namespace: string,
    phase: Phase = untimed,
    { version }: { version?: string } = {},
  ): Promise<TestCluster> {
    const pg = new LocalPostgres(join(root, 'postgres'), await freePort());
    await phase('postgres initdb + start', async () => {
      pg.init();
      await pg.start();
    });
    await phase('schema job', () => runSchemaJob(pg.database, { version }));
    const ports = await freeServerPorts();
    const cluster = new TestCluster(pg, ports, `127.0.0.1:${ports.frontend}`);
    await phase('server start', () => cluster.startServer(version));
    await phase('namespace job', () => runNamespaceJob(cluster.address, namespace));
    return cluster;
  }

  /** What the server printed since it last started, for failure messages. */
  output(): string {
    return this.serverOutput;
  }

  /** Starts the server of compose's release, or of `version`, on the cluster's database and ports. */
  async startServer(version?: string): Promise<void> {
    const { command, args } = serverCommand(version);
    this.serverOutput = '';
    const child = spawn(command, args, {
      env: { PATH: process.env.PATH, ...serverEnvironment(this.pg.database, this.ports), LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => (this.serverOutput += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (this.serverOutput += chunk.toString()));
    this.server = child;
    const died = new Promise<never>((_, reject) =>
      child.once('exit', (code) =>
        reject(new Error(`the server exited (${code}) while starting:\n${this.serverOutput.slice(-4_000)}`)),
      ),
    );
    await Promise.race([waitForServing(this.address, 120_000), died]);
  }

  stopServer(): Promise<void> {
    return stopProcess(this.server, 'SIGTERM');
  }

  /** The server, then PostgreSQL. */
  async stop(): Promise<void> {
    await this.stopServer();
    await this.pg.stop();
  }
}
