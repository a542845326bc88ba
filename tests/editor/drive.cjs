// Drives code-server in headless Chromium (playwright-core) like a person would:
// a code action converts one file, then "Kimi: Swarm refactor" from the command palette
// converts the rest; each time the swarm panel fills, the refactor preview is accepted
// and the explorer shows the .ts files. Waits on visible state only, never on time.
// Then, on the panel, it cancels one agent of a run by its row and the rest with
// "Cancel all"; kills the language server and waits for the extension to restart it; and
// runs "Kimi: Refactor selection…", answering its input box.
// Env: KIMI_URL, KIMI_OUT (screenshots), KIMI_CHROMIUM, KIMI_SERVER_PID_FILE (the server
// writes its pid there). Prints one JSON line of findings.
'use strict';
const fs = require('fs');
const { chromium } = require('playwright-core');

const URL = process.env.KIMI_URL;
const OUT = process.env.KIMI_OUT;
const STEP_MS = 120000;
const findings = { steps: [] };

async function shot(page, name) {
    await page.screenshot({ path: `${OUT}/${name}.png` });
    findings.steps.push(name);
}

async function palette(page, command) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${command}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: command }).first().waitFor();
    await page.keyboard.press('Enter');
}

async function pick(page, label) {
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
}

function panelFrame(page) {
    return page.frameLocator('iframe.webview').frameLocator('#active-frame');
}

async function acceptPreview(page, name) {
    // VS Code opens the Refactor Preview for edits annotated needsConfirmation, with every
    // file unticked: the reviewer ticks the files to accept (Space on each), then Apply.
    const apply = page.locator('.monaco-button', { hasText: /^Apply$/ }).first();
    await apply.waitFor({ state: 'visible', timeout: STEP_MS });
    const files = page.locator('.monaco-list-row[role="checkbox"][aria-level="1"]');
    await files.first().waitFor();
    const total = Number(await files.first().getAttribute('aria-setsize'));
    findings[`${name}PreviewFiles`] = total;
    await shot(page, `${name}-preview`);
    await files.first().locator('.monaco-tl-twistie').click(); // focus the tree (and collapse)
    for (let i = 0; i < total; i++) {
        const row = page.locator('.monaco-list-row.focused[role="checkbox"][aria-level="1"]');
        if ((await row.getAttribute('aria-expanded')) === 'true') await page.keyboard.press('ArrowLeft');
        if ((await row.locator('.edit-checkbox').getAttribute('aria-checked')) !== 'true') {
            await page.keyboard.press('Space');
            await row.locator('.edit-checkbox[aria-checked="true"]').waitFor();
        }
        await page.keyboard.press('ArrowDown');
    }
    await shot(page, `${name}-ticked`);
    await apply.click();
    await apply.waitFor({ state: 'hidden', timeout: STEP_MS });
}

async function explorerItem(page, name) {
    return page.locator(`.explorer-folders-view .monaco-list-row[aria-label^="${name}"]`).first();
}

async function codeAction(page) {
    const src = await explorerItem(page, 'src');
    await src.waitFor();
    if ((await src.getAttribute('aria-expanded')) !== 'true') await src.click();
    const money = await explorerItem(page, 'money.js');
    await money.click();
    const editor = page.locator('.monaco-editor .view-lines').first();
    await editor.waitFor();
    await editor.click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await page.locator('.statusbar-item', { hasText: /selected/ }).first().waitFor();
    // the light bulb appears once the editor has the selection's code actions
    const bulb = page.locator('.lightBulbWidget, .lightbulb-glyph').first();
    await bulb.waitFor({ state: 'visible' });
    await bulb.click();
    const item = page.locator('.action-widget .monaco-list-row', { hasText: 'Kimi: Convert this file to TypeScript' });
    await item.waitFor({ state: 'visible', timeout: STEP_MS });
    findings.codeActions = await page.locator('.action-widget .monaco-list-row').allInnerTexts();
    await shot(page, '1-code-actions');
    await item.click();
    await acceptPreview(page, '2-code-action');
    await (await explorerItem(page, 'money.ts')).waitFor({ timeout: STEP_MS });
    await shot(page, '3-money-ts');
}

async function swarm(page) {
    await palette(page, 'Kimi: Swarm refactor');
    await pick(page, process.env.KIMI_RECIPE || 'js-to-ts');
    await pick(page, 'Workspace');
    const frame = panelFrame(page);
    await frame.locator('tr.agent').first().waitFor({ timeout: STEP_MS });
    await shot(page, '4-panel-running');
    await acceptPreview(page, '5-swarm');
    await frame.locator('body[data-run-state="finished"]').waitFor({ timeout: STEP_MS });
    findings.agents = await frame.locator('tr.agent').count();
    findings.agentStates = await frame.locator('tr.agent').evaluateAll((rows) => rows.map((r) => r.dataset.state));
    findings.result = await frame.locator('#result').innerText();
    await (await explorerItem(page, 'order.ts')).waitFor({ timeout: STEP_MS });
    findings.explorer = await page.locator('.explorer-folders-view .monaco-list-row').allInnerTexts();
    await palette(page, 'File: Save All'); // VS Code saves refactored files; make sure
    await page.locator('.tab.dirty').first().waitFor({ state: 'detached' });
    await shot(page, '6-finished');
}

