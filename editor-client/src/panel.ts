// The swarm panel: a webview with one live row per agent (state, file, current tool,
// tool calls, elapsed, errors), run totals and budgets on top, click-to-open and cancel.
import type { AgentProgress, RunFinished } from './client';
import type { Budgets } from './settings';
import { createWebviewPanel, WebviewPanel } from './vscodeapi';

export interface PanelActions {
    openFile(file: string): void;
    cancel(runId: string, agentId?: string): void;
}

interface RunView {
    runId: string;
    label: string;
    state: string;
    agents: Record<string, AgentProgress>;
    finished?: RunFinished;
}

type FromWebview = { type: 'open'; file: string } | { type: 'cancel'; runId: string; agentId?: string };

export class SwarmPanel {
    private panel: WebviewPanel | undefined;
    private readonly runs = new Map<string, RunView>();
    private latest: string | undefined;

    constructor(private readonly actions: PanelActions, private readonly budgets: () => Budgets) {}

    show(): void {
        if (this.panel) {
            this.panel.reveal();
            return;
        }
        const panel = createWebviewPanel('Kimi Swarm', () => (this.panel = undefined));
        panel.webview.html = html(nonce());
        panel.webview.onDidReceiveMessage((msg: FromWebview) => this.onMessage(msg));
        this.panel = panel;
        this.post();
    }

    runStarted(runId: string, label: string): void {
        this.runs.set(runId, { runId, label, state: 'running', agents: {} });
        this.latest = runId;
        this.post();
    }

    agentProgress(event: AgentProgress): void {
        const run = this.runs.get(event.runId) ?? { runId: event.runId, label: event.runId, state: 'running', agents: {} };
        this.runs.set(event.runId, run);
        this.latest ??= event.runId;
        if (event.agentId !== 'run') {
            run.agents[event.agentId] = event;
        }
        this.post();
    }

    runFinished(event: RunFinished): void {
        const run = this.runs.get(event.runId) ?? { runId: event.runId, label: event.label, state: event.state, agents: {} };
        run.state = event.state;
        run.finished = event;
        this.runs.set(event.runId, run);
        this.post();
    }

    private onMessage(msg: FromWebview): void {
        if (msg.type === 'open') {
            this.actions.openFile(msg.file);
        } else if (msg.type === 'cancel') {
            this.actions.cancel(msg.runId, msg.agentId);
        }
    }

    private post(): void {
        const run = this.latest ? this.runs.get(this.latest) : undefined;
        void this.panel?.webview.postMessage({ type: 'state', run: run ?? null, budgets: this.budgets() });
    }
}

function nonce(): string {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let out = '';
    for (let i = 0; i < 32; i++) {
        out += chars.charAt(Math.floor(Math.random() * chars.length));
    }
    return out;
}

