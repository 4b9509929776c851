// The editor part of the workbench, driven the way a person does: the Explorer, Quick Open, the
// command palette, the cursor, hovers, tabs and F12. Every helper waits on something visible (a
// selector, a text) with a timeout; none sleeps. `workbench.ts` adds the panels.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { waitUntil } from './wait';

/** Cursor position as the status bar shows it (1-based). */
export interface Position {
  line: number;
  col: number;
}

/** What F12 led to: the active editor tab and the cursor in it. */
export interface Jump extends Position {
  tab: string;
}

/** One status bar entry: its id (`<extension id>.<item id>` for extensions), text and accessible label. */
export interface StatusBarItem {
  id: string;
  text: string;
  label: string;
}

/** One row of the Problems panel. */
export interface Problem {
  severity: string;
  message: string;
  line: number;
  col: number;
  /** The row's whole accessible label, source included. */
  label: string;
}

/** Where things are on the screen. */
export const ui = {
  explorerRow: (file: string) => `.explorer-folders-view .monaco-list-row:has(.explorer-item[aria-label="${file}"])`,
  quickInput: '.quick-input-widget:not([style*="display: none"]) input.input',
  quickInputRow: '.quick-input-widget .quick-input-list .monaco-list-row',
  language: '[id="status.editor.mode"]',
  selection: '[id="status.editor.selection"]',
  problemsItem: '[id="status.problems"]',
  activeTab: '.editor-group-container.active .tab.active',
  tabOf: (file: string) => `.editor-group-container.active .tab.active:has(.monaco-icon-label[aria-label="${file}"])`,
  hover: '.monaco-hover:not(.hidden)',
  codeLens: '.editor-group-container.active .monaco-editor .codelens-decoration',
  markersRow: '.markers-panel .monaco-list-row',
  statusBarItem: '.statusbar-item',
  toast: '.notifications-toasts .notification-toast',
  toastMessage: '.notification-list-item-message',
  overlayMessage: '.editor-group-container.active .monaco-editor-overlaymessage',
  activeEditorText: '.editor-group-container.active .monaco-editor .view-lines',
};

/** The workbench's editor: files, cursor, hovers, tabs, jumps. */
export class EditorWorkbench {
  constructor(
    readonly page: Page,
    /** Absolute path of the workspace folder, as the Explorer labels its rows. */
    readonly workspace: string,
    readonly screenshotDir: string,
    readonly timeoutMs = 30_000,
  ) {}

  /** Waits until the workbench has restored: the Explorer lists the workspace. */
  async ready(): Promise<void> {
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    await this.page.locator(ui.statusBarItem).first().waitFor({ timeout: this.timeoutMs });
  }

  /**
   * Opens a workspace file by clicking through the Explorer, expanding each folder on the way.
   * Rows are found by their full path, so `pkgs/a/default.nix` never clicks `pkgs/b/default.nix`.
   */
  async openFile(relativePath: string): Promise<void> {
    const parts = relativePath.split('/').filter(Boolean);
    for (let i = 0; i < parts.length; i++) {
      const file = path.join(this.workspace, ...parts.slice(0, i + 1));
      const row = await this.revealExplorerRow(file);
      if (i < parts.length - 1) {
        if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
        await waitUntil(
          `Explorer folder ${file} is expanded`,
          this.timeoutMs,
          async () => (await row.getAttribute('aria-expanded')) === 'true',
        );
      } else {
        await row.click();
        await this.page.locator(ui.tabOf(file)).waitFor({ timeout: this.timeoutMs });
      }
    }
  }

  /**
   * The Explorer only renders the rows in view, and a folder's children appear a moment after
   * it expands. Until the row of `file` exists: focus the tree, page down, and from the end
   * start again at the top (Home).
   */
  private async revealExplorerRow(file: string): Promise<Locator> {
    const row = this.page.locator(ui.explorerRow(file)).first();
    const tree = this.page.locator('.explorer-folders-view .monaco-list').first();
    let focused: string | null = null;
    await waitUntil(`the Explorer shows ${file}`, this.timeoutMs, async () => {
      if ((await row.count()) > 0) return true;
      if (focused === null) await tree.focus();
      const before = focused;
      focused = await tree.getAttribute('aria-activedescendant');
      await this.page.keyboard.press(before === focused ? 'Home' : 'PageDown');
      return false;
    });
    await row.scrollIntoViewIfNeeded();
    return row;
  }

