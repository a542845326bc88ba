// Entry point: starts the client, registers the palette commands (their ids differ from
// the server's kimiCode.* commands, which vscode-languageclient registers itself), and
// wires run events to the swarm panel and the status bar.
import { AgentProgress, KimiClient, Recipe, RunFinished, SERVER_COMMANDS } from './client';
import * as log from './log';
import { SwarmPanel } from './panel';
import { budgets } from './settings';
import * as api from './vscodeapi';

const PALETTE = {
    swarmRefactor: 'kimiCode.palette.swarmRefactor',
    cancel: 'kimiCode.palette.cancel',
    showPanel: 'kimiCode.palette.showPanel',
    restartServer: 'kimiCode.palette.restartServer',
    refactorSelection: 'kimiCode.palette.refactorSelection',
} as const;

const CUSTOM = 'Custom instruction…';

interface RunStarted {
    runId: string;
    label: string;
}

interface SelectionArgs {
    uri: string;
    file: string;
    lines: string;
}

let client: KimiClient | undefined;

export async function activate(context: api.ExtensionContext): Promise<void> {
    const status = api.createStatusBarItem(PALETTE.showPanel);
    const running = new Map<string, Map<string, AgentProgress>>();
    const panel = new SwarmPanel({
        openFile: (file) => void openWorkspaceFile(file),
        cancel: (runId, agentId) => void cancel(runId, agentId),
    }, budgets);
    let ready = false;
    let everReady = false;
    const updateStatus = (): void => {
        if (running.size === 0) {
            const waiting = everReady ? 'restarting' : 'starting';
            status.text = ready ? '$(sparkle) Kimi' : `$(loading~spin) Kimi: ${waiting}`;
            status.tooltip = ready ? 'Kimi Code: ready. Click for the swarm panel.' : `Kimi Code: ${waiting}`;
            status.show();
            return;
        }
        const agents = [...running.values()].flatMap((m) => [...m.values()]);
        const done = agents.filter((a) => ['done', 'failed', 'cancelled'].includes(a.state)).length;
        status.text = `$(sync~spin) Kimi: ${done}/${agents.length} agents`;
        status.show();
    };
    client = new KimiClient({
        onAgentProgress: (e) => {
            if (e.agentId !== 'run') {
                running.get(e.runId)?.set(e.agentId, e);
            }
            panel.agentProgress(e);
            updateStatus();
        },
        onRunFinished: (e) => {
            running.delete(e.runId);
            panel.runFinished(e);
            updateStatus();
            announce(e);
        },
        onServerState: (up) => {
            ready = up;
            everReady ||= up;
            if (!up) {
                // runs die with their server: end them visibly instead of spinning forever
                for (const runId of running.keys()) {
                    panel.runFinished({ runId, label: runId, state: 'failed', error: 'the language server exited' });
                }
                running.clear();
            }
            updateStatus();
        },
    });
    const c = client;
    const startRun = async (args: Record<string, unknown>): Promise<void> => {
        const started = await c.execute<RunStarted>(SERVER_COMMANDS.swarmRefactor, args);
        log.info(`run ${started.runId} started: ${started.label}`);
        running.set(started.runId, new Map());
        panel.runStarted(started.runId, started.label);
        panel.show();
        updateStatus();
    };
    const cancel = async (runId?: string, agentId?: string): Promise<void> => {
        await c.execute(SERVER_COMMANDS.cancel, { runId, agentId });
    };
    context.subscriptions.push(
        status,
        api.registerCommand(PALETTE.swarmRefactor, () => guard(() => swarmRefactor(c, startRun))),
        api.registerCommand(PALETTE.cancel, () => guard(() => cancel())),
        api.registerCommand(PALETTE.showPanel, () => panel.show()),
        api.registerCommand(PALETTE.restartServer, () => guard(() => c.restart())),
        api.registerCommand(PALETTE.refactorSelection, (arg) => guard(() => refactorSelection(startRun, arg as SelectionArgs | undefined))),
        api.onDidChangeConfiguration((e) => {
            if (e.affectsConfiguration('kimiCode.serverCommand')) {
                void guard(() => c.restart());
            }
        }),
    );
    updateStatus();
    await guard(() => c.start());
}