function html(n: string): string {
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${n}'; script-src 'nonce-${n}';">
<style nonce="${n}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 2px 6px; border-bottom: 1px solid var(--vscode-panel-border); }
tr.agent { cursor: pointer; }
tr.agent:hover { background: var(--vscode-list-hoverBackground); }
.failed { color: var(--vscode-errorForeground); }
.done { color: var(--vscode-testing-iconPassed); }
#totals span { margin-right: 1em; }
</style></head>
<body>
<h3 id="title">No swarm run yet</h3>
<div id="totals"></div>
<div id="result"></div>
<p><button id="cancel-all" disabled>Cancel all</button></p>
<table><thead><tr><th>Agent</th><th>State</th><th>File</th><th>Tool</th><th>Tool calls</th><th>Elapsed</th><th>Error</th><th></th></tr></thead>
<tbody id="agents"></tbody></table>
<script nonce="${n}">
const vscode = acquireVsCodeApi();
let current = null;
const FINAL = ['done', 'failed', 'cancelled'];
function cell(tr, text, cls) { const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; tr.appendChild(td); return td; }
// one row per agent, kept and updated in place: a row (and its Cancel button) made afresh at
// every progress event would be replaced under the pointer, and a click on it lost
const rows = new Map();
function row(a) {
  let r = rows.get(a.agentId);
  if (!r) {
    const tr = document.createElement('tr');
    tr.className = 'agent'; tr.dataset.agentId = a.agentId;
    r = { tr, cells: [], action: document.createElement('td'), button: null, agent: a };
    for (let i = 0; i < 7; i++) r.cells.push(cell(tr, ''));
    tr.appendChild(r.action);
    tr.onclick = () => { if (r.agent.file) vscode.postMessage({ type: 'open', file: r.agent.file }); };
    rows.set(a.agentId, r);
  }
  r.agent = a;
  return r;
}
function setCell(td, text, cls) { if (td.textContent !== text) td.textContent = text; td.className = cls || ''; }
function render(run, budgets) {
  const tbody = document.getElementById('agents');
  if (!run || !current || current.runId !== run.runId) { rows.clear(); tbody.replaceChildren(); }
  current = run;
  if (!run) return;
  const agents = Object.values(run.agents);
  const done = agents.filter(a => FINAL.includes(a.state)).length;
  const calls = agents.reduce((s, a) => s + a.toolCalls, 0);
  const tokens = agents.reduce((s, a) => s + a.tokens, 0);
  document.getElementById('title').textContent = 'Kimi swarm: ' + run.label + ' (' + run.state + ')';
  document.body.dataset.runState = run.state;
  const totals = document.getElementById('totals');
  totals.replaceChildren();
  for (const [k, v] of [['agents', agents.length], ['finished', done], ['tool calls', calls + ' / ' + budgets.maxToolCalls],
                        ['tokens', tokens + (budgets.maxTokens ? ' / ' + budgets.maxTokens : '')],
                        ['max agents', budgets.maxAgents], ['wall budget', budgets.wallSeconds ? budgets.wallSeconds + 's' : 'none']]) {
    const span = document.createElement('span'); span.className = 'total'; span.dataset.key = k; span.textContent = k + ': ' + v; totals.appendChild(span);
  }
  const result = document.getElementById('result');
  const fin = run.finished;
  result.textContent = !fin ? '' : fin.error ? 'Failed: ' + fin.error
    : fin.state === 'cancelled' ? 'Cancelled: nothing was changed'
    : fin.apply ? (fin.apply.applied ? 'Applied ' + fin.apply.files.length + ' files' : 'Not applied' + (fin.apply.failureReason ? ': ' + fin.apply.failureReason : ''))
      + (fin.apply.redone && fin.apply.redone.length ? '; redone on the current text: ' + fin.apply.redone.join(', ') : '')
      + (fin.apply.stale.length ? '; stale: ' + fin.apply.stale.map(s => s.path).join(', ') : '') : 'Run ' + fin.state;
  document.getElementById('cancel-all').disabled = run.state !== 'running';
  const sorted = agents.sort((x, y) => x.agentId.localeCompare(y.agentId));
  const ids = new Set(sorted.map(a => a.agentId));
  for (const [id, r] of rows) if (!ids.has(id)) { r.tr.remove(); rows.delete(id); }
  let before = tbody.firstChild;
  for (const a of sorted) {
    const r = row(a), [id, state, file, tool, count, elapsed, error] = r.cells;
    r.tr.dataset.state = a.state;
    setCell(id, a.agentId); setCell(state, a.state, a.state); setCell(file, a.file || ''); setCell(tool, a.tool || '');
    setCell(count, String(a.toolCalls)); setCell(elapsed, a.elapsed.toFixed(1) + 's');
    setCell(error, a.state === 'failed' ? a.message : '', 'failed');
    const live = !FINAL.includes(a.state);
    if (live && !r.button) {
      const b = document.createElement('button'); b.textContent = 'Cancel'; b.className = 'cancel-agent';
      b.onclick = (ev) => { ev.stopPropagation(); vscode.postMessage({ type: 'cancel', runId: current.runId, agentId: r.agent.agentId }); };
      r.action.appendChild(b); r.button = b;
    } else if (!live && r.button) {
      r.button.remove(); r.button = null;
    }
    if (r.tr !== before) tbody.insertBefore(r.tr, before); else before = before.nextSibling;
  }
}
document.getElementById('cancel-all').onclick = () => { if (current) vscode.postMessage({ type: 'cancel', runId: current.runId }); };
window.addEventListener('message', (ev) => { if (ev.data.type === 'state') render(ev.data.run, ev.data.budgets); });
</script></body></html>`;
}