async function cancelFromPanel(page) {
    await palette(page, 'Kimi: Swarm refactor');
    await pick(page, process.env.KIMI_RECIPE || 'js-to-ts');
    await pick(page, 'Workspace');
    const frame = panelFrame(page);
    await frame.locator('#title', { hasText: /\(running\)$/ }).waitFor();
    // each agent's tool takes 1.5 s: one may finish between finding its button and the click
    // (its button then goes), and the next running agent's is taken instead
    let agentId = null, cancelled = null;
    for (let attempt = 0; !cancelled; attempt++) {
        const row = frame.locator('tr.agent:has(button.cancel-agent)').first();
        await row.waitFor();
        agentId = await row.getAttribute('data-agent-id');
        const button = frame.locator(`tr.agent[data-agent-id="${agentId}"] button.cancel-agent`);
        // drawing the panel again (as every progress event does) keeps the row's Cancel button:
        // one made afresh each time would be replaced under the pointer, the click lost
        findings.buttonKept ??= await button.evaluate((b) => {
            render(current, { maxToolCalls: 0, maxTokens: 0, maxAgents: 0, wallSeconds: 0 });
            return b.isConnected;
        }, null, { timeout: 5000 }).catch(() => undefined);
        try {
            await button.click({ timeout: 5000 });
        } catch (e) {
            if (attempt >= 3) throw e;
            continue;
        }
        cancelled = frame.locator(`tr.agent[data-agent-id="${agentId}"][data-state="cancelled"]`);
    }
    await cancelled.waitFor();
    findings.cancelledAgent = { agentId, state: await cancelled.getAttribute('data-state') };
    await shot(page, '4a-agent-cancelled');
    await frame.locator('#cancel-all:not([disabled])').click();
    await frame.locator('body[data-run-state="cancelled"]').waitFor();
    findings.cancelAll = { runState: 'cancelled', result: await frame.locator('#result').innerText() };
    await shot(page, '4b-run-cancelled');
}

function pidChange(file, oldPid) {
    // the restarted server writes its pid: watch the file (events, not a timer loop)
    return new Promise((resolve, reject) => {
        let watcher;
        const timer = setTimeout(() => { watcher.close(); reject(new Error('server was not restarted')); }, STEP_MS);
        const check = () => {
            const pid = Number(fs.readFileSync(file, 'utf8'));
            if (pid > 0 && pid !== oldPid) { watcher.close(); clearTimeout(timer); resolve(pid); }
        };
        watcher = fs.watch(file, check);
        check();
    });
}

async function crashRestart(page) {
    const file = process.env.KIMI_SERVER_PID_FILE;
    const oldPid = Number(fs.readFileSync(file, 'utf8'));
    process.kill(oldPid, 'SIGKILL');
    const newPid = await pidChange(file, oldPid);
    // the status bar reads "Kimi: restarting" until the new server is up, then "Kimi"
    await page.locator('.statusbar-item', { hasText: /Kimi$/ }).first().waitFor();
    findings.restart = { oldPid, newPid };
    await shot(page, '7-restarted');
}

async function refactorSelection(page) {
    await (await explorerItem(page, 'money.ts')).click();
    const editor = page.locator('.monaco-editor .view-lines').first();
    await editor.click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await page.locator('.statusbar-item', { hasText: /selected/ }).first().waitFor();
    await palette(page, 'Kimi: Refactor selection…');
    const prompt = page.locator('.quick-input-widget').getByText(/^Refactor lines/).first();
    await prompt.waitFor({ state: 'visible' });
    const text = await prompt.innerText();
    await page.locator('.quick-input-widget input').fill('extract a helper for cents');
    await shot(page, '8-instruction');
    await page.keyboard.press('Enter');
    const frame = panelFrame(page);
    const title = frame.locator('#title', { hasText: /On lines .*\((finished|not_applied|failed)\)$/ });
    await title.waitFor();
    findings.refactorSelection = { prompt: text, title: await title.innerText(), result: await frame.locator('#result').innerText() };
    await shot(page, '9-refactor-selection');
}

(async () => {
    const browser = await chromium.launch({
        executablePath: process.env.KIMI_CHROMIUM || '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(STEP_MS);
    try {
        await page.goto(URL);
        await page.locator('.monaco-workbench').waitFor();
        await (await explorerItem(page, 'src')).waitFor();
        // the extension shows "Kimi" in the status bar once its language server is up
        await page.locator('.statusbar-item', { hasText: /Kimi$/ }).first().waitFor();
        await shot(page, '0-opened');
        await codeAction(page);
        await cancelFromPanel(page);
        await swarm(page);
        await crashRestart(page);
        await refactorSelection(page);
        findings.ok = true;
    } catch (err) {
        findings.ok = false;
        findings.error = String(err && err.stack || err);
        await page.screenshot({ path: `${OUT}/failure.png` }).catch(() => undefined);
    } finally {
        await browser.close();
    }
    process.stdout.write(JSON.stringify(findings) + '\n');
    process.exit(findings.ok ? 0 : 1);
})();