  /**
   * Opens a workspace file through Quick Open (Ctrl+P), as a contributor does in a large tree:
   * in a real domain the Explorer's sticky scroll covers the rows a click would need.
   */
  async quickOpen(relativePath: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator(ui.quickInput);
    await input.waitFor({ timeout: this.timeoutMs });
    await input.fill(relativePath);
    // The row whose description is the file's folder, exactly (cu/curl must not pick cu/curlpp):
    // clicked, since the list refilters as it types.
    const folder = path.dirname(relativePath).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const row = this.page
      .locator(ui.quickInputRow, { hasText: path.basename(relativePath) })
      .filter({ has: this.page.locator('.label-description', { hasText: new RegExp(`(^|[\\s/])${folder}\\s*$`) }) })
      .first();
    await row.waitFor({ timeout: this.timeoutMs });
    await row.click();
    // The tab's label gains " • 1 problem in this file" once it has diagnostics: compare the file alone.
    await this.waitForActiveFile(relativePath);
    await this.parkPointer();
  }

  /** Waits until the status bar's language indicator reads `language` (the editor re-renders when it switches). */
  async waitForLanguage(language = 'Nix'): Promise<void> {
    let seen: string | undefined;
    await waitUntil(
      `the status bar language reads ${language}`,
      this.timeoutMs,
      async () => (seen = await this.textOf(ui.language)) === language,
      () => String(seen),
    );
  }

