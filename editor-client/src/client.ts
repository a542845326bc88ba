// Starts the Kimi Code language server (stdio), restarts it when it crashes, and turns
// its kimiCode/* notifications into typed events for the panel and status bar.
import {
    CloseAction,
    ErrorAction,
    ExecuteCommandRequest,
    LanguageClient,
    LanguageClientOptions,
    ServerOptions,
    State,
} from 'vscode-languageclient/node';
import * as log from './log';
import { initializationOptions, SECTION, serverCommand } from './settings';

export const SERVER_COMMANDS = {
    swarmRefactor: 'kimiCode.swarmRefactor',
    cancel: 'kimiCode.cancel',
    recipes: 'kimiCode.recipes',
    runs: 'kimiCode.runs',
} as const;

export interface AgentProgress {
    runId: string;
    agentId: string;
    file: string | null;
    state: string;
    tool: string | null;
    toolCalls: number;
    tokens: number;
    elapsed: number;
    message: string;
}

export interface PathReason {
    path: string;
    reason: string;
}

export interface RunFinished {
    runId: string;
    label: string;
    state: string;
    error?: string;
    apply?: { applied: boolean; files: string[]; stale: PathReason[]; skipped: PathReason[]; failureReason: string | null; redone?: string[] };
    report?: Record<string, unknown>;
}

export interface Recipe {
    name: string;
    description: string;
}

export interface ClientListener {
    onAgentProgress(event: AgentProgress): void;
    onRunFinished(event: RunFinished): void;
    /** The server came up (true) or went away (false: stopped, crashed, restarting). */
    onServerState(running: boolean): void;
}

const MAX_RESTARTS = 5;

export class KimiClient {
    private client: LanguageClient | undefined;
    private restarts = 0;
    private ready: Promise<void> | undefined;

    constructor(private readonly listener: ClientListener) {}

    async start(): Promise<void> {
        const cmd = serverCommand();
        log.info(`starting language server: ${cmd.command} ${cmd.args.join(' ')}`);
        const serverOptions: ServerOptions = { command: cmd.command, args: cmd.args, options: { cwd: cmd.cwd } };
        const clientOptions: LanguageClientOptions = {
            documentSelector: ['javascript', 'javascriptreact', 'typescript', 'typescriptreact', 'python'].map(
                (language) => ({ scheme: 'file', language }),
            ),
            synchronize: { configurationSection: SECTION },
            initializationOptions: initializationOptions(),
            outputChannel: log.outputChannel(),
            errorHandler: {
                error: () => ({ action: ErrorAction.Continue }),
                closed: () => this.onClosed(),
            },
        };
        const client = new LanguageClient('kimiCode', 'Kimi Code', serverOptions, clientOptions);
        client.onNotification('kimiCode/agentProgress', (e: AgentProgress) => this.listener.onAgentProgress(e));
        client.onNotification('kimiCode/runFinished', (e: RunFinished) => this.listener.onRunFinished(e));
        client.onDidChangeState((e) => {
            log.info(`language server ${State[e.newState]}`);
            this.listener.onServerState(e.newState === State.Running);
        });
        this.client = client;
        this.ready = client.start();
        await this.ready;
    }

    private onClosed(): { action: CloseAction; message?: string } {
        this.restarts += 1;
        if (this.restarts > MAX_RESTARTS) {
            return { action: CloseAction.DoNotRestart, message: 'Kimi Code server crashed too often; run "Kimi: Restart language server".' };
        }
        log.error(`language server exited; restarting (${this.restarts}/${MAX_RESTARTS})`);
        return { action: CloseAction.Restart };
    }

    async restart(): Promise<void> {
        this.restarts = 0;
        await this.stop();
        await this.start();
    }

    async stop(): Promise<void> {
        const client = this.client;
        this.client = undefined;
        if (client?.isRunning()) {
            await client.stop();
        }
    }

    async execute<T>(command: string, args?: Record<string, unknown>): Promise<T> {
        await this.ready; // palette commands exist before the server has started
        if (!this.client) {
            throw new Error('the Kimi Code language server is not running');
        }
        return this.client.sendRequest(ExecuteCommandRequest.type, {
            command,
            arguments: args === undefined ? [] : [args],
        }) as Promise<T>;
    }
}
