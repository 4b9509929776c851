// Getting around the workbench the way a person does: the Explorer, Quick Open, the command
// palette, Go to Line and the cursor in the status bar, the active tab, screenshots. Every helper
// waits on something visible (a selector, a text) with a timeout; none sleeps.
// `workbenchEditor.ts` adds what the editor shows, `workbench.ts` the panels.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { waitUntil } from './wait';

/** Cursor position as the status bar shows it (1-based). */
export interface Position {
  line: number;
  col: number;
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

/** The workbench as a person gets around it: files, commands, the cursor, the active tab. */
export class NavigationWorkbench {
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
    // The row whose description is the file's folder, exactly (cu/curl must not pick cu/curlpp).
    // Chosen with the keyboard: the list recycles its row elements as it refilters, so a click
    // can land on the row that took the element's place.
    const folder = path.dirname(relativePath);
    const exact = new RegExp(`(^|[\\s/])${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
    const row = this.page
      .locator(ui.quickInputRow, { hasText: path.basename(relativePath) })
      .filter({ has: this.page.locator('.label-description', { hasText: exact }) })
      .first();
    await row.waitFor({ timeout: this.timeoutMs });
    const focusedRow = async () => {
      const focused = this.page.locator(`${ui.quickInputRow}.focused`).first();
      if ((await focused.count()) === 0) return { name: '', folder: '' };
      const text = async (cls: string) => ((await focused.locator(cls).first().textContent({ timeout: 1000 })) ?? '').trim();
      return { name: await text('.label-name'), folder: await text('.label-description') };
    };
    let seen = { name: '', folder: '' };
    await waitUntil(
      `Quick Open focuses ${relativePath}`,
      this.timeoutMs,
      async () => {
        seen = await focusedRow();
        if (seen.name === path.basename(relativePath) && exact.test(seen.folder)) return true;
        await this.page.keyboard.press('ArrowDown');
        return false;
      },
      () => `focused: ${seen.folder}/${seen.name}`,
    );
    await this.page.keyboard.press('Enter');
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