export async function deactivate(): Promise<void> {
    await client?.stop();
}

async function guard(action: () => Promise<unknown>): Promise<void> {
    try {
        await action();
    } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log.error(message);
        api.showError(`Kimi: ${message}`);
    }
}

async function swarmRefactor(c: KimiClient, startRun: (args: Record<string, unknown>) => Promise<void>): Promise<void> {
    const recipes = await c.execute<Recipe[]>(SERVER_COMMANDS.recipes);
    const picked = await api.showQuickPick(
        [...recipes.map((r) => ({ label: r.name, detail: r.description })), { label: CUSTOM, detail: 'Describe the refactor in your own words' }],
        'Which refactor?',
    );
    if (!picked) {
        return;
    }
    let instruction: string | undefined;
    if (picked.label === CUSTOM) {
        instruction = await api.showInputBox('What should the swarm do?', 'e.g. replace callbacks with async/await');
        if (!instruction) {
            return;
        }
    }
    const paths = await pickScope();
    if (paths === undefined) {
        return;
    }
    await startRun({ recipe: instruction ? undefined : picked.label, instruction, paths });
}

async function pickScope(): Promise<string[] | undefined> {
    const file = api.activeFileUri();
    const items = [{ label: 'Workspace', detail: 'Every file of the workspace' }];
    if (file) {
        const folder = api.UriCtor.joinPath(file, '..');
        items.push({ label: 'Folder', detail: api.asRelativePath(folder) });
        items.push({ label: 'Current file', detail: api.asRelativePath(file) });
    }
    const scope = await api.showQuickPick(items, 'Scope of the refactor');
    if (!scope) {
        return undefined;
    }
    if (scope.label === 'Current file' && file) {
        return [file.toString()];
    }
    if (scope.label === 'Folder' && file) {
        return [api.UriCtor.joinPath(file, '..').toString()];
    }
    return [];
}

async function refactorSelection(startRun: (args: Record<string, unknown>) => Promise<void>, arg?: SelectionArgs): Promise<void> {
    const selection = arg ?? fromEditor();
    if (!selection) {
        api.showError('Kimi: select some code first');
        return;
    }
    const what = await api.showInputBox(`Refactor ${selection.lines} of ${selection.file}`, 'e.g. extract a function');
    if (!what) {
        return;
    }
    const instruction = `On ${selection.lines} of ${selection.file}: ${what}. Change nothing outside that range unless required.`;
    await startRun({ instruction, paths: [selection.uri], maxAgents: 1 });
}

function fromEditor(): SelectionArgs | undefined {
    const sel = api.activeSelection();
    return sel && { uri: sel.uri.toString(), file: api.asRelativePath(sel.uri), lines: `lines ${sel.startLine}-${sel.endLine}` };
}

async function openWorkspaceFile(file: string): Promise<void> {
    const root = api.workspaceFolders()[0]?.uri;
    if (!root) {
        return;
    }
    let uri = api.UriCtor.joinPath(root, file);
    if (!(await api.fileExists(uri))) {
        uri = api.UriCtor.joinPath(root, file.replace(/\.(m|c)?jsx?$/, (ext) => ext.replace('js', 'ts')));
    }
    await api.openFile(uri);
}

function announce(e: RunFinished): void {
    if (e.error) {
        api.showError(`Kimi: run failed: ${e.error}`);
    } else if (e.state === 'cancelled') {
        api.showInfo('Kimi: run cancelled; nothing was changed.');
    } else if (e.apply) {
        const stale = e.apply.stale.map((s) => s.path);
        const applied = e.apply.applied ? `applied changes to ${e.apply.files.length} files` : `edit not applied${e.apply.failureReason ? ': ' + e.apply.failureReason : ''}`;
        const redone = e.apply.redone ?? [];
        const notes = [
            redone.length ? `; changed meanwhile, redone on your current text: ${redone.join(', ')}` : '',
            stale.length ? `; changed meanwhile, left alone: ${stale.join(', ')}` : '',
        ];
        api.showInfo(`Kimi: ${applied}${notes.join('')}`);
    }
}
