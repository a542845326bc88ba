// The one module that touches the `vscode` namespace directly (python-tools template):
// everything else imports these wrappers, so the editor surface in use is listed here.
import * as vscode from 'vscode';

export type Disposable = vscode.Disposable;
export type OutputChannel = vscode.LogOutputChannel;
export type Uri = vscode.Uri;
export type WebviewPanel = vscode.WebviewPanel;
export type StatusBarItem = vscode.StatusBarItem;
export type ExtensionContext = vscode.ExtensionContext;

export const { Uri: UriCtor } = vscode;

export function createOutputChannel(name: string): vscode.LogOutputChannel {
    return vscode.window.createOutputChannel(name, { log: true });
}

export function registerCommand(id: string, run: (...args: unknown[]) => unknown): vscode.Disposable {
    return vscode.commands.registerCommand(id, run);
}

export function getConfiguration(section: string): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(section);
}

export function onDidChangeConfiguration(listener: (e: vscode.ConfigurationChangeEvent) => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration(listener);
}

export function workspaceFolders(): readonly vscode.WorkspaceFolder[] {
    return vscode.workspace.workspaceFolders ?? [];
}

export function activeFileUri(): vscode.Uri | undefined {
    const editor = vscode.window.activeTextEditor;
    return editor?.document.uri.scheme === 'file' ? editor.document.uri : undefined;
}

export function activeSelection(): { uri: vscode.Uri; startLine: number; endLine: number } | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.selection.isEmpty) {
        return undefined;
    }
    const { start, end } = editor.selection;
    const endLine = end.character === 0 && end.line > start.line ? end.line - 1 : end.line;
    return { uri: editor.document.uri, startLine: start.line + 1, endLine: endLine + 1 };
}

export function asRelativePath(uri: vscode.Uri): string {
    return vscode.workspace.asRelativePath(uri, false);
}

export async function showQuickPick<T extends vscode.QuickPickItem>(items: T[], placeHolder: string): Promise<T | undefined> {
    return vscode.window.showQuickPick(items, { placeHolder, ignoreFocusOut: true });
}

export async function showInputBox(prompt: string, placeHolder: string): Promise<string | undefined> {
    return vscode.window.showInputBox({ prompt, placeHolder, ignoreFocusOut: true });
}

export function showInfo(message: string): void {
    void vscode.window.showInformationMessage(message);
}

export function showError(message: string): void {
    void vscode.window.showErrorMessage(message);
}

export async function openFile(uri: vscode.Uri): Promise<void> {
    await vscode.window.showTextDocument(uri, { preview: false });
}

export function fileExists(uri: vscode.Uri): Thenable<boolean> {
    return vscode.workspace.fs.stat(uri).then(() => true, () => false);
}

export function createWebviewPanel(title: string, onDispose: () => void): vscode.WebviewPanel {
    const panel = vscode.window.createWebviewPanel('kimiCode.swarm', title, vscode.ViewColumn.Beside, {
        enableScripts: true,
        retainContextWhenHidden: true,
    });
    panel.onDidDispose(onDispose);
    return panel;
}

export function createStatusBarItem(command: string): vscode.StatusBarItem {
    const item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 100);
    item.command = command;
    return item;
}