  /** Runs a command by its title through the command palette (Ctrl+Shift+P). */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('Control+Shift+P');
    const input = this.page.locator(ui.quickInput);
    await input.waitFor({ timeout: this.timeoutMs });
    await input.fill(`>${title}`);
    const row = this.page.locator(ui.quickInputRow, { hasText: title }).first();
    await row.waitFor({ timeout: this.timeoutMs });
    await row.click();
    // The click leaves the pointer where the palette was, over the breadcrumbs or the tabs once
    // it closes: their tooltip would open, and stay, in place of the hover a test waits for.
    await this.parkPointer();
  }

  /** Rests the pointer on the empty end of the activity bar, where no tooltip opens over the editor. */
  async parkPointer(): Promise<void> {
    const viewport = this.page.viewportSize();
    if (viewport) await this.page.mouse.move(24, viewport.height - 200);
  }

  /** In Restricted Mode (launch with `workspaceTrust: true`), trusts the folder through the Workspace Trust editor. */
  async trustWorkspace(): Promise<void> {
    const restricted = this.page.locator(ui.statusBarItem, { hasText: 'Restricted Mode' });
    await restricted.waitFor({ timeout: this.timeoutMs });
    await this.runCommand('Manage Workspace Trust');
    await this.page
      .getByRole('button', { name: /^Trust( Folder)?$/ })
      .first()
      .click({ timeout: this.timeoutMs });
    await restricted.waitFor({ state: 'detached', timeout: this.timeoutMs });
  }

  /** Moves the cursor with "Go to Line/Column" and waits until the status bar shows the position. */
  async goTo(line: number, col: number): Promise<void> {
    await this.runCommand('Go to Line/Column');
    const input = this.page.locator(ui.quickInput);
    await input.waitFor({ timeout: this.timeoutMs });
    await input.fill(`:${line}:${col}`);
    await input.press('Enter');
    await this.waitForCursor({ line, col });
  }

  /** The cursor position from the status bar ("Ln 12, Col 5"). */
  async cursor(): Promise<Position> {
    const text = await this.textOf(ui.selection);
    const match = /Ln (\d+), Col (\d+)/.exec(text ?? '');
    if (!match) throw new Error(`no cursor position in the status bar (read: ${JSON.stringify(text)})`);
    return { line: Number(match[1]), col: Number(match[2]) };
  }

  async waitForCursor(expected: Position): Promise<void> {
    let seen: string | undefined;
    await waitUntil(
      `the cursor is at Ln ${expected.line}, Col ${expected.col}`,
      this.timeoutMs,
      async () => {
        seen = await this.textOf(ui.selection);
        // "Ln 3, Col 5" alone, or followed by " (12 selected)" when there is a selection.
        return seen === `Ln ${expected.line}, Col ${expected.col}` || seen?.startsWith(`Ln ${expected.line}, Col ${expected.col} `);
      },
      () => String(seen),
    );
  }

  /**
   * Shows the hover at the cursor (Ctrl+K Ctrl+I) and returns its text once it has content
   * (`expect`, when given, must match too — a hover can grow as providers answer).
   */
  async hover(expect?: RegExp): Promise<string> {
    await this.page.keyboard.press('Control+K');
    await this.page.keyboard.press('Control+I');
    const hover = this.page.locator(ui.hover).first();
    let seen = '';
    return waitUntil(
      `the hover shows ${expect ?? 'content'}`,
      this.timeoutMs,
      async () => {
        if (!(await hover.isVisible())) return false;
        seen = (await hover.innerText()).trim();
        if (!seen || /^Loading/.test(seen)) return false;
        return !expect || expect.test(seen) ? seen : false;
      },
      () => JSON.stringify(seen),
    );
  }

  /** Hover at a position: moves the cursor there first. */
  async hoverAt(line: number, col: number, expect?: RegExp): Promise<string> {
    await this.goTo(line, col);
    return this.hover(expect);
  }

  /**
   * Makes the open hover `by` pixels taller by dragging its lower edge (VS Code caps a hover at
   * a quarter of the editor's height, 250 px at least), so a screenshot shows a long card whole.
   * Resolves once the hover has grown.
   */
  async enlargeHover(by: number): Promise<void> {
    const hover = this.page.locator(ui.hover).first();
    const before = await hover.boundingBox();
    if (!before) throw new Error('no hover is open');
    const bottom = before.y + before.height;
    // The resizable hover's sashes; the lower one sits on the hover's bottom edge.
    const sashes = await this.page.locator('.monaco-resizable-hover .monaco-sash.horizontal').all();
    let target: { x: number; y: number } | undefined;
    for (const sash of sashes) {
      const box = await sash.boundingBox();
      if (box && Math.abs(box.y + box.height / 2 - bottom) < 8) target = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    }
    if (!target) throw new Error(`no sash on the hover's lower edge (y ${bottom}; ${sashes.length} sashes)`);
    await this.page.mouse.move(target.x, target.y);
    await this.page.mouse.down();
    await this.page.mouse.move(target.x, target.y + by, { steps: 8 });
    await this.page.mouse.up();
    await waitUntil(
      `the hover grows by ${by} px`,
      this.timeoutMs,
      async () => ((await hover.boundingBox())?.height ?? 0) > before.height + by / 2,
    );
  }

  /** Clicks the link of the open hover whose text matches `text` (a `command:` link runs its command). */
  async clickHoverLink(text: RegExp): Promise<void> {
    const link = this.page.locator(`${ui.hover} a`).filter({ hasText: text }).first();
    await link.waitFor({ timeout: this.timeoutMs });
    await link.click();
  }

  /** Closes an open hover or widget (Escape) and waits until it is gone. */
  async dismissHover(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.locator(ui.hover).first().waitFor({ state: 'hidden', timeout: this.timeoutMs });
  }

  /** Title of the active editor tab (the file name with its extension, as the tab shows it). */
  async activeTab(): Promise<string> {
    const tab = this.page.locator(ui.activeTab).first();
    await tab.waitFor({ timeout: this.timeoutMs });
    return (await tab.getAttribute('aria-label')) ?? '';
  }

  /** Absolute path of the file in the active editor tab (tab titles alone repeat: `default.nix`). */
  async activeFile(): Promise<string> {
    const label = this.page.locator(`${ui.activeTab} .monaco-icon-label`).first();
    await label.waitFor({ timeout: this.timeoutMs });
    // "…/package.nix • 1 problem in this file" once the file has diagnostics.
    return ((await label.getAttribute('aria-label')) ?? '').split(' • ')[0];
  }

  /**
   * Rests the pointer on the active editor tab until its tooltip (the document's path) matches
   * `expect`, and returns the tooltip; the pointer stays there (`screenshot(name, { keepPointer: true })`).
   */
  async hoverActiveTab(expect: RegExp): Promise<string> {
    await this.page.locator(ui.activeTab).first().hover();
    const tooltip = this.page.locator('.workbench-hover-container, .monaco-hover:not(.hidden)').first();
    let seen = '';
    return waitUntil(
      `the active tab's tooltip shows ${expect}`,
      this.timeoutMs,
      async () => {
        seen = (await tooltip.isVisible()) ? (await tooltip.innerText()).trim() : '';
        return expect.test(seen) ? seen : false;
      },
      () => JSON.stringify(seen),
    );
  }

  /** Waits until the active editor shows `file` (absolute, or relative to the workspace). */
  async waitForActiveFile(file: string): Promise<void> {
    const wanted = path.resolve(this.workspace, file);
    let seen = '';
    await waitUntil(
      `the active editor shows ${wanted}`,
      this.timeoutMs,
      async () => (seen = await this.activeFile()) === wanted,
      () => seen,
    );
  }

  /**
   * The text of a webview (a Markdown preview, say) once it matches `expect`. Webviews are
   * nested iframes; every frame of the page is read until one matches.
   */
  async webviewText(expect: RegExp): Promise<string> {
    let seen: string[] = [];
    return waitUntil(
      `a webview shows ${expect}`,
      this.timeoutMs,
      async () => {
        seen = [];
        for (const frame of this.page.frames()) {
          if (frame === this.page.mainFrame()) continue;
          const text = await frame
            .locator('body')
            .innerText({ timeout: 1_000 })
            .catch(() => '');
          seen.push(text.slice(0, 80));
          if (expect.test(text)) return text;
        }
        return false;
      },
      () => JSON.stringify(seen),
    );
  }

  /**
   * Presses F12 and waits until the active tab or the cursor changes, and, when `expected` is
   * given, until the landing place matches it; returns where it landed.
   */
  async goToDefinition(expected?: Partial<Jump>): Promise<Jump> {
    const before = await this.jumpState();
    await this.page.keyboard.press('F12');
    let seen = before;
    return waitUntil(
      `F12 lands ${expected ? JSON.stringify(expected) : 'somewhere new'}`,
      this.timeoutMs,
      async () => {
        seen = await this.jumpState();
        const moved = seen.tab !== before.tab || seen.line !== before.line || seen.col !== before.col;
        if (!moved) return false;
        // The status bar renders the new editor's cursor on an animation frame after the tab
        // switches: let two frames pass, then read again.
        await this.nextFrames();
        seen = await this.jumpState();
        const matches = !expected || Object.entries(expected).every(([k, v]) => seen[k as keyof Jump] === v);
        return matches ? seen : false;
      },
      () => JSON.stringify(seen),
    );
  }

  /** Resolves after the workbench has rendered two more animation frames. */
  async nextFrames(): Promise<void> {
    // A string, not a function: tsx compiles functions with esbuild's keepNames, and the
    // `__name` helper it inserts does not exist inside the page.
    await this.page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
  }

  private async jumpState(): Promise<Jump> {
    return { tab: await this.activeTab(), ...(await this.cursor()) };
  }

  /** The text of the active editor's rendered lines (only the lines in view). */
  async editorText(): Promise<string> {
    const lines = this.page.locator(ui.activeEditorText).first();
    await lines.waitFor({ timeout: this.timeoutMs });
    // The editor renders spaces as no-break spaces.
    return (await lines.innerText()).replace(/\u00a0/g, ' ');
  }

  /**
   * Waits until the active editor shows an inline message matching `expect` (VS Code's
   * "Cannot edit in read-only editor", "No definition found for …") and returns it.
   */
  async waitForEditorMessage(expect: RegExp): Promise<string> {
    const message = this.page.locator(ui.overlayMessage).first();
    let seen = '';
    return waitUntil(
      `the editor shows the message ${expect}`,
      this.timeoutMs,
      async () => {
        seen = (await message.isVisible()) ? (await message.innerText()).trim() : '';
        return expect.test(seen) ? seen : false;
      },
      () => JSON.stringify(seen),
    );
  }

  /** Types `text` into the active editor, expecting it to be read-only: returns VS Code's message saying so. */
  async typeIntoReadOnlyEditor(text: string): Promise<string> {
    await this.page.keyboard.type(text);
    return this.waitForEditorMessage(/read-?only/i);
  }

  /** Saves a screenshot of the whole workbench to `<screenshotDir>/<name>.png` and returns its path. */
  async screenshot(name: string, options: { keepPointer?: boolean } = {}): Promise<string> {
    mkdirSync(this.screenshotDir, { recursive: true });
    // The pointer rests on the empty end of the activity bar, so no tooltip covers the editor;
    // not while a hover is open: leaving it with the pointer would close it.
    if (!options.keepPointer && !(await this.page.locator(ui.hover).first().isVisible())) await this.parkPointer();
    const file = path.join(this.screenshotDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  protected async textOf(selector: string): Promise<string | undefined> {
    const el = this.page.locator(selector).first();
    return (await el.isVisible()) ? (await el.innerText()).trim() : undefined;
  }
}
