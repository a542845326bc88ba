// `kimiCode.*` settings as the extension reads them; the server reads the same section
// through workspace/configuration, so names here match kimi_code/lsp/settings.py.
import * as path from 'node:path';
import * as fs from 'node:fs';
import { getConfiguration, workspaceFolders } from './vscodeapi';

export const SECTION = 'kimiCode';

export interface ServerCommand {
    command: string;
    args: string[];
    cwd: string | undefined;
}

export interface Budgets {
    maxAgents: number;
    maxToolCalls: number;
    maxTokens: number | null;
    wallSeconds: number | null;
}

export function serverCommand(): ServerCommand {
    const configured = getConfiguration(SECTION).get<string[]>('serverCommand', []);
    const folder = workspaceFolders()[0]?.uri.fsPath;
    if (configured.length > 0) {
        const [command, ...args] = configured;
        return { command: command ?? 'kimi-code', args, cwd: folder };
    }
    if (folder) {
        const venv = path.join(folder, '.venv', 'bin', 'kimi-code');
        if (fs.existsSync(venv)) {
            return { command: venv, args: ['lsp'], cwd: folder };
        }
    }
    return { command: 'kimi-code', args: ['lsp'], cwd: folder };
}

export function budgets(): Budgets {
    const config = getConfiguration(SECTION);
    return {
        maxAgents: config.get<number>('maxAgents', 8),
        maxToolCalls: config.get<number>('maxToolCalls', 1500),
        maxTokens: config.get<number | null>('maxTokens', null),
        wallSeconds: config.get<number | null>('wallSeconds', null),
    };
}

export function initializationOptions(): Record<string, unknown> {
    const config = getConfiguration(SECTION);
    const keys = ['backend', 'model', 'apiKeyEnv', 'maxAgents', 'maxToolCalls', 'maxTokens', 'wallSeconds', 'policy'];
    const out: Record<string, unknown> = {};
    for (const key of keys) {
        out[key] = config.get(key);
    }
    return out;
}
